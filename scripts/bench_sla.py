"""Benchmark the SLA library and ``deskbot sla due``; prints one JSON document.

Pure-library speed, CLI wall time, and the database half:

- ``due``: first-response and resolution due times for N tickets (random tier, priority and
  opening instant over two years, default CN business calendar), against a trivial baseline
  measured in the same run: adding a wall-clock timedelta to each opening instant.
- ``replay``: full clock replay (opened, bot reply, agent reply, wait, customer reply) plus
  the escalation ladder for N/10 tickets.
- ``cli``: wall time of ``deskbot sla due --json`` in a fresh process (min and median).

- ``database``: ``scripts/bench_sla_db.py`` in a child process — the due-step query and scans
  (nothing due, 10 due, 1% due at once) over 100,000 open tickets in SQLite, and in PostgreSQL
  when ``DESKBOT_TEST_POSTGRES_URL`` is set (``scripts/with_postgres.sh`` sets it).

Usage: ``scripts/with_postgres.sh .venv/bin/python scripts/bench_sla.py [--tickets 100000]
[--cli-runs 5] [--no-db] [--out F]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sla import (  # noqa: E402  (the path above makes the checkout importable)
    DEFAULT_POLICY,
    PRIORITIES,
    TIERS,
    Event,
    clocks_due,
    compute_clocks,
    default_calendar,
    ladder_status,
)

START = dt.datetime(2025, 6, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def tickets(n: int, seed: int = 7) -> list[tuple[str, str, dt.datetime]]:
    rng = random.Random(seed)
    span = 2 * 365 * 24 * 60
    return [
        (
            rng.choice(TIERS),
            rng.choice(PRIORITIES),
            START + dt.timedelta(minutes=rng.randrange(span)),
        )
        for _ in range(n)
    ]


def bench_due(n: int) -> dict[str, float]:
    rows = tickets(n)
    calendar = default_calendar()
    calendar.add(START, dt.timedelta(hours=1))  # load the holidays package outside the timing

    t0 = time.perf_counter()
    for _tier, _priority, opened in rows:
        _ = opened + dt.timedelta(hours=24)
        _ = opened + dt.timedelta(hours=48)
    baseline = time.perf_counter() - t0

    t0 = time.perf_counter()
    for tier, priority, opened in rows:
        clocks_due(
            tier=tier, priority=priority, opened=opened, business=calendar, policy=DEFAULT_POLICY
        )
    elapsed = time.perf_counter() - t0

    t0 = time.perf_counter()
    day = dt.timedelta(hours=24)
    for _tier, _priority, opened in rows:
        calendar.add(opened, day)
    add24 = time.perf_counter() - t0
    return {
        "tickets": n,
        "seconds": round(elapsed, 4),
        "per_ticket_us": round(elapsed / n * 1e6, 2),
        "tickets_per_second": round(n / elapsed),
        "baseline_seconds": round(baseline, 4),
        "ratio_to_baseline": round(elapsed / baseline, 1),
        "add_24_business_hours_us": round(add24 / n * 1e6, 2),
    }


def bench_replay(n: int) -> dict[str, float]:
    rows = tickets(n, seed=11)
    calendar = default_calendar()
    minute = dt.timedelta(minutes=1)
    histories = [
        [
            Event("opened", opened, priority=priority),
            Event("bot_reply", opened + minute),
            Event("agent_reply", opened + 40 * minute),
            Event("waiting_on_customer", opened + 60 * minute),
            Event("customer_reply", opened + 600 * minute),
        ]
        for _tier, priority, opened in rows
    ]
    t0 = time.perf_counter()
    due_steps = 0
    for (tier, _priority, opened), events in zip(rows, histories, strict=True):
        now = opened + 2000 * minute
        clocks = compute_clocks(events, tier=tier, business=calendar, now=now)
        due_steps += len(ladder_status(clocks, now).due)
    elapsed = time.perf_counter() - t0
    return {
        "tickets": n,
        "seconds": round(elapsed, 4),
        "per_ticket_us": round(elapsed / n * 1e6, 2),
        "due_steps_found": due_steps,
    }


def bench_cli(runs: int) -> dict[str, object]:
    exe = shutil.which("deskbot", path=str(ROOT / ".venv" / "bin")) or shutil.which("deskbot")
    command = [exe] if exe else [sys.executable, "-m", "bot.cli.main"]
    args = ["sla", "due", "--tier", "basic", "--priority", "P2",
            "--opened", "2026-11-20T16:00:00+08:00", "--json"]  # fmt: skip
    times = []
    output = ""
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run([*command, *args], cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if done.returncode != 0:
            return {"error": done.stderr.strip()[-500:]}
        output = done.stdout
    return {
        "runs": runs,
        "min_seconds": round(min(times), 3),
        "median_seconds": round(statistics.median(times), 3),
        "max_seconds": round(max(times), 3),
        "under_2s": max(times) < 2.0,
        "output": json.loads(output),
    }


def bench_database(tickets: int) -> dict[str, Any]:
    """The database benchmark in a fresh process (its own imports and memory)."""
    script = ROOT / "scripts" / "bench_sla_db.py"
    done = subprocess.run(
        [sys.executable, str(script), "--tickets", str(tickets)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip()[-500:]}
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--cli-runs", type=int, default=5)
    parser.add_argument("--no-db", action="store_true", help="Skip the database half.")
    parser.add_argument("--out", type=Path, default=None, help="Also write the JSON here.")
    options = parser.parse_args()
    report: dict[str, Any] = {
        "benchmark": "sla",
        "python": sys.version.split()[0],
        "due": bench_due(options.tickets),
        "replay_and_ladder": bench_replay(max(1, options.tickets // 10)),
        "cli": bench_cli(options.cli_runs),
    }
    if not options.no_db:
        report["database"] = bench_database(options.tickets)
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if options.out:
        options.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
