"""Benchmark offline triage latency per message (p50/p95), against the code it replaces.

    .venv/bin/python scripts/bench_triage.py [--data PATH ...] [--rounds 20] [--baseline REF]

Prints JSON. The messages are the English and Chinese dev sets (title and body, as
``deskbot triage --batch`` receives them) plus a few chat-sized messages. The same messages are
timed, in the same run, on this checkout and on the ``bot/`` package of a git ref (default
``main``) exported to a temporary folder, each in its own process, alternating, so the ratio
does not depend on the machine or its load. A 1 MB log attachment and the upload/redaction of
that log are timed on this checkout only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_triage import SET_FILES, exported, shared_dir  # noqa: E402

SYNTHETIC = [
    "How do I mute a remote participant on Web?",
    "Any update on SUP-1042?",
    "线上所有用户进入房间后崩溃，SDK 版本 4.2.1，Android 13",
    "We want to upgrade our plan to enterprise",
    "Our iOS app crashes on launch in production. SDK 4.2.1, iOS 17.4",
    "急急急！！！iOS 端登录报错 6017，怎么回事？",
    "请问私有化部署版本怎么收费？",
]


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(p95 * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def _time(func: Callable[[str], object], texts: Sequence[str], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            func(text)
            samples.append(time.perf_counter() - start)
    return samples


def messages(paths: Sequence[Path]) -> list[str]:
    texts = list(SYNTHETIC)
    for path in paths:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    record = json.loads(line)
                    texts.append(f"{record['title']}\n\n{record['body']}")
    return texts


def time_offline(texts: Sequence[str], rounds: int) -> list[float]:
    """Seconds per message for the ``bot`` package on ``sys.path``."""
    from bot.triage.engine import TriageRequest
    from bot.triage.offline import OfflineEngine

    engine = OfflineEngine()

    def offline(text: str) -> object:
        return engine.triage(TriageRequest(text=text))

    for text in texts:
        offline(text)  # warm the regex caches
    return _time(offline, texts, rounds)


def _in_process(code_root: Path, paths: Sequence[Path], rounds: int) -> list[float]:
    command = [sys.executable, __file__, "--samples-only", "--code-root", str(code_root)]
    command += ["--rounds", str(rounds)]
    for path in paths:
        command += ["--data", str(path)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    samples: list[float] = json.loads(done.stdout)
    return samples


def _attachments(texts: Sequence[str]) -> dict[str, Any]:
    from bot.triage.attachments import read_attachment
    from bot.triage.engine import TriageRequest
    from bot.triage.offline import OfflineEngine

    engine = OfflineEngine()
    log = (
        "\n".join(
            f"2024-05-01 12:00:{i % 60:02d}.000 I/RtcEngine: frame {i} ok uid=42"
            for i in range(20000)
        )
        + "\n2024-05-01 12:01:00.000 E/RtcEngine: onError code=1501 token=abcdefghijklmnop"
    )
    upload = _percentiles(_time(lambda _: read_attachment("logcat.txt", log.encode()), ["x"], 3))
    attachment = read_attachment("logcat.txt", log.encode())  # redacted once, at upload

    def with_log(text: str) -> object:
        return engine.triage(TriageRequest(text=text, attachments=[attachment]))

    return {
        "offline_with_1mb_log_attachment": {
            **_percentiles(_time(with_log, texts[:5], 2)),
            "log_bytes": len(log),
        },
        "read_attachment_1mb_upload_and_redact": upload,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, action="append", help="a JSONL set (repeatable)")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--baseline", default="main", help="git ref to compare with, or 'none'")
    parser.add_argument("--samples-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code-root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    paths: list[Path] = args.data or [shared_dir() / "eval" / name for name in SET_FILES]
    texts = messages(paths)
    if args.samples_only:
        sys.path.insert(0, str(args.code_root))
        print(json.dumps(time_offline(texts, args.rounds)))
        return 0
    # two alternating halves each, so a burst of load on a shared machine hits both
    half = max(1, args.rounds // 2)
    ours: list[float] = []
    theirs: list[float] = []
    if args.baseline == "none":
        ours = _in_process(ROOT, paths, args.rounds)
    else:
        with exported(args.baseline) as folder:
            for _ in range(2):
                theirs += _in_process(folder, paths, half)
                ours += _in_process(ROOT, paths, half)
    now = _percentiles(ours)
    report: dict[str, Any] = {"messages": len(texts), "rounds": args.rounds, "offline": now}
    if theirs:
        base = _percentiles(theirs)
        report[f"offline_{args.baseline}"] = base
        report["ratio_vs_baseline"] = {
            "p50": round(now["p50_ms"] / max(base["p50_ms"], 1e-6), 2),
            "p95": round(now["p95_ms"] / max(base["p95_ms"], 1e-6), 2),
        }
    sys.path.insert(0, str(ROOT))
    report.update(_attachments(texts))
    report["target_p95_ms"] = 50
    report["meets_target"] = now["p95_ms"] <= 50
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
