"""A BM25 index held as an inverted index of numpy arrays: scoring a query touches only the
postings of its terms, so a search over ~20k chunks takes a few milliseconds."""

from __future__ import annotations

import math
import pickle
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from retrieval.tokenizer import tokenize

K1 = 1.2
B = 0.75


class LexicalIndex:
    """BM25 over (id, tokens) pairs; rebuilt cheaply from stored tokens, saved as a pickle."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self._tokens: dict[str, list[str]] = {}
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._dirty = True
        self._chinese: set[str] = set()  # chunks with Chinese text (bigram tokens start "~")

    # -- building -------------------------------------------------------------------------
    def add(self, items: Iterable[tuple[str, Sequence[str]]]) -> None:
        for chunk_id, tokens in items:
            self._tokens[chunk_id] = list(tokens)
            if any(t[:1] == "~" for t in tokens):
                self._chinese.add(chunk_id)
            else:
                self._chinese.discard(chunk_id)
        self._dirty = True

    def remove(self, ids: Iterable[str]) -> None:
        for chunk_id in ids:
            self._tokens.pop(chunk_id, None)
            self._chinese.discard(chunk_id)
        self._dirty = True

    def clear(self) -> None:
        self._tokens.clear()
        self._chinese.clear()
        self._dirty = True

    def __len__(self) -> int:
        return len(self._tokens)

    def _build(self) -> None:
        self.ids = list(self._tokens)
        lengths = np.array([len(self._tokens[i]) for i in self.ids], dtype=np.float32)
        avg = float(lengths.mean()) if len(lengths) else 1.0
        norm = K1 * (1 - B + B * lengths / max(avg, 1e-6))
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for row, chunk_id in enumerate(self.ids):
            for term, tf in Counter(self._tokens[chunk_id]).items():
                docs, tfs = postings.setdefault(term, ([], []))
                docs.append(row)
                tfs.append(float(tf))
        total = len(self.ids)
        self._postings = {}
        for term, (docs, tfs) in postings.items():
            rows = np.array(docs, dtype=np.int32)
            freq = np.array(tfs, dtype=np.float32)
            idf = math.log(1 + (total - len(rows) + 0.5) / (len(rows) + 0.5))
            weights = idf * freq * (K1 + 1) / (freq + norm[rows])
            self._postings[term] = (rows, weights.astype(np.float32))
        self._dirty = False

    # -- querying -------------------------------------------------------------------------
    def idf(self, term: str) -> float:
        if self._dirty:
            self._build()
        total = len(self.ids)
        df = len(self._postings[term][0]) if term in self._postings else 0
        return math.log(1 + (total - df + 0.5) / (df + 0.5))

    def contains(self, term: str) -> bool:
        if self._dirty:
            self._build()
        return term in self._postings

    def chinese_share(self) -> float:
        """The share of chunks with Chinese text."""
        return len(self._chinese) / max(len(self._tokens), 1)

    def frequency(self, term: str) -> int:
        """How many chunks hold ``term``."""
        if self._dirty:
            self._build()
        posting = self._postings.get(term)
        return 0 if posting is None else len(posting[0])

    def chunks_with(self, term: str) -> set[str]:
        """The ids of the chunks whose tokens include ``term``."""
        if self._dirty:
            self._build()
        posting = self._postings.get(term)
        return set() if posting is None else {self.ids[row] for row in posting[0]}

    def is_chinese(self, chunk_id: str) -> bool:
        return chunk_id in self._chinese

    def tokens_of(self, chunk_id: str) -> list[str]:
        return self._tokens.get(chunk_id, [])

    def search(self, query: str | Sequence[str], k: int = 50) -> list[tuple[str, float]]:
        """Top ``k`` (id, BM25 score) pairs, best first."""
        if self._dirty:
            self._build()
        terms = tokenize(query) if isinstance(query, str) else list(query)
        if not self.ids or not terms:
            return []
        scores = np.zeros(len(self.ids), dtype=np.float32)
        for term, count in Counter(terms).items():
            posting = self._postings.get(term)
            if posting is not None:
                scores[posting[0]] += posting[1] * min(count, 2)
        nonzero = int(np.count_nonzero(scores))
        if nonzero == 0:
            return []
        k = min(k, nonzero)
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best])]
        return [(self.ids[i], float(scores[i])) for i in best]

    # -- persistence ----------------------------------------------------------------------
    def save(self, path: Path) -> None:
        if self._dirty:
            self._build()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as handle:
            state = {"version": 1, "tokens": self._tokens, "ids": self.ids}
            state["chinese"] = sorted(self._chinese)
            pickle.dump({**state, "postings": self._postings}, handle, protocol=5)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        index = cls()
        if path.is_file():
            with path.open("rb") as handle:
                data = pickle.load(handle)
            index._tokens = data.get("tokens", {})
            if "chinese" in data:
                index._chinese = set(data["chinese"])
            else:  # written before the language share was kept
                index._chinese = {
                    i for i, tokens in index._tokens.items() if any(t[:1] == "~" for t in tokens)
                }
            if "postings" in data and len(data["ids"]) == len(index._tokens):
                index.ids, index._postings, index._dirty = data["ids"], data["postings"], False
        return index
