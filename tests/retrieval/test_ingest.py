from __future__ import annotations

from pathlib import Path

import numpy as np

from retrieval import HashEmbedder, KnowledgeBase, MemoryIndex


class CountingEmbedder(HashEmbedder):
    """The hash embedder, remembering every text it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def embed_documents(self, texts):  # type: ignore[no-untyped-def]
        self.seen.extend(texts)
        return super().embed_documents(texts)


def open_kb(tmp_path: Path, embedder: HashEmbedder) -> KnowledgeBase:
    return KnowledgeBase.open(tmp_path / "index", embedder=embedder, vector_index=MemoryIndex())


def test_first_ingest_reports_files_and_chunks(docs: Path, make_kb) -> None:
    kb = make_kb()
    report = kb.ingest([docs])
    assert report.files == 7  # the partial is inlined, not indexed on its own
    assert report.added == 7 and report.updated == report.removed == 0
    assert report.chunks == kb.chunk_count > 10
    assert report.skipped == []
    summary = report.as_dict()
    assert set(summary) >= {"files", "chunks", "added", "updated", "removed", "seconds"}


def test_unchanged_reingest_embeds_nothing(docs: Path, tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    kb = open_kb(tmp_path, embedder)
    kb.ingest([docs])
    embedder.seen.clear()
    report = kb.ingest([docs])
    assert report.unchanged == 7 and report.added == report.updated == 0
    assert embedder.seen == []
    kb.close()


def test_changed_file_alone_is_reembedded_and_deleted_file_removed(
    docs: Path, tmp_path: Path
) -> None:
    embedder = CountingEmbedder()
    kb = open_kb(tmp_path, embedder)
    kb.ingest([docs])
    embedder.seen.clear()
    limits = docs / "limits.rst"
    limits.write_text(limits.read_text().replace("20 messages", "50 messages"))
    (docs / "changelog.txt").unlink()
    report = kb.ingest([docs])
    assert (report.updated, report.removed, report.added) == (1, 1, 0)
    assert len(embedder.seen) == 1 and "Rate" in embedder.seen[0]
    assert not any(h.source == "changelog.txt" for h in kb.search("message reactions", k=10))
    top = kb.search("how many messages per second can a user send", k=1)[0]
    assert "50 messages" in top.text
    kb.close()


def test_cached_vectors_survive_reset(docs: Path, tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    kb = open_kb(tmp_path, embedder)
    kb.ingest([docs])
    embedder.seen.clear()
    report = kb.ingest([docs], reset=True)
    assert report.added == 7
    assert embedder.seen == []  # content-hash cache: a rebuild costs no model time
    kb.close()


def test_broken_file_is_reported_and_skipped(docs: Path, make_kb) -> None:
    (docs / "broken.yaml").write_text("faq: [unclosed\n")
    kb = make_kb()
    report = kb.ingest([docs])
    assert [s.path for s in report.skipped] == ["broken.yaml"]
    assert "YAML" in report.skipped[0].reason
    assert report.added == 7


def test_empty_folder_is_fine(tmp_path: Path, make_kb) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    kb = make_kb()
    report = kb.ingest([empty])
    assert (report.files, report.chunks) == (0, 0)
    assert kb.search("anything") == []
    answer = kb.ask("how do I connect?")
    assert answer.handoff and answer.citations == []


def test_hash_embedder_is_deterministic_and_normalised() -> None:
    a = HashEmbedder().embed_documents(["token expired", "token expired"])
    assert np.allclose(a[0], a[1]) and np.isclose(np.linalg.norm(a[0]), 1.0)


def test_page_vectors_follow_their_files(docs: Path, make_kb) -> None:
    kb = make_kb()
    kb.ingest([docs])
    assert len(kb.store.pages) == 7
    assert kb.vectors.count() == kb.chunk_count + 7
    (docs / "changelog.txt").unlink()
    kb.ingest([docs])
    assert len(kb.store.pages) == 6
    assert kb.vectors.count() == kb.chunk_count + 6
    assert "changelog.txt" not in {source for source, _ in kb.store.pages.values()}
