"""One end-to-end run with the real MiniLM model (ONNX, the default backend) and the embedded
Chroma index; the PyTorch backend's question parts."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import KnowledgeBase
from retrieval.embedder import MiniLMEmbedder
from tests.retrieval.conftest import ExportedModels


@pytest.mark.slow
def test_minilm_with_chroma_persists_and_answers(
    docs: Path, tmp_path: Path, onnx_models: ExportedModels
) -> None:
    kb = KnowledgeBase.open(tmp_path / "index", embedder="minilm", model_dir=onnx_models.folder)
    report = kb.ingest([docs])
    assert report.added == 7
    hits = kb.search("when the network drops, how does the SDK reconnect?", k=3)
    assert hits[0].source == "quickstart.mdx" and "Connect" in hits[0].heading
    kb.close()

    reopened = KnowledgeBase.open(
        tmp_path / "index", embedder="minilm", model_dir=onnx_models.folder
    )
    assert reopened.ingest([docs]).embedded == 0  # persisted, nothing to redo
    answer = reopened.ask("What is the maximum size of one message?")
    assert not answer.handoff and answer.citations[0].source == "limits.rst"
    assert "32 KB" in answer.answer
    reopened.close()


@pytest.mark.slow
def test_question_parts_come_from_one_pass_over_the_question() -> None:
    embedder = MiniLMEmbedder()
    question = "Does screen sharing work in Firefox? What is the maximum size of one message?"
    parts = ["Does screen sharing work in Firefox?", "What is the maximum size of one message?"]
    whole, screen, size = embedder.embed_query_parts(question, parts)
    assert float(whole @ embedder.embed_query(question)) == pytest.approx(1.0, abs=1e-4)
    alone = embedder.embed_documents(parts)
    # Each part's vector is about that part, not the average of the question.
    assert float(screen @ alone[0]) > float(screen @ alone[1])
    assert float(size @ alone[1]) > float(size @ alone[0])
    assert float(size @ alone[1]) > float(whole @ alone[1])


@pytest.mark.slow
def test_sample_knowledge_base_answers_in_both_languages(
    tmp_path: Path, onnx_models: ExportedModels
) -> None:
    """What `make run` serves: Chinese questions find the Chinese pages, English the English."""
    sample = Path(__file__).resolve().parents[2] / "knowledge_base"
    kb = KnowledgeBase.open(tmp_path / "index", embedder="minilm", model_dir=onnx_models.folder)
    try:
        kb.ingest([sample])
        upgrade = kb.ask("怎么升级套餐？")
        assert not upgrade.handoff
        assert upgrade.passages[0].source == "docs/zh/support/upgrade-plan.md"
        english = kb.search("How long does a self-service plan upgrade take?", k=1)
        assert english[0].source == "docs/support/upgrade-plan.md"
        logs = kb.search("安卓端怎么收集日志？", k=3)
        assert logs[0].source == "docs/zh/troubleshooting/collect-logs.md"
    finally:
        kb.close()
