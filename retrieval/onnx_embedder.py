"""The bundled MiniLM on ONNX Runtime: no torch in the process, a fraction of the memory.

Same model, same pooling as :class:`retrieval.embedder.MiniLMEmbedder` (mean of the token
vectors, L2-normalised), tokenised by the ``tokenizers`` library from the package's own
``tokenizer.json``. ``precision="fp32"`` (the default) gives the PyTorch vectors (cosine 1.0 to
1e-6), so it shares their name and cache. ``"mixed"`` runs two thirds of the arithmetic in int8
(see :func:`retrieval.onnx_build.mixed_nodes`) and ``"int8"`` all of it; each is a model of its
own for the index and the embedding cache (vectors ~0.997 and ~0.994 cosine from the original).

Passages are embedded ``workers`` batches at a time, each call on one thread (``threads``):
on a busy machine every operator of a multi-threaded call waits for its slowest thread, and
independent calls side by side keep both cores busy. A question has nothing to run beside it,
so it gets a session of its own with ``query_threads`` (two): measured on a shared two-core
machine, 9.0 ms against 11.8 ms p50 at load 6, for the same CPU time. Each session is made
at its first use, so a server that only answers questions never holds the passages' one.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.onnx_export import MODEL_NAME, OnnxModel, Precision, prepare_minilm
from retrieval.vectors import normalise

Preparer = Callable[[Path, Precision], OnnxModel]


def _prepare(cache_dir: Path, precision: Precision) -> OnnxModel:
    return prepare_minilm(cache_dir, precision=precision)


class _InFlight:
    """Calls into ONNX Runtime still running, so the interpreter's exit can wait for them.

    A daemon thread (the service's warm-up, a request) still inside ONNX Runtime when the
    process exits sees the runtime's globals destroyed under it, and the process aborts
    ("terminate called without an active exception"). Exit waits a little for such calls.
    """

    def __init__(self) -> None:
        self._count = 0
        self._changed = threading.Condition()
        self._registered = False
        self._closing = False
        self._never = threading.Event()

    @contextlib.contextmanager
    def call(self) -> Iterator[None]:
        with self._changed:
            closing = self._closing
            if not closing:
                self._count += 1
            if not self._registered:
                atexit.register(self.drain)
                self._registered = True
        if closing:  # the process is exiting: a thread that would start a call waits instead
            self._never.wait()
        try:
            yield
        finally:
            with self._changed:
                self._count -= 1
                self._changed.notify_all()

    def drain(self, timeout: float = 10.0) -> bool:
        with self._changed:
            self._closing = True
            return self._changed.wait_for(lambda: self._count == 0, timeout=timeout)


_in_flight = _InFlight()


class OnnxMiniLMEmbedder:
    """all-MiniLM-L6-v2 exported to ONNX under ``model_dir``; exported and loaded on first use."""

    dim = 384
    multilingual = False
    midpoint: float | None = 0.45  # as the PyTorch model: calibrated on dev questions

    def __init__(
        self,
        *,
        model_dir: Path,
        precision: Precision = "fp32",
        batch_size: int = 8,
        max_seq_length: int = 128,
        threads: int = 1,
        workers: int | None = None,
        query_threads: int | None = None,
        prepare: Preparer = _prepare,
    ) -> None:
        self.model_dir = model_dir
        self.precision = precision
        self.batch_size = batch_size
        self.max_seq_length = max_seq_length
        self.threads = threads
        # Batches embedded at once: one per core (up to 4; more only adds memory).
        self.workers = workers if workers is not None else max(1, min(4, os.cpu_count() or 1))
        self.query_threads = (
            query_threads if query_threads is not None else max(1, min(2, os.cpu_count() or 1))
        )
        self.name = MODEL_NAME if precision == "fp32" else f"{MODEL_NAME}-{precision}"
        # fp32 vectors are the PyTorch model's: the same cache entries serve both.
        self.cache_tag = self.name if max_seq_length == 256 else f"{self.name}@{max_seq_length}"
        self._prepare = prepare
        self._model: OnnxModel | None = None
        self._sessions: dict[int, Any] = {}  # by intra-op thread count
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def _load(self) -> tuple[OnnxModel, Any]:
        """The exported model (exported first if need be) and its tokenizer."""
        with self._lock, _in_flight.call():
            if self._model is None:
                from tokenizers import Tokenizer

                model = self._prepare(self.model_dir, self.precision)
                tokenizer = Tokenizer.from_file(str(model.tokenizer))
                tokenizer.enable_truncation(self.max_seq_length)
                tokenizer.no_padding()  # batches are padded here, to their own longest text
                self._model, self._tokenizer = model, tokenizer
        return self._model, self._tokenizer

    def _session(self, threads: int) -> Any:
        model, _ = self._load()
        with self._lock, _in_flight.call():
            if threads not in self._sessions:
                import onnxruntime as ort

                options = ort.SessionOptions()
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                options.intra_op_num_threads = threads
                # Idle worker threads would spin on after each call, taking the CPU that
                # parsing, the BM25 scan or another process needs next (two cores here).
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                # The arena keeps the largest batch's buffers for good: ~60 MB held by a
                # server that then embeds one short question at a time; no measurable speed.
                options.enable_cpu_mem_arena = False
                self._sessions[threads] = ort.InferenceSession(
                    str(model.path), options, providers=["CPUExecutionProvider"]
                )
        return self._sessions[threads]

    def _token_vectors(
        self, ids: np.ndarray, mask: np.ndarray, *, threads: int | None = None
    ) -> np.ndarray:
        session = self._session(self.threads if threads is None else threads)
        with _in_flight.call():
            out = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return np.asarray(out, dtype=np.float32)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        _, tokenizer = self._load()
        encoded = [e.ids for e in tokenizer.encode_batch(list(texts))]
        # Sorted by length, each batch pads only to its own longest text.
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
        out = np.empty((len(texts), self.dim), dtype=np.float32)

        def embed(rows: list[int]) -> None:
            width = max(len(encoded[i]) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for row, i in enumerate(rows):
                ids[row, : len(encoded[i])] = encoded[i]
                mask[row, : len(encoded[i])] = 1
            tokens = self._token_vectors(ids, mask)
            weights = mask[..., None].astype(np.float32)
            out[rows] = (tokens * weights).sum(axis=1) / weights.sum(axis=1)

        batches = [order[s : s + self.batch_size] for s in range(0, len(order), self.batch_size)]
        if self.workers <= 1 or len(batches) == 1:
            for rows in batches:
                embed(rows)
        else:
            from concurrent.futures import ThreadPoolExecutor

            # ONNX Runtime lets go of the GIL while it computes: the batches really overlap.
            with ThreadPoolExecutor(self.workers, thread_name_prefix="onnx-embed") as pool:
                for _ in pool.map(embed, batches):
                    pass
        return normalise(out)

    def _encode_one(self, text: str) -> tuple[np.ndarray, list[tuple[int, int]]]:
        _, tokenizer = self._load()
        encoding = tokenizer.encode(text)
        ids = np.asarray([encoding.ids], dtype=np.int64)
        tokens = self._token_vectors(ids, np.ones_like(ids), threads=self.query_threads)[0]
        return tokens, list(encoding.offsets)

    def embed_query(self, text: str) -> np.ndarray:
        tokens, _ = self._encode_one(text)
        return normalise(tokens.mean(axis=0))

    def embed_query_parts(self, text: str, parts: Sequence[str]) -> np.ndarray:
        """One forward pass, as :meth:`MiniLMEmbedder.embed_query_parts`: each part is the mean
        of its own token vectors, read in the context of the whole question."""
        tokens, offsets = self._encode_one(text)
        whole = tokens.mean(axis=0)
        rows = [whole]
        cursor = 0
        for part in parts:
            start = text.find(part, cursor)
            if start < 0:
                rows.append(whole)
                continue
            end = cursor = start + len(part)
            inside = [i for i, (a, b) in enumerate(offsets) if b > a and a >= start and b <= end]
            rows.append(tokens[inside].mean(axis=0) if inside else whole)
        return normalise(np.stack(rows))
