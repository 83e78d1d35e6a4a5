"""Ingestion as a pipeline: worker processes parse while this one embeds, with progress."""

from __future__ import annotations

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
