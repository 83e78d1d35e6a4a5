"""Evaluate offline triage on the labelled bug reports (../shared/eval/bug-reports-dev.jsonl).

Prints one JSON document: kind accuracy, per-field presence precision/recall/F1, priority
exact / within-one agreement and quadratic-weighted Cohen's kappa, with a constant-P2 baseline.

    .venv/bin/python scripts/eval_triage.py [--data PATH] [--tier pro] [--errors]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.triage.engine import TriageRequest  # noqa: E402
from bot.triage.offline import OfflineEngine  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "bug-reports-dev.jsonl"
SEVERITY_TO_PRIORITY = {"critical": 1, "high": 2, "normal": 3, "low": 4}
# label key -> our field(s); expected_actual is "an explicit expected-behaviour statement"
FIELD_MAP: dict[str, tuple[str, ...]] = {
    "repro_steps": ("repro_steps",),
    "logs": ("logs",),
    "sdk_version": ("sdk_version",),
    "platform": ("platform",),
    "os_version": ("os_version",),
    "expected_actual": ("expected",),
}


def quadratic_kappa(gold: Sequence[int], pred: Sequence[int], levels: int = 4) -> float:
    """Quadratic-weighted Cohen's kappa for labels 1..levels."""
    n = len(gold)
    if n == 0:
        return 0.0
    observed = [[0.0] * levels for _ in range(levels)]
    for g, p in zip(gold, pred, strict=True):
        observed[g - 1][p - 1] += 1
    row = [sum(r) for r in observed]
    col = [sum(observed[i][j] for i in range(levels)) for j in range(levels)]
    num = den = 0.0
    for i in range(levels):
        for j in range(levels):
            weight = (i - j) ** 2 / (levels - 1) ** 2
            num += weight * observed[i][j]
            den += weight * row[i] * col[j] / n
    return 1.0 - num / den if den else 0.0


def priority_scores(gold: Sequence[int], pred: Sequence[int]) -> dict[str, float]:
    n = len(gold) or 1
    return {
        "exact": round(sum(g == p for g, p in zip(gold, pred, strict=True)) / n, 4),
        "within_one": round(sum(abs(g - p) <= 1 for g, p in zip(gold, pred, strict=True)) / n, 4),
        "kappa_quadratic": round(quadratic_kappa(gold, pred), 4),
    }


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def evaluate(records: list[dict[str, object]], *, tier: str) -> dict[str, object]:
    engine = OfflineEngine()
    kinds_ok = 0
    counts = {key: [0, 0, 0] for key in FIELD_MAP}  # tp, fp, fn
    gold_p: list[int] = []
    pred_p: list[int] = []
    errors: list[dict[str, object]] = []
    for record in records:
        text = f"{record['title']}\n\n{record['body']}"
        result = engine.triage(TriageRequest(text=text, tier=record.get("tier") or tier))  # type: ignore[arg-type]
        kinds_ok += result.kind == record["kind"]
        present: dict[str, bool] = record["fields_present"]  # type: ignore[assignment]
        wrong = []
        for key, ours in FIELD_MAP.items():
            predicted = any(getattr(result.fields, name) for name in ours)
            gold = bool(present.get(key))
            tp, fp, fn = counts[key]
            counts[key] = [
                tp + (predicted and gold),
                fp + (predicted and not gold),
                fn + (gold and not predicted),
            ]
            if predicted != gold:
                wrong.append(key)
        gold_p.append(SEVERITY_TO_PRIORITY[str(record["severity"])])
        pred_p.append(int(result.priority[1]))
        if wrong or result.kind != record["kind"] or gold_p[-1] != pred_p[-1]:
            errors.append(
                {
                    "id": record["id"],
                    "kind": [record["kind"], result.kind],
                    "priority": [f"P{gold_p[-1]}", result.priority],
                    "fields_wrong": wrong,
                }
            )
    fields = {key: _prf(*counts[key]) for key in FIELD_MAP}
    n = len(records) or 1
    return {
        "n": len(records),
        "tier": tier,
        "kind_accuracy": round(kinds_ok / n, 4),
        "fields": fields,
        "mean_field_f1": round(sum(f["f1"] for f in fields.values()) / len(fields), 4),
        "priority": priority_scores(gold_p, pred_p),
        "baseline_constant_P2": {
            "priority": priority_scores(gold_p, [2] * len(gold_p)),
            "kind_accuracy_all_bug": round(sum(r["kind"] == "bug" for r in records) / n, 4),
        },
        "errors": errors,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--tier", default="pro", help="tier when a record has none (default pro)")
    parser.add_argument("--errors", action="store_true", help="list the records we got wrong")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"error: {args.data} not found", file=sys.stderr)
        return 2
    records = [
        json.loads(line)
        for line in args.data.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    report = evaluate(records, tier=args.tier)
    if not args.errors:
        report.pop("errors")
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
