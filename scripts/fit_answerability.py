"""Fit the answerability model across corpora and check it leave-one-corpus-out.

    .venv/bin/python scripts/eval_retrieval.py --only ours --features signals.jsonl
    .venv/bin/python scripts/fit_answerability.py signals.jsonl [--write]

Each row of the signals file is one question: its corpus, whether it is answerable, whether the
gold page was among the passages an answer cites (the label: "the answer is in the cited
passages"), the evidence retrieval measured and the embedder's midpoint. The model is an
L2-regularised logistic regression over retrieval.answerability.features, each corpus weighted
equally; the hand-off threshold is the lowest that hands off 70% of the unanswerable questions on
average over the corpora it is fitted on (a margin over the 60% target, so that as many
answerable questions as possible are answered).

Printed: for each corpus, the model fitted WITHOUT it (and its threshold chosen without it)
measured on it: handoff of unanswerable questions, answers to answerable ones, Brier score and
expected calibration error, next to the hand-written rule it replaces on the same questions.
``--write`` stores the model fitted on all corpora in retrieval/answerability.json.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_metrics import wilson  # noqa: E402

from retrieval.answerability import FEATURES, WEIGHTS, Answerability, features  # noqa: E402
from retrieval.evidence import Evidence  # noqa: E402

TWIN_WEIGHT = 0.5  # a question seen without dense scores counts half
L2 = 3.0  # chosen by leave-one-corpus-out Brier score among 0.1, 0.3, 1, 3, 10
# Of unanswerable questions, on average over the corpora fitted on. Chosen leave-one-corpus-out
# among 0.7, 0.75 and 0.8 (--handoff-goal): 0.75 kept every held-out corpus at 0.73 handed off
# or more and 0.95 answered or more; 0.8 answered 0.92-0.93 on two.
HANDOFF_GOAL = 0.75
LLM_HANDOFF_GOAL = 0.5  # with a model judging the doubtful ones, retrieval alone hands off half


def load(path: Path) -> list[dict[str, Any]]:
    """The questions, each also seen as by an embedder whose scores mean nothing (the words
    alone: ``lexical_twin``), so the model knows that case for every language, not only for
    Chinese questions on an English model. Twins are fitted on, never reported."""
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    twins = []
    for row in rows:
        evidence = Evidence(**row["evidence"])
        row["x"] = features(evidence, midpoint=row["midpoint"])
        row["old"] = old_rule(evidence, row["midpoint"])
        row["lexical_twin"] = False
        if row["midpoint"] is not None:
            twin = {**row, "id": row["id"] + "#words", "midpoint": None, "lexical_twin": True}
            twin["x"] = features(evidence, midpoint=None)
            twins.append(twin)
    return rows + twins


def old_rule(evidence: Evidence, midpoint: float | None) -> float:
    """The hand-weighted confidence this model replaces (handoff below 0.4)."""
    if midpoint is None:
        z = 1.5 + 2.0 * (evidence.coverage - 0.3) - 1.5 * len(evidence.unknown_terms)
    else:
        z = 4.0 * (evidence.coverage - 0.55) + 10.0 * (evidence.dense_top - midpoint)
        z -= 1.2 * len(evidence.unknown_terms)
    return 1.0 / (1.0 + math.exp(-z))


def fit(rows: Sequence[dict[str, Any]], goal: float = HANDOFF_GOAL) -> Answerability:
    x = np.array([r["x"] for r in rows], dtype=float)
    y = np.array([1.0 if r["cited"] else 0.0 for r in rows])
    corpora = [r["corpus"] for r in rows]
    counts = {c: corpora.count(c) for c in set(corpora)}
    weight = np.array([len(rows) / (len(counts) * counts[c]) for c in corpora])
    weight *= np.array([TWIN_WEIGHT if r["lexical_twin"] else 1.0 for r in rows])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    design = np.hstack([np.ones((len(rows), 1)), z])
    beta = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], L2)
    penalty[0] = 0.0
    for _ in range(100):  # Newton-Raphson on the penalised log-likelihood
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ beta, -30, 30)))
        gradient = design.T @ (weight * (y - p)) - penalty * beta
        hessian = (design.T * (weight * p * (1 - p))) @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.abs(step).max() < 1e-8:
            break
    model = Answerability(
        weights=tuple(float(b) for b in beta[1:]),
        intercept=float(beta[0]),
        mean=tuple(float(m) for m in mean),
        scale=tuple(float(s) for s in scale),
        handoff_below=0.5,
        llm_gate=0.5,
    )
    real = [r for r in rows if not r["lexical_twin"]]
    probabilities = [model.probability_of(r["x"]) for r in real]
    threshold = choose_threshold(real, probabilities, goal)
    rows = real
    return Answerability(
        weights=model.weights,
        intercept=model.intercept,
        mean=model.mean,
        scale=model.scale,
        handoff_below=threshold,
        llm_gate=choose_gate(rows, probabilities, threshold),
    )


def rates(rows: Sequence[dict[str, Any]], p: Sequence[float], t: float) -> tuple[float, float]:
    unanswerable = [pi < t for r, pi in zip(rows, p, strict=True) if not r["answerable"]]
    answerable = [pi >= t for r, pi in zip(rows, p, strict=True) if r["answerable"]]
    handoff = sum(unanswerable) / len(unanswerable) if unanswerable else 1.0
    answered = sum(answerable) / len(answerable) if answerable else 1.0
    return handoff, answered


def corpus_rates(
    rows: Sequence[dict[str, Any]], p: Sequence[float], t: float
) -> tuple[float, float]:
    """Handoff of unanswerable and answers to answerable questions at threshold ``t``, each
    averaged over the corpora (every corpus counts the same)."""
    handoffs, answers = [], []
    for corpus in sorted({r["corpus"] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r["corpus"] == corpus]
        h, a = rates([rows[i] for i in idx], [p[i] for i in idx], t)
        handoffs.append(h)
        answers.append(a)
    return float(np.mean(handoffs)), float(np.mean(answers))


def choose_threshold(
    rows: Sequence[dict[str, Any]], p: Sequence[float], goal: float = HANDOFF_GOAL
) -> float:
    """The lowest threshold that hands off HANDOFF_GOAL of the unanswerable questions on
    average over the corpora: as many answerable ones answered as that allows. (Aiming at the
    targets themselves, 60% and 90%, overfits the corpora at hand: on a new one the
    probabilities shift a little, and the margin is what keeps both targets.)"""
    for t in np.arange(0.02, 0.9, 0.01):
        if corpus_rates(rows, p, float(t))[0] >= goal:
            return round(float(t), 2)
    return 0.9


def choose_gate(rows: Sequence[dict[str, Any]], p: Sequence[float], ceiling: float) -> float:
    """With a model to judge the passages: the lowest threshold that still hands off
    LLM_HANDOFF_GOAL of the unanswerable questions on its own (no model call for those); the
    model reads the passages of everything between it and the threshold."""
    for t in np.arange(0.02, ceiling + 1e-9, 0.01):
        if corpus_rates(rows, p, float(t))[0] >= LLM_HANDOFF_GOAL:
            return round(float(t), 2)
    return round(ceiling, 2)


def calibration(rows: Sequence[dict[str, Any]], p: Sequence[float]) -> tuple[float, float]:
    y = [1.0 if r["cited"] else 0.0 for r in rows]
    brier = sum((pi - yi) ** 2 for pi, yi in zip(p, y, strict=True)) / len(rows)
    ece = 0.0
    for b in range(10):
        inside = [(pi, yi) for pi, yi in zip(p, y, strict=True) if b / 10 <= pi < (b + 1) / 10]
        if inside:
            gap = abs(sum(pi for pi, _ in inside) - sum(yi for _, yi in inside)) / len(inside)
            ece += len(inside) / len(rows) * gap
    return brier, ece


def fmt(triple: tuple[float, float, float]) -> str:
    return f"{triple[0]:.2f} [{triple[1]:.2f},{triple[2]:.2f}]"


def report(rows: list[dict[str, Any]], goal: float = HANDOFF_GOAL) -> dict[str, Any]:
    corpora = sorted({r["corpus"] for r in rows})
    out: dict[str, Any] = {}
    print(
        f"{'held-out corpus':<18}{'n':>4}  {'handoff (LOCO)':<18}{'answered (LOCO)':<18}"
        f"{'Brier/ECE':<12}{'old handoff':<18}{'old answered':<18}{'old Brier/ECE'}"
    )
    pooled: list[float] = []
    pooled_rows: list[dict[str, Any]] = []
    for corpus in corpora:
        train = [r for r in rows if r["corpus"] != corpus]
        test = [r for r in rows if r["corpus"] == corpus and not r["lexical_twin"]]
        model = fit(train, goal)
        p = [model.probability_of(r["x"]) for r in test]
        pooled += p
        pooled_rows += test
        old = [r["old"] for r in test]
        figures = {}
        for label, probs, t in (("new", p, model.handoff_below), ("old", old, 0.4)):
            unans = [pi < t for r, pi in zip(test, probs, strict=True) if not r["answerable"]]
            ans = [pi >= t for r, pi in zip(test, probs, strict=True) if r["answerable"]]
            figures[label] = (
                wilson(sum(unans), len(unans)),
                wilson(sum(ans), len(ans)),
                calibration(test, probs),
            )
        (h, a, (brier, ece)), (oh, oa, (obrier, oece)) = figures["new"], figures["old"]
        print(
            f"{corpus:<18}{len(test):>4}  {fmt(h):<18}{fmt(a):<18}{brier:.3f}/{ece:.2f}  "
            f"{fmt(oh):<18}{fmt(oa):<18}{obrier:.3f}/{oece:.2f}   (t={model.handoff_below})"
        )
        out[corpus] = {"handoff": h, "answered": a, "brier": brier, "ece": ece, "old": figures}
        languages = sorted({r["lang"] for r in test})
        for lang in languages if len(languages) > 1 else []:
            part = [(r, pi) for r, pi in zip(test, p, strict=True) if r["lang"] == lang]
            unans = [pi < model.handoff_below for r, pi in part if not r["answerable"]]
            ans = [pi >= model.handoff_below for r, pi in part if r["answerable"]]
            handed, answered = wilson(sum(unans), len(unans)), wilson(sum(ans), len(ans))
            label = f"{lang} questions"
            print(f"  {label:<16}{len(part):>4}  {fmt(handed):<18}{fmt(answered):<18}")
    brier, ece = calibration(pooled_rows, pooled)
    print(f"pooled leave-one-corpus-out: Brier {brier:.3f}, ECE {ece:.3f}")
    print("reliability (LOCO probabilities):")
    for b in range(10):
        inside = [
            (pi, r["cited"])
            for pi, r in zip(pooled, pooled_rows, strict=True)
            if b / 10 <= pi < (b + 1) / 10
        ]
        if inside:
            observed = sum(1 for _, c in inside if c) / len(inside)
            mean = sum(pi for pi, _ in inside) / len(inside)
            print(
                f"  {b / 10:.1f}-{(b + 1) / 10:.1f} n={len(inside):<4} "
                f"p {mean:.2f} obs {observed:.2f}"
            )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("signals", type=Path, nargs="+")
    parser.add_argument("--write", action="store_true", help=f"store the model in {WEIGHTS}")
    parser.add_argument(
        "--handoff-goal", type=float, default=HANDOFF_GOAL, help="of unanswerable questions"
    )
    args = parser.parse_args(argv)
    rows = [row for path in args.signals for row in load(path)]
    report(rows, args.handoff_goal)
    model = fit(rows, args.handoff_goal)
    print("\nfitted on all corpora:")
    for name, weight in zip(FEATURES, model.weights, strict=True):
        print(f"  {name:<16}{weight:+.3f}")
    print(f"  threshold {model.handoff_below}, with an LLM judging {model.llm_gate}")
    if args.write:
        WEIGHTS.write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
