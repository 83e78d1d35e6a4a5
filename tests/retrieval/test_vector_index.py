"""The embedded Chroma index: exact search on its in-memory copy, kept in step with writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.vector_index import ChromaIndex, MemoryIndex


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _true_top(matrix: np.ndarray, ids: list[str], query: np.ndarray, k: int) -> list[str]:
    scores = matrix @ query
    return [ids[i] for i in np.argsort(-scores, kind="stable")[:k]]


@pytest.fixture
def vectors() -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(7)
    # Random directions in 48 dimensions are nearly equidistant: HNSW loses some true
    # neighbours among 4,000 of them, an exact scan none.
    matrix = _unit(rng.standard_normal((4000, 48)))
    return [f"c{i}" for i in range(len(matrix))], matrix


def test_search_is_exact_and_follows_this_process_writes(
    tmp_path: Path, vectors: tuple[list[str], np.ndarray]
) -> None:
    ids, matrix = vectors
    index = ChromaIndex(path=tmp_path / "chroma")
    index.upsert(ids, matrix)
    queries = _unit(np.random.default_rng(8).standard_normal((20, 48)))
    got = index.query_many(queries, 50)
    for query, hits in zip(queries, got, strict=True):
        assert [i for i, _ in hits] == _true_top(matrix, ids, query, 50)
        assert hits[0][1] == pytest.approx(float(matrix[int(hits[0][0][1:])] @ query), abs=1e-5)

    # Writes after the copy was made are searched at once, without reading Chroma again.
    index.upsert(["new"], queries[:1] * 3.0)  # any length: cosine
    assert index.query(queries[0], 1)[0][0] == "new"
    index.delete(["new", ids[0]])
    assert all(i not in ("new", ids[0]) for i, _ in index.query_many(queries, 4000)[0])
    index.close()

    # Another process copies what Chroma persisted, and ranks the same.
    reopened = ChromaIndex(path=tmp_path / "chroma")
    assert reopened.count() == len(ids) - 1
    again = reopened.query_many(queries, 50)
    assert [[i for i, _ in hits] for hits in again] == [
        _true_top(matrix[1:], ids[1:], query, 50) for query in queries
    ]
    reopened.reset()
    assert reopened.query(queries[0], 5) == []
    reopened.upsert(ids[:3], matrix[:3])
    assert reopened.query(matrix[2], 1)[0][0] == ids[2]
    reopened.close()


def test_a_collection_over_the_limit_is_searched_by_chroma(
    tmp_path: Path, vectors: tuple[list[str], np.ndarray]
) -> None:
    ids, matrix = vectors
    index = ChromaIndex(path=tmp_path / "chroma", exact_limit=1000)
    index.upsert(ids[:800], matrix[:800])
    assert index.query(matrix[5], 1)[0][0] == ids[5]  # the copy is made: 800 vectors
    index.upsert(ids[800:], matrix[800:])  # now 4,000: the copy is dropped
    hits = index.query_many(matrix[3000:3010], 10)
    assert [h[0][0] for h in hits] == ids[3000:3010]  # HNSW finds an identical vector
    index.close()


def test_memory_index_is_cosine_whatever_the_lengths() -> None:
    index = MemoryIndex()
    index.upsert(["a", "b"], np.array([[10.0, 0.0], [1.0, 1.0]], dtype=np.float32))
    (a, b) = index.query(np.array([3.0, 0.1], dtype=np.float32), 2)
    assert a[0] == "a" and a[1] == pytest.approx(0.9994, abs=1e-3)
    assert b[0] == "b" and b[1] == pytest.approx(0.7307, abs=1e-3)
    assert index.query_many(np.zeros((2, 2), dtype=np.float32), 0) == [[], []]
