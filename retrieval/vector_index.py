"""The dense index seam and its Chroma backend.

Chroma never embeds anything here: vectors always come from our embedder, and the collection
is opened with ``embedding_function=None`` so its default (downloading) function never loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np


class IndexError_(Exception):
    """The vector store failed; the message carries the backend's reason."""


class VectorIndex(Protocol):
    def upsert(self, ids: Sequence[str], vectors: np.ndarray) -> None: ...

    def delete(self, ids: Sequence[str]) -> None: ...

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Top ``k`` (id, cosine similarity) pairs, best first."""
        ...

    def query_many(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """:meth:`query` for each row of ``vectors``, in one round trip."""
        ...

    def count(self) -> int: ...

    def reset(self) -> None: ...


class ChromaIndex:
    """Embedded ``PersistentClient`` under ``path``, or a server when ``url`` is given."""

    def __init__(
        self, *, path: Path | None = None, url: str | None = None, collection: str = "deskbot"
    ) -> None:
        self.path = path
        self.url = url
        self.collection_name = collection
        self._client: Any = None
        self._collection: Any = None

    def _coll(self) -> Any:
        if self._collection is None:
            try:
                import chromadb
                from chromadb.config import Settings as ChromaSettings

                chroma_settings = ChromaSettings(anonymized_telemetry=False)
                if self.url:
                    from urllib.parse import urlparse

                    parsed = urlparse(self.url)
                    self._client = chromadb.HttpClient(
                        host=parsed.hostname or "127.0.0.1",
                        port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                        ssl=parsed.scheme == "https",
                        settings=chroma_settings,
                    )
                else:
                    assert self.path is not None
                    self.path.mkdir(parents=True, exist_ok=True)
                    self._client = chromadb.PersistentClient(
                        path=str(self.path), settings=chroma_settings
                    )
                self._collection = self._client.get_or_create_collection(
                    self.collection_name,
                    embedding_function=None,
                    metadata={"hnsw:space": "cosine"},
                )
            except Exception as exc:  # chromadb raises many types; translate at the seam
                raise IndexError_(f"vector index unavailable: {exc}") from exc
        return self._collection

    def upsert(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        coll = self._coll()
        step = 2000
        try:
            for start in range(0, len(ids), step):
                coll.upsert(
                    ids=list(ids[start : start + step]),
                    embeddings=vectors[start : start + step].tolist(),
                )
        except Exception as exc:
            raise IndexError_(f"vector index write failed: {exc}") from exc

    def delete(self, ids: Sequence[str]) -> None:
        if not ids:
            return
        coll = self._coll()
        try:
            for start in range(0, len(ids), 2000):
                coll.delete(ids=list(ids[start : start + 2000]))
        except Exception as exc:
            raise IndexError_(f"vector index delete failed: {exc}") from exc

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        return self.query_many(np.asarray(vector)[None, :], k)[0]

    def query_many(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        coll = self._coll()
        total = coll.count()
        if total == 0:
            return [[] for _ in range(len(vectors))]
        try:
            result = coll.query(
                query_embeddings=np.asarray(vectors, dtype=np.float32).tolist(),
                n_results=min(k, total),
                include=["distances"],
            )
        except Exception as exc:
            raise IndexError_(f"vector search failed: {exc}") from exc
        out = []
        for ids, distances in zip(
            result["ids"], result.get("distances") or [[]] * len(vectors), strict=False
        ):
            out.append([(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=False)])
        return out

    def count(self) -> int:
        return int(self._coll().count())

    def reset(self) -> None:
        self._coll()
        try:
            self._client.delete_collection(self.collection_name)
        except Exception as exc:
            raise IndexError_(f"vector index reset failed: {exc}") from exc
        self._collection = None

    def close(self) -> None:
        self._collection = None
        self._client = None


class MemoryIndex:
    """Exact cosine search in numpy: for tests and small corpora."""

    def __init__(self) -> None:
        self._vectors: dict[str, np.ndarray] = {}
        self._matrix: np.ndarray | None = None
        self._ids: list[str] = []

    def upsert(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        for chunk_id, vector in zip(ids, vectors, strict=True):
            self._vectors[chunk_id] = np.asarray(vector, dtype=np.float32)
        self._matrix = None

    def delete(self, ids: Sequence[str]) -> None:
        for chunk_id in ids:
            self._vectors.pop(chunk_id, None)
        self._matrix = None

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        if not self._vectors:
            return []
        if self._matrix is None:
            self._ids = list(self._vectors)
            self._matrix = np.stack([self._vectors[i] for i in self._ids])
        scores = self._matrix @ np.asarray(vector, dtype=np.float32)
        top = np.argsort(-scores)[:k]
        return [(self._ids[i], float(scores[i])) for i in top]

    def query_many(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        return [self.query(vector, k) for vector in vectors]

    def count(self) -> int:
        return len(self._vectors)

    def reset(self) -> None:
        self._vectors.clear()
        self._matrix = None
