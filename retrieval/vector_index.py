"""The dense index seam and its Chroma backend.

Chroma never embeds anything here: vectors always come from our embedder, and the collection
is opened with ``embedding_function=None`` so its default (downloading) function never loads.

Chroma stores the vectors. A collection of up to :data:`EXACT_LIMIT` vectors is searched
exactly, on an in-memory copy made at the first query and kept in step by this process's
writes: for a docs site (a few thousand to tens of thousands of passages) a full scan takes well
under a millisecond, finds the true neighbours where HNSW misses a few in a hundred, and gives
the same ranking however the graph happened to be built. Larger collections use Chroma's HNSW.

An embedded index also keeps that copy on disk (``snapshot``, one ``.npz`` beside the
collection), written when an ingest finishes: a new process then searches without importing
chromadb or reading the collection back (about half a second of a cold ``deskbot ask``). Any
write removes the snapshot before it touches the collection, so a snapshot on disk is never
older than the collection; only a writer writes one.
"""

from __future__ import annotations

import contextlib
import os
import threading
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

EXACT_LIMIT = 100_000  # vectors (384 floats: ~150 MB); above this, Chroma's HNSW answers
_PAGE = 5000  # vectors per request when copying a collection
_blas: Any = None


def _one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    """A scan is one small product (thousands of rows): it runs on the calling thread. Left to
    OpenBLAS's own threads, they spin on after it and slow the embedding model's next forward
    pass, measured at nearly twice the search time on two cores."""
    global _blas
    if _blas is None:
        from threadpoolctl import ThreadpoolController

        _blas = ThreadpoolController()
    return _blas.limit(limits=1, user_api="blas")


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

    def save(self) -> None:
        """Make this process's writes quick to read for the next process (may do nothing)."""
        ...


