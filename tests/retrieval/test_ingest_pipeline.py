"""Ingestion as a pipeline: worker processes parse while this one embeds, with progress."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from retrieval import HashEmbedder, KnowledgeBase, MemoryIndex, ingest_parse


def _open(path: Path) -> KnowledgeBase:
    return KnowledgeBase.open(path, embedder=HashEmbedder(), vector_index=MemoryIndex())


def _state(kb: KnowledgeBase) -> tuple[object, ...]:
    return (
        sorted(kb.store.chunks),
        sorted(kb.store.pages),
        sorted((k, tuple(v)) for k, v in kb.store.links.items()),
        sorted(kb.lexical._tokens.items()),
        kb.vectors.count(),
    )


def test_parsing_in_worker_processes_builds_the_same_index(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (docs / "broken.yaml").write_text("faq: [unclosed\n")
    alone = _open(tmp_path / "in-process")
    report_alone = alone.ingest([docs], workers=0)
    monkeypatch.setattr(ingest_parse, "POOL_MIN_FILES", 1)
    pooled = _open(tmp_path / "pooled")
    report_pooled = pooled.ingest([docs], workers=2)
    assert _state(pooled) == _state(alone)
    assert [s.path for s in report_pooled.skipped] == ["broken.yaml"]
    assert (report_pooled.added, report_pooled.chunks) == (report_alone.added, report_alone.chunks)
    alone.close()
    pooled.close()


def test_progress_counts_files_then_passages_up_to_their_totals(docs: Path, tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    kb = _open(tmp_path / "index")
    report = kb.ingest([docs], progress=lambda *event: seen.append(event), workers=0)
    reads = [(done, total) for phase, done, total in seen if phase == "read"]
    embeds = [(done, total) for phase, done, total in seen if phase == "embed"]
    assert reads[-1] == (report.files, report.files)
    assert [d for d, _ in reads] == sorted(d for d, _ in reads)
    assert embeds and embeds[-1][0] == embeds[-1][1] == report.chunks
    assert report.embedded == report.chunks  # passages; page summaries are not counted
    assert all(done <= total for done, total in embeds)

    seen.clear()
    again = kb.ingest([docs], progress=lambda *event: seen.append(event), workers=0)
    assert again.unchanged == report.files
    assert [e for e in seen if e[0] == "embed"] == []  # nothing to embed, nothing reported
    kb.close()


class BreakingPool(ThreadPoolExecutor):
    """A pool whose workers die after the first file, as a killed worker process would."""

    def map(self, fn, *iterables, timeout=None, chunksize=1):  # type: ignore[no-untyped-def]
        jobs = list(iterables[0])

        def results():  # type: ignore[no-untyped-def]
            yield fn(jobs[0])
            raise BrokenProcessPool("a worker died")

        return results()


def test_a_broken_pool_leaves_the_rest_to_this_process(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = _open(tmp_path / "in-process")
    alone.ingest([docs], workers=0)
    monkeypatch.setattr(ingest_parse, "POOL_MIN_FILES", 1)
    monkeypatch.setattr(ingest_parse, "make_pool", lambda count: BreakingPool(count))
    broken = _open(tmp_path / "broken")
    report = broken.ingest([docs], workers=2)
    assert report.added == 7 and _state(broken) == _state(alone)
    alone.close()
    broken.close()
