"""Benchmark the Slack path; prints one JSON document.

Signed ``message`` events (questions from the sample knowledge base's English FAQ) are posted
to the service in-process (Starlette's TestClient), one after another, with the Slack Web API
played by the local stub (``tests/slack/stub.py``) and the offline answerer (no LLM: extractive
answers) over the sample ``knowledge_base/``. Measured:

- ``ack_ms``: from posting the signed event to the HTTP response (Slack's 3-second ``ack``);
- ``answer_ms``: from posting the event to the stub receiving the ``chat.update`` that replaces
  the "looking…" note with the threaded answer;
- ``noop_ms``: a no-op FastAPI route in the same app, posted the same body — the baseline for
  ``ack_vs_noop_p95``.

Targets (issue 6): ack p95 ≤ 100 ms, answer p95 ≤ 1 s.

Usage: ``.venv/bin/python scripts/bench_slack.py [--events 60] [--embedder minilm|e5|hash]
[--out FILE]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import yaml  # noqa: E402
from fastapi import Request, Response  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from bot.context import build_context  # noqa: E402
from bot.conversation.factory import build_conversation  # noqa: E402
from bot.knowledge import build_knowledge  # noqa: E402
from bot.service.app import create_app  # noqa: E402
from bot.settings import EXAMPLE_CONFIG, SAMPLE_KNOWLEDGE_BASE, Settings  # noqa: E402
from tests.slack.conftest import SECRET, event_body, message, sign  # noqa: E402
from tests.slack.stub import SlackStub  # noqa: E402

CHANNEL = "C0STREAMLY"


def questions() -> list[str]:
    out: list[str] = []
    for path in sorted((SAMPLE_KNOWLEDGE_BASE / "faq").glob("*.yaml")):
        if path.stem == "zh":
            continue
        out.extend(str(item["question"]) for item in yaml.safe_load(path.read_text()) or [])
    return out


def stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50": round(statistics.median(ordered), 2),
        "p95": round(p95, 2),
        "max": round(ordered[-1], 2),
        "mean": round(statistics.fmean(ordered), 2),
    }


def run(events: int, embedder: str) -> dict[str, Any]:
    stub = SlackStub().start()
    home = Path(tempfile.mkdtemp(prefix="bench-slack-"))
    settings = Settings(
        home=home, config=EXAMPLE_CONFIG, embedder=embedder, slack_api_url=stub.api_url,
        SLACK_BOT_TOKEN=stub.token, SLACK_SIGNING_SECRET=SECRET,
    )  # fmt: skip
    ctx = build_context(settings)
    started = time.perf_counter()
    kb = build_knowledge(settings)
    ingest_s = time.perf_counter() - started
    ctx.conversation = build_conversation(ctx, knowledge=lambda: kb)
    app = create_app(settings, context=ctx, start=("slack",))

    @app.post("/bench/noop")
    async def noop(request: Request) -> Response:
        await request.body()
        return Response(status_code=200)

    asked = (questions() * (events // max(1, len(questions())) + 2))[: events + 3]
    ack_ms: list[float] = []
    answer_ms: list[float] = []
    noop_ms: list[float] = []
    kinds: dict[str, int] = {}
    with TestClient(app) as client:
        for i, question in enumerate(asked):
            body = event_body(message(question, ts=f"1763500000.{i:06d}", user="U0BENCH"))
            headers = {"Content-Type": "application/json", **sign(body)}
            t0 = time.monotonic()
            response = client.post("/slack/events", content=body, headers=headers)
            acked = time.monotonic()
            assert response.status_code == 200, response.text
            update = _wait_update(stub, count=i + 1)
            n0 = time.monotonic()
            client.post("/bench/noop", content=body, headers=headers)
            n1 = time.monotonic()
            if i < 3:
                continue  # warm-up: bot identity, first model calls
            ack_ms.append((acked - t0) * 1000)
            answer_ms.append((update.at - t0) * 1000)
            noop_ms.append((n1 - n0) * 1000)
            rendered = json.dumps(update.args.get("blocks"))
            kind = "answer" if "deskbot_solved" in rendered else "handoff or other"
            kinds[kind] = kinds.get(kind, 0) + 1
    stub.stop()
    ctx.close()
    ack, answer, base = stats(ack_ms), stats(answer_ms), stats(noop_ms)
    return {
        "events": len(ack_ms),
        "embedder": embedder,
        "knowledge_base": "knowledge_base/ (sample), extractive answers, no LLM",
        "index_build_s": round(ingest_s, 2),
        "ack_ms": ack,
        "answer_ms": answer,
        "noop_ms": base,
        "ack_vs_noop_p95": round(ack["p95"] / base["p95"], 2) if base["p95"] else None,
        "replies": kinds,
        "targets": {"ack_p95_ms": 100, "answer_p95_ms": 1000},
        "met": {"ack": ack["p95"] <= 100, "answer": answer["p95"] <= 1000},
    }


def _wait_update(stub: SlackStub, *, count: int, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with stub._lock:
            updates = [c for c in stub.calls if c.method == "chat.update" and "blocks" in c.args]
        if len(updates) >= count:
            return updates[count - 1]
        time.sleep(0.002)
    raise SystemExit(f"no answer for event {count} within {timeout} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=60)
    parser.add_argument("--embedder", default="minilm")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = run(args.events, args.embedder)
    text = json.dumps(result, indent=2)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
