"""Figures for retrieval evaluations, with confidence intervals (scripts/eval_retrieval.py).

Ranking figures (Recall@5, MRR@10) get percentile-bootstrap intervals over the answerable
questions; rates (handoff of unanswerable questions, answers to answerable ones) get Wilson
score intervals. A reliability table bins the reported confidence and sets each bin's mean
against how often the answer really was in the cited passages.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Z95 = 1.959964
BOOTSTRAP_ROUNDS = 2000


@dataclass(frozen=True)
class Outcome:
    """One question's result under one system."""

    answerable: bool
    gold_rank: int | None  # rank of the first gold page among unique sources, 1-based
    handoff: bool | None = None  # None: the system never hands off (peers)
    confidence: float | None = None
    cited: bool | None = None  # the gold page is among the passages the answer cites


def gold_rank(sources: Sequence[str], gold: Sequence[str]) -> int | None:
    wanted = set(gold)
    for rank, source in enumerate(dict.fromkeys(sources), start=1):
        if source in wanted:
            return rank
    return None


def recall_at(outcomes: Sequence[Outcome], k: int = 5) -> list[float]:
    return [1.0 if o.gold_rank is not None and o.gold_rank <= k else 0.0 for o in outcomes]


def reciprocal_ranks(outcomes: Sequence[Outcome], k: int = 10) -> list[float]:
    return [1.0 / o.gold_rank if o.gold_rank and o.gold_rank <= k else 0.0 for o in outcomes]


def bootstrap(values: Sequence[float], *, seed: int = 17) -> tuple[float, float, float]:
    """Mean and its 95% percentile-bootstrap interval."""
    if not values:
        return (0.0, 0.0, 0.0)
    rng = random.Random(seed)
    n = len(values)
    means = sorted(sum(rng.choices(values, k=n)) / n for _ in range(BOOTSTRAP_ROUNDS))
    low = means[int(0.025 * BOOTSTRAP_ROUNDS)]
    high = means[int(0.975 * BOOTSTRAP_ROUNDS) - 1]
    return (sum(values) / n, low, high)


def paired_bootstrap(
    a: Sequence[float], b: Sequence[float], *, seed: int = 17
) -> tuple[float, float, float]:
    """Mean of ``a - b`` over the same questions and its 95% paired-bootstrap interval."""
    diffs = [x - y for x, y in zip(a, b, strict=True)]
    return bootstrap(diffs, seed=seed)


def margin(ours: Sequence[Outcome], peer: Sequence[Outcome]) -> dict[str, Any]:
    """How far ``ours`` stands above ``peer`` on the same answerable questions: R@5 and
    MRR@10 differences with paired intervals (a question's luck counts on both sides)."""
    pairs = [(o, p) for o, p in zip(ours, peer, strict=True) if o.answerable]
    a, b = [o for o, _ in pairs], [p for _, p in pairs]
    return {
        "recall@5": _fig(paired_bootstrap(recall_at(a), recall_at(b))),
        "mrr@10": _fig(paired_bootstrap(reciprocal_ranks(a), reciprocal_ranks(b))),
    }


def wilson(successes: int, n: int) -> tuple[float, float, float]:
    """A proportion and its 95% Wilson score interval."""
    if n == 0:
        return (0.0, 0.0, 0.0)
    p = successes / n
    denominator = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denominator
    return (p, max(0.0, centre - half), min(1.0, centre + half))


def _fig(triple: tuple[float, float, float]) -> dict[str, float]:
    value, low, high = triple
    return {"value": round(value, 3), "low": round(low, 3), "high": round(high, 3)}


def summarise(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """R@5 and MRR@10 over the answerable questions; handoff figures where the system has them."""
    answerable = [o for o in outcomes if o.answerable]
    out: dict[str, Any] = {
        "answerable": len(answerable),
        "unanswerable": len(outcomes) - len(answerable),
        "recall@5": _fig(bootstrap(recall_at(answerable))),
        "mrr@10": _fig(bootstrap(reciprocal_ranks(answerable))),
    }
    if any(o.handoff is not None for o in outcomes):
        unanswerable = [o for o in outcomes if not o.answerable]
        handed = sum(1 for o in unanswerable if o.handoff)
        answered = sum(1 for o in answerable if not o.handoff)
        out["handoff_recall"] = _fig(wilson(handed, len(unanswerable)))
        out["answer_rate"] = _fig(wilson(answered, len(answerable)))
    scored = [o for o in outcomes if o.confidence is not None and o.cited is not None]
    if scored:
        out["brier"] = round(
            sum((float(o.confidence or 0.0) - float(bool(o.cited))) ** 2 for o in scored)
            / len(scored),
            4,
        )
    return out


def reliability(outcomes: Sequence[Outcome], *, bins: int = 10) -> dict[str, Any]:
    """Confidence in ``bins`` equal-width bins: count, mean confidence, observed rate of the
    answer being in the cited passages, and the expected calibration error over all bins."""
    scored = [o for o in outcomes if o.confidence is not None and o.cited is not None]
    rows: list[dict[str, Any]] = []
    ece = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [
            o
            for o in scored
            if low <= float(o.confidence or 0.0) < high or (b == bins - 1 and o.confidence == 1.0)
        ]
        if not inside:
            continue
        mean_conf = sum(float(o.confidence or 0.0) for o in inside) / len(inside)
        observed = sum(1 for o in inside if o.cited) / len(inside)
        ece += len(inside) / len(scored) * abs(mean_conf - observed)
        rows.append(
            {
                "bin": f"{low:.1f}-{high:.1f}",
                "n": len(inside),
                "confidence": round(mean_conf, 3),
                "observed": round(observed, 3),
            }
        )
    return {"bins": rows, "ece": round(ece, 4), "n": len(scored)}


def format_figure(fig: dict[str, float] | None) -> str:
    if not fig:
        return "-"
    return f"{fig['value']:.3f} [{fig['low']:.2f},{fig['high']:.2f}]"
