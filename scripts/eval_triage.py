"""Evaluate offline triage on the labelled bug reports, English and Chinese side by side.

For each set (by default ``bug-reports-dev.jsonl`` and ``bug-reports-zh-dev.jsonl`` under the
shared eval folder): kind accuracy and a confusion table of kinds, per-field presence
precision/recall/F1, priority exact / within-one (all records and bugs only) and
quadratic-weighted Cohen's kappa. The same figures are measured in the same run for a baseline:
the ``bot/`` package of a git ref (default ``main``) exported to a temporary folder, so every
change is reported against the code it replaces, record by record.

    .venv/bin/python scripts/eval_triage.py [--data PATH ...] [--baseline REF|none]
                                            [--tier pro] [--errors] [--json]

The shared folder is ``$DESKBOT_SHARED`` or the first ``shared/`` found beside the repository
or one level further up (a worktree under ``/work/wt/NN`` finds ``/work/shared``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEVERITY_TO_PRIORITY = {"critical": 1, "high": 2, "normal": 3, "low": 4}
KINDS = ("question", "bug", "outage", "feature", "upgrade", "status", "other")
# label key -> our field(s); expected_actual is "an explicit expected-behaviour statement"
FIELD_MAP: dict[str, tuple[str, ...]] = {
    "repro_steps": ("repro_steps",),
    "logs": ("logs",),
    "sdk_version": ("sdk_version",),
    "platform": ("platform",),
    "os_version": ("os_version",),
    "expected_actual": ("expected",),
}
SET_FILES = ("bug-reports-dev.jsonl", "bug-reports-zh-dev.jsonl")


def shared_dir() -> Path:
    """The shared data folder: ``$DESKBOT_SHARED``, else ``shared/`` next to the repository
    or next to its parent."""
    configured = os.environ.get("DESKBOT_SHARED")
    if configured:
        return Path(configured)
    for candidate in (ROOT.parent / "shared", ROOT.parent.parent / "shared"):
        if candidate.is_dir():
            return candidate
    return ROOT.parent / "shared"


DEFAULT_DATA = shared_dir() / "eval" / SET_FILES[0]


def load_records(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


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


def predict(records: Sequence[dict[str, Any]], *, tier: str) -> list[dict[str, Any]]:
    """What the offline engine of the imported ``bot`` package says about each record: the
    text is title and body joined, as ``deskbot triage --batch`` receives it."""
    from bot.triage.engine import TriageRequest
    from bot.triage.offline import OfflineEngine

    engine = OfflineEngine()
    out = []
    for record in records:
        text = f"{record['title']}\n\n{record['body']}"
        result = engine.triage(TriageRequest(text=text, tier=record.get("tier") or tier))
        out.append(
            {
                "id": record["id"],
                "kind": result.kind,
                "priority": result.priority,
                "present": sorted(result.fields.present()),
            }
        )
    return out


def score(
    records: Sequence[dict[str, Any]], predictions: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """Figures for ``predictions`` (from :func:`predict`) against the labels of ``records``."""
    kinds_ok = 0
    counts = {key: [0, 0, 0] for key in FIELD_MAP}  # tp, fp, fn
    gold_p: list[int] = []
    pred_p: list[int] = []
    bug_gold: list[int] = []
    bug_pred: list[int] = []
    confusion = {gold: dict.fromkeys(KINDS, 0) for gold in KINDS}
    errors: list[dict[str, Any]] = []
    for record, predicted in zip(records, predictions, strict=True):
        kinds_ok += predicted["kind"] == record["kind"]
        confusion[record["kind"]][predicted["kind"]] += 1
        present: dict[str, bool] = record["fields_present"]
        wrong = []
        for key, ours in FIELD_MAP.items():
            found = any(name in predicted["present"] for name in ours)
            gold = bool(present.get(key))
            tp, fp, fn = counts[key]
            counts[key] = [
                tp + (found and gold),
                fp + (found and not gold),
                fn + (gold and not found),
            ]
            if found != gold:
                wrong.append(key)
        gold_p.append(SEVERITY_TO_PRIORITY[str(record["severity"])])
        pred_p.append(int(predicted["priority"][1]))
        if record["kind"] == "bug":
            bug_gold.append(gold_p[-1])
            bug_pred.append(pred_p[-1])
        if wrong or predicted["kind"] != record["kind"] or gold_p[-1] != pred_p[-1]:
            errors.append(
                {
                    "id": record["id"],
                    "kind": [record["kind"], predicted["kind"]],
                    "priority": [f"P{gold_p[-1]}", predicted["priority"]],
                    "fields_wrong": wrong,
                }
            )
    fields = {key: _prf(*counts[key]) for key in FIELD_MAP}
    n = len(records) or 1
    return {
        "n": len(records),
        "kind_accuracy": round(kinds_ok / n, 4),
        "fields": fields,
        "mean_field_f1": round(sum(f["f1"] for f in fields.values()) / len(fields), 4),
        "priority": priority_scores(gold_p, pred_p),
        "bug_priority": priority_scores(bug_gold, bug_pred),
        "kind_confusion": {
            g: {p: c for p, c in row.items() if c}
            for g, row in confusion.items()
            if any(row.values())
        },
        "baseline_constant_P2": {
            "priority": priority_scores(gold_p, [2] * len(gold_p)),
            "kind_accuracy_all_bug": round(sum(r["kind"] == "bug" for r in records) / n, 4),
        },
        "errors": errors,
    }


def evaluate(records: list[dict[str, Any]], *, tier: str) -> dict[str, Any]:
    """Figures of the current code on ``records`` (``tier`` when a record names none)."""
    return {"tier": tier, **score(records, predict(records, tier=tier))}


@contextlib.contextmanager
def exported(ref: str) -> Iterator[Path]:
    """The ``bot/`` package of git ``ref``, exported into a temporary folder."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref, "bot"],
        check=True,
        capture_output=True,
    ).stdout
    with tempfile.TemporaryDirectory(prefix="deskbot-baseline-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        yield Path(folder)


def baseline_predictions(
    ref: str, paths: Sequence[Path], *, tier: str
) -> list[list[dict[str, Any]]]:
    """:func:`predict` run on ``ref``'s code in a subprocess, one list per data file."""
    with exported(ref) as folder:
        command = [
            sys.executable,
            __file__,
            "--predict-only",
            "--code-root",
            str(folder),
            "--tier",
            tier,
        ]
        for path in paths:
            command += ["--data", str(path)]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def _changed(
    records: Sequence[dict[str, Any]],
    ours: Sequence[dict[str, Any]],
    theirs: Sequence[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Records whose kind, priority or fields moved, with the label to judge the move."""
    out = []
    for record, new, old in zip(records, ours, theirs, strict=True):
        if new == old:
            continue
        gold_fields = sorted(
            ours_name
            for key, names in FIELD_MAP.items()
            if record["fields_present"].get(key)
            for ours_name in names
        )
        out.append(
            {
                "id": record["id"],
                "gold": {
                    "kind": record["kind"],
                    "priority": f"P{SEVERITY_TO_PRIORITY[record['severity']]}",
                    "fields": gold_fields,
                },
                "baseline": {k: old[k] for k in ("kind", "priority") if old[k] != new[k]}
                | ({"fields": old["present"]} if old["present"] != new["present"] else {}),
                "now": {k: new[k] for k in ("kind", "priority") if old[k] != new[k]}
                | ({"fields": new["present"]} if old["present"] != new["present"] else {}),
            }
        )
    return out


def _headline(report: dict[str, Any]) -> list[float]:
    return [
        report["kind_accuracy"],
        report["mean_field_f1"],
        report["priority"]["within_one"],
        report["bug_priority"]["within_one"],
        report["priority"]["exact"],
        report["priority"]["kappa_quadratic"],
    ]


def table(sets: dict[str, dict[str, Any]]) -> str:
    """The figures as Markdown: headline per set (baseline -> now), per-field F1, kinds."""
    names = list(sets)
    lines = [
        "| set | n | kind acc | mean field F1 | prio within 1 | bug prio within 1 | prio exact "
        "| kappa |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in names:
        now = sets[name]["now"]
        base = sets[name].get("baseline")
        cells = [
            f"{b:.2f} → {v:.2f}" if base else f"{v:.2f}"
            for v, b in zip(
                _headline(now), _headline(base) if base else _headline(now), strict=True
            )
        ]
        lines.append(f"| {name} | {now['n']} | " + " | ".join(cells) + " |")
    lines += ["", "| field F1 | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
    for key in FIELD_MAP:
        cells = []
        for name in names:
            now = sets[name]["now"]["fields"][key]["f1"]
            base = sets[name].get("baseline")
            cells.append(f"{base['fields'][key]['f1']:.2f} → {now:.2f}" if base else f"{now:.2f}")
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    for name in names:
        confusion = sets[name]["now"]["kind_confusion"]
        used = [k for k in KINDS if k in confusion or any(k in row for row in confusion.values())]
        lines += ["", f"kinds in {name} (rows: label, columns: predicted)", ""]
        lines.append("| label | " + " | ".join(used) + " |")
        lines.append("| --- |" + " --- |" * len(used))
        for gold in used:
            row = confusion.get(gold, {})
            lines.append(
                f"| {gold} | " + " | ".join(str(row.get(k, 0) or ".") for k in used) + " |"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, action="append", help="a JSONL set (repeatable)")
    parser.add_argument("--tier", default="pro", help="tier when a record has none (default pro)")
    parser.add_argument("--baseline", default="main", help="git ref to compare with, or 'none'")
    parser.add_argument("--errors", action="store_true", help="list records we got wrong")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--predict-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code-root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.code_root))
    paths: list[Path] = args.data or [shared_dir() / "eval" / name for name in SET_FILES]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"error: not found: {', '.join(missing)} (set DESKBOT_SHARED)", file=sys.stderr)
        return 2
    data = [load_records(path) for path in paths]
    if args.predict_only:
        print(json.dumps([predict(records, tier=args.tier) for records in data]))
        return 0
    old = (
        None
        if args.baseline == "none"
        else baseline_predictions(args.baseline, paths, tier=args.tier)
    )
    sets: dict[str, dict[str, Any]] = {}
    for index, (path, records) in enumerate(zip(paths, data, strict=True)):
        name = path.stem.removesuffix("-dev").removeprefix("bug-reports").strip("-") or "en"
        ours = predict(records, tier=args.tier)
        entry: dict[str, Any] = {"file": str(path), "now": score(records, ours)}
        if old is not None:
            entry["baseline"] = score(records, old[index])
            entry["baseline"].pop("errors")
            entry["changed_vs_baseline"] = _changed(records, ours, old[index])
        if not args.errors:
            entry["now"].pop("errors")
        sets[name] = entry
    report = {
        "tier": args.tier,
        "baseline_ref": None if old is None else args.baseline,
        "sets": sets,
    }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(table(sets))
    for name, entry in sets.items():
        for key in ("changed_vs_baseline", "errors"):
            rows = entry.get(key) or entry["now"].get(key) or []
            if rows and (key != "errors" or args.errors):
                print(f"\n{key} ({name}):")
                for row in rows:
                    print("  " + json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