class ChromaIndex:
    """Embedded ``PersistentClient`` under ``path``, or a server when ``url`` is given."""

    def __init__(
        self,
        *,
        path: Path | None = None,
        url: str | None = None,
        collection: str = "deskbot",
        exact_limit: int = EXACT_LIMIT,
        snapshot: Path | None = None,
    ) -> None:
        self.path = path
        self.url = url
        self.collection_name = collection
        self.exact_limit = exact_limit
        self._client: Any = None
        self._collection: Any = None
        self._exact: MemoryIndex | None = None  # the in-memory copy, once made
        self._too_big = False  # the collection was over the limit: HNSW answers
        self._exact_lock = threading.Lock()
        # Another process may write a shared server's collection at any time: no snapshot then.
        self.snapshot = snapshot if url is None else None

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

    def _drop_snapshot(self) -> None:
        if self.snapshot is not None:
            self.snapshot.unlink(missing_ok=True)

    def upsert(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        coll = self._coll()
        self._drop_snapshot()
        step = 2000
        try:
            for start in range(0, len(ids), step):
                coll.upsert(
                    ids=list(ids[start : start + step]),
                    embeddings=vectors[start : start + step].tolist(),
                )
        except Exception as exc:
            self._exact = None  # part may have been written: copy afresh at the next query
            raise IndexError_(f"vector index write failed: {exc}") from exc
        exact = self._exact
        if exact is not None:
            exact.upsert(ids, vectors)
            if exact.count() > self.exact_limit:
                self._exact, self._too_big = None, True

    def delete(self, ids: Sequence[str]) -> None:
        if not ids:
            return
        coll = self._coll()
        self._drop_snapshot()
        try:
            for start in range(0, len(ids), 2000):
                coll.delete(ids=list(ids[start : start + 2000]))
        except Exception as exc:
            self._exact = None
            raise IndexError_(f"vector index delete failed: {exc}") from exc
        if self._exact is not None:
            self._exact.delete(ids)

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        return self.query_many(np.asarray(vector)[None, :], k)[0]

    def query_many(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        exact = self._exact_copy()
        if exact is not None:
            return exact.query_many(vectors, k)
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

    def _exact_copy(self) -> MemoryIndex | None:
        """The in-memory copy for exact search, made on first use; None over the limit."""
        if self._exact is not None or self._too_big:
            return self._exact
        with self._exact_lock:
            if self._exact is not None or self._too_big:
                return self._exact
            saved = self._load_snapshot()
            if saved is not None:
                self._exact = saved
                return saved
            coll = self._coll()
            try:
                total = coll.count()
                if total > self.exact_limit:
                    self._too_big = True
                    return None
                copy = MemoryIndex()
                for offset in range(0, total, _PAGE):
                    got = coll.get(include=["embeddings"], limit=_PAGE, offset=offset)
                    if len(got["ids"]):
                        copy.upsert(got["ids"], np.asarray(got["embeddings"], dtype=np.float32))
            except Exception as exc:
                raise IndexError_(f"vector index read failed: {exc}") from exc
            self._exact = copy
            return copy

    def _load_snapshot(self) -> MemoryIndex | None:
        if self.snapshot is None or not self.snapshot.is_file():
            return None
        try:
            with np.load(self.snapshot, allow_pickle=False) as data:
                ids, matrix = [str(i) for i in data["ids"]], np.asarray(data["vectors"])
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            # Damaged: read the collection instead, and let the next ingest write a good one.
            self.snapshot.unlink(missing_ok=True)
            return None
        copy = MemoryIndex()
        copy.load(ids, matrix)
        return copy

    def save(self) -> None:
        """Write the in-memory copy as the snapshot (embedded indexes up to the limit)."""
        if self.snapshot is None or self.snapshot.is_file():
            return  # none wanted, or still current: every write removes it first
        exact = self._exact_copy()
        if exact is None:
            return
        ids, matrix = exact.snapshot()
        self.snapshot.parent.mkdir(parents=True, exist_ok=True)
        scratch = self.snapshot.with_name(f".{self.snapshot.name}.{os.getpid()}.tmp")
        with scratch.open("wb") as handle:
            np.savez(handle, ids=np.asarray(ids, dtype=str), vectors=matrix)
        scratch.replace(self.snapshot)

    def count(self) -> int:
        if self._exact is not None:
            return self._exact.count()
        return int(self._coll().count())

    def reset(self) -> None:
        self._coll()
        self._drop_snapshot()
        try:
            self._client.delete_collection(self.collection_name)
        except Exception as exc:
            raise IndexError_(f"vector index reset failed: {exc}") from exc
        self._collection = None
        self._exact, self._too_big = MemoryIndex(), False

    def close(self) -> None:
        self._collection = None
        self._client = None
        self._exact, self._too_big = None, False


class MemoryIndex:
    """Exact cosine search in numpy: for tests and small corpora, and the in-memory copy
    :class:`ChromaIndex` searches."""

    def __init__(self) -> None:
        self._vectors: dict[str, np.ndarray] = {}
        self._matrix: np.ndarray | None = None
        self._ids: list[str] = []

    def upsert(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        for chunk_id, vector in zip(ids, vectors, strict=True):
            vector = np.asarray(vector, dtype=np.float32)
            norm = float(np.linalg.norm(vector))
            self._vectors[chunk_id] = vector / norm if norm > 0 else vector
        self._matrix = None

    def delete(self, ids: Sequence[str]) -> None:
        for chunk_id in ids:
            self._vectors.pop(chunk_id, None)
        self._matrix = None

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        return self.query_many(np.asarray(vector)[None, :], k)[0]

    def query_many(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        queries = np.asarray(vectors, dtype=np.float32)
        if not self._vectors or k <= 0:
            return [[] for _ in range(len(queries))]
        matrix, ids = self._matrix, self._ids
        if matrix is None:
            items = list(self._vectors.items())  # one snapshot, should a write come meanwhile
            ids = [chunk_id for chunk_id, _ in items]
            matrix = np.stack([vector for _, vector in items])
            self._matrix, self._ids = matrix, ids
        norms = np.linalg.norm(queries, axis=1, keepdims=True)
        with _one_blas_thread():
            scores = matrix @ (queries / np.where(norms > 0, norms, 1.0)).T  # (n, queries)
        k = min(k, len(ids))
        out = []
        for column in scores.T:
            top = np.argpartition(-column, k - 1)[:k]
            top = top[np.argsort(-column[top], kind="stable")]
            out.append([(ids[i], float(column[i])) for i in top])
        return out

    def count(self) -> int:
        return len(self._vectors)

    def reset(self) -> None:
        self._vectors.clear()
        self._matrix = None

    def save(self) -> None:
        """Nothing to persist: a memory index lives and dies with its process."""

    def load(self, ids: list[str], matrix: np.ndarray) -> None:
        """Take rows that are already unit-length (a snapshot) without re-normalising each."""
        matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        self._vectors = dict(zip(ids, matrix, strict=True))
        self._matrix, self._ids = matrix, list(ids)

    def snapshot(self) -> tuple[list[str], np.ndarray]:
        """The ids and the matrix of their unit vectors, row for row."""
        if not self._vectors:
            return [], np.zeros((0, 0), dtype=np.float32)
        items = list(self._vectors.items())
        return [i for i, _ in items], np.stack([v for _, v in items])
