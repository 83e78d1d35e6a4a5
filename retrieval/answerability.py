"""Whether the docs answer a question: a calibrated probability that the answer is in the
passages an answer would cite, from signals that mean the same on every corpus
(retrieval.evidence).

A logistic model over a few features: coverage of the question's IDF mass by the best passages
and by the best one; whether the question's focus words (its rarest: the product, platform or
API it is about) are in them; words no page uses: names (as the question writes them:
"Cassandra", "tvOS"), other rare words ("laggy"), everyday words; how far the best dense
match stands out (when the embedder can read the question at all); how much of the question
the best BM25 passage matches; whether the best passages are found by both lists; the
question's language and length. It was fitted across several documentation sets and checked
leave-one-corpus-out (``scripts/fit_answerability.py``, which writes ``answerability.json``).
The hand-off threshold is chosen the same way: the probability below which a question goes to a
person.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.evidence import Evidence

WEIGHTS = Path(__file__).with_name("answerability.json")
FEATURES = (
    "coverage",
    "best_coverage",
    "focus_found",
    "named_absent",
    "odd_absent",
    "everyday_absent",
    "absent_share",
    "dense_ok",
    "dense_rel",
    "dense_gap",
    "lexical_share",
    "agreement",
    "cross_language",
    "chinese",
    "chinese_over_english",
    "length",
)


def features(evidence: Evidence, *, midpoint: float | None) -> list[float]:
    """The model's inputs, in :data:`FEATURES` order. ``midpoint``: the embedder's cosine for an
    even chance of relevance, or ``None`` when its scores mean nothing for this question (the
    hash embedder; Chinese on an English-only model)."""
    dense_ok = 0.0 if midpoint is None else 1.0
    unknown = len(evidence.unknown_terms)
    named = len(evidence.name_terms)
    absent = len(evidence.absent_terms)
    return [
        evidence.coverage,
        evidence.best_coverage,
        evidence.focus_found,
        float(min(named, 3)),
        float(min(unknown - named, 3)),
        float(min(max(absent - unknown, 0), 3)),
        absent / max(evidence.terms, 1),
        dense_ok,
        dense_ok * (evidence.dense_top - (midpoint or 0.0)),
        dense_ok * evidence.dense_gap,
        min(evidence.lexical_share, 3.0),
        dense_ok * evidence.agreement,
        float(evidence.cross_language),
        float(evidence.chinese),
        float(evidence.chinese and evidence.cross_language),
        math.log1p(evidence.terms),
    ]


@dataclass(frozen=True)
class Answerability:
    """``probability = sigmoid(intercept + Σ weight·(x - mean)/scale)``; hand off below
    ``handoff_below`` (extractive answers) or ``llm_gate`` (a model judges the passages)."""

    weights: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    handoff_below: float
    llm_gate: float

    def probability(self, evidence: Evidence, *, midpoint: float | None) -> float:
        return self.probability_of(features(evidence, midpoint=midpoint))

    def probability_of(self, x: Sequence[float]) -> float:
        z = self.intercept + sum(
            w * (v - m) / s
            for w, v, m, s in zip(self.weights, x, self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answerability:
        names = data["features"]
        if list(names) != list(FEATURES):
            raise ValueError(f"answerability weights are for features {names}, not {FEATURES}")
        return cls(
            weights=tuple(float(w) for w in data["weights"]),
            intercept=float(data["intercept"]),
            mean=tuple(float(m) for m in data["mean"]),
            scale=tuple(float(s) or 1.0 for s in data["scale"]),
            handoff_below=float(data["handoff_below"]),
            llm_gate=float(data["llm_gate"]),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "weights": [round(w, 6) for w in self.weights],
            "intercept": round(self.intercept, 6),
            "mean": [round(m, 6) for m in self.mean],
            "scale": [round(s, 6) for s in self.scale],
            "handoff_below": round(self.handoff_below, 4),
            "llm_gate": round(self.llm_gate, 4),
        }

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> Answerability:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))


_default: Answerability | None = None


def default_model() -> Answerability:
    """The fitted model shipped with the package (read once)."""
    global _default
    if _default is None:
        _default = Answerability.load()
    return _default
