"""scripts/bench_retrieval.py: rounds of several embedders fold into medians."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from bench_retrieval import _timed_documents, median_run  # noqa: E402


def test_each_figure_is_the_median_of_its_rounds() -> None:
    rounds = [
        {"embedder": "minilm", "ingest_seconds": 90.0, "chunks": 10, "torch_loaded": False},
        {"embedder": "minilm", "ingest_seconds": 30.0, "chunks": 10, "torch_loaded": False},
        {"embedder": "minilm", "ingest_seconds": 40.0, "chunks": 10, "torch_loaded": False},
    ]
    assert median_run(rounds) == {
        "embedder": "minilm",
        "ingest_seconds": 40.0,
        "chunks": 10,
        "torch_loaded": False,
    }
    assert median_run(rounds[:2])["ingest_seconds"] == 60.0


def test_the_time_inside_the_embedding_model_is_counted() -> None:
    import time

    class Slow:
        def embed_documents(self, texts: list[str]) -> list[int]:
            time.sleep(0.02)
            return [len(t) for t in texts]

    embedder = Slow()
    total = _timed_documents(embedder)
    assert embedder.embed_documents(["ab", "c"]) == [2, 1]  # answers pass through
    embedder.embed_documents(["d"])
    assert 0.04 <= total[0] < 1.0
