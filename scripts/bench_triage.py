"""Benchmark offline triage latency per message (p50/p95) against a trivial regex scan.

    .venv/bin/python scripts/bench_triage.py [--data PATH] [--rounds 20]

Prints JSON. The baseline is one regex pass looking for a version number and a failure word,
measured in the same run on the same messages, so the ratio is machine-independent.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.triage.engine import TriageRequest  # noqa: E402
from bot.triage.offline import OfflineEngine  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "bug-reports-dev.jsonl"
_BASELINE = re.compile(r"\d+\.\d+\.\d+|crash|error|exception|fail", re.I)

SYNTHETIC = [
    "How do I mute a remote participant on Web?",
    "Any update on SUP-1042?",
    "线上所有用户进入房间后崩溃，SDK 版本 4.2.1，Android 13",
    "We want to upgrade our plan to enterprise",
    "Our iOS app crashes on launch in production. SDK 4.2.1, iOS 17.4",
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    texts = list(SYNTHETIC)
    if args.data.exists():
        for line in args.data.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                texts.append(f"{record['title']}\n\n{record['body']}")
    engine = OfflineEngine()

    def offline(text: str) -> object:
        return engine.triage(TriageRequest(text=text))

    def baseline(text: str) -> object:
        return _BASELINE.findall(text)

    offline(texts[0])  # warm regex caches
    offline_stats = _percentiles(_time(offline, texts, args.rounds))
    baseline_stats = _percentiles(_time(baseline, texts, args.rounds))
    log = (
        "\n".join(
            f"2024-05-01 12:00:{i % 60:02d}.000 I/RtcEngine: frame {i} ok uid=42"
            for i in range(20000)
        )
        + "\n2024-05-01 12:01:00.000 E/RtcEngine: onError code=1501 token=abcdefghijklmnop"
    )
    from bot.triage.attachments import read_attachment

    upload = _percentiles(_time(lambda _: read_attachment("logcat.txt", log.encode()), ["x"], 3))
    attachment = read_attachment("logcat.txt", log.encode())  # redacted once, at upload

    def with_log(text: str) -> object:
        return engine.triage(TriageRequest(text=text, attachments=[attachment]))

    log_stats = _percentiles(_time(with_log, texts[:5], 2))
    report = {
        "messages": len(texts),
        "rounds": args.rounds,
        "offline": offline_stats,
        "baseline_regex_scan": baseline_stats,
        "ratio_p50_offline_vs_baseline": round(
            offline_stats["p50_ms"] / max(baseline_stats["p50_ms"], 1e-6), 1
        ),
        "offline_with_1mb_log_attachment": {**log_stats, "log_bytes": len(log)},
        "read_attachment_1mb_upload_and_redact": upload,
        "target_p95_ms": 50,
        "meets_target": offline_stats["p95_ms"] <= 50,
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
