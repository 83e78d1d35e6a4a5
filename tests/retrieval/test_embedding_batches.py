"""What keeps ingestion's embedding cheap: each distinct text embedded once, batches of texts
of about the same length (little padding), and every vector back in its text's row."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.embedder import CachedEmbedder, HashEmbedder
from retrieval.onnx_embedder import OnnxMiniLMEmbedder


class _Counting(HashEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        return super().embed_documents(texts)


def test_a_repeated_text_is_embedded_once(tmp_path: Path) -> None:
    inner = _Counting()
    cached = CachedEmbedder(inner, path=tmp_path / "vectors.sqlite")
    texts = ["Install the SDK", "Renew a token", "Install the SDK", "Install the SDK"]
    vectors = cached.embed_documents(texts)
    assert sorted(inner.seen) == ["Install the SDK", "Renew a token"]
    assert cached.computed == 2
    assert np.allclose(vectors, HashEmbedder().embed_documents(texts))
    again = cached.embed_documents(["Renew a token", "Publish a message"])  # a later batch
    assert inner.seen[2:] == ["Publish a message"] and cached.computed == 3
    assert np.allclose(again[0], vectors[1])
    cached.close()


class _Tokenizer:
    """One token per word, as the real tokenizer's ``encode_batch`` returns them."""

    class _Encoding:
        def __init__(self, text: str) -> None:
            self.ids = [100 + len(word) for word in text.split()]

    def encode_batch(self, texts: list[str]) -> list[Any]:
        return [self._Encoding(t) for t in texts]


class _Recording(OnnxMiniLMEmbedder):
    """The ONNX embedder with a stand-in model: each token's vector says which token it is,
    so a pooled vector says how long its text was; every batch's shape is recorded."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(model_dir=Path("unused"), **kwargs)
        self.shapes: list[tuple[int, int]] = []

    def _load(self) -> tuple[Any, Any]:
        return None, _Tokenizer()

    def _token_vectors(
        self, ids: np.ndarray, mask: np.ndarray, *, threads: int | None = None
    ) -> np.ndarray:
        self.shapes.append(ids.shape)
        out = np.zeros((*ids.shape, self.dim), dtype=np.float32)
        lengths = mask.sum(axis=1)
        for row, length in enumerate(lengths):
            out[row, :, int(length)] = 1.0  # the pooled vector points at the text's length
        return out


def _texts(lengths: list[int]) -> list[str]:
    return [" ".join(["word"] * n) for n in lengths]


def test_batches_group_texts_of_a_length_and_keep_each_vector_in_its_row() -> None:
    rng = np.random.default_rng(3)
    lengths = [int(n) for n in rng.integers(1, 120, size=200)]
    for workers in (1, 3):
        embedder = _Recording(batch_size=8, workers=workers)
        vectors = embedder.embed_documents(_texts(lengths))
        assert vectors.shape == (200, 384)
        assert [int(np.argmax(v)) for v in vectors] == lengths  # each row its own text's
        padded = sum(rows * width for rows, width in embedder.shapes)
        assert padded < 1.1 * sum(lengths)  # sorted by length: padding stays small
        assert max(rows for rows, _ in embedder.shapes) == 8


def test_no_text_no_call() -> None:
    embedder = _Recording()
    assert embedder.embed_documents([]).shape == (0, 384)
    assert embedder.shapes == []


class _FakeSession:
    def run(self, _outputs: Any, feed: dict[str, np.ndarray]) -> list[np.ndarray]:
        ids = feed["input_ids"]
        return [np.ones((*ids.shape, 384), dtype=np.float32)]


class _Sessions(OnnxMiniLMEmbedder):
    """Records which sessions (by thread count) are made, as the real one makes them."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(model_dir=Path("unused"), **kwargs)
        self.made: list[int] = []

    def _load(self) -> tuple[Any, Any]:
        from tokenizers import Tokenizer
        from tokenizers.models import WordLevel
        from tokenizers.pre_tokenizers import Whitespace

        tokenizer = Tokenizer(WordLevel({"[UNK]": 0}, unk_token="[UNK]"))
        tokenizer.pre_tokenizer = Whitespace()
        return None, tokenizer

    def _session(self, threads: int) -> Any:
        if threads not in self._sessions:
            self.made.append(threads)
            self._sessions[threads] = _FakeSession()
        return self._sessions[threads]


def test_a_question_gets_two_threads_and_passages_one_each() -> None:
    embedder = _Sessions(workers=2)
    assert embedder.threads == 1 and embedder.query_threads == 2
    embedder.embed_query("how do I renew a token")
    embedder.embed_query_parts("renew a token? and publish?", ["renew a token?", "and publish?"])
    assert embedder.made == [2]  # a server answering questions never makes the other session
    embedder.embed_documents(_texts([3, 5, 7] * 8))
    assert embedder.made == [2, 1]
    assert _Sessions(query_threads=1).query_threads == 1
