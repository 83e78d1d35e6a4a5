"""One end-to-end run with the real MiniLM model and the embedded Chroma index."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import KnowledgeBase


@pytest.mark.slow
def test_minilm_with_chroma_persists_and_answers(docs: Path, tmp_path: Path) -> None:
    kb = KnowledgeBase.open(tmp_path / "index", embedder="minilm")
    report = kb.ingest([docs])
    assert report.added == 7
    hits = kb.search("when the network drops, how does the SDK reconnect?", k=3)
    assert hits[0].source == "quickstart.mdx" and "Connect" in hits[0].heading
    kb.close()

    reopened = KnowledgeBase.open(tmp_path / "index", embedder="minilm")
    assert reopened.ingest([docs]).embedded == 0  # persisted, nothing to redo
    answer = reopened.ask("What is the maximum size of one message?")
    assert not answer.handoff and answer.citations[0].source == "limits.rst"
    assert "32 KB" in answer.answer
    reopened.close()
