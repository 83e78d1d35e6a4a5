#!/usr/bin/env python
"""Load-test the web chat: N concurrent chat sessions against the offline answerer.

Starts deskbot in a child process on a free loopback port (SQLite under a temporary home, the
sample knowledge base indexed first), then runs ``--sessions`` concurrent sessions, each asking
``--turns`` questions through ``POST /api/chat``. The same number of concurrent clients then hit
``/healthz`` as a baseline, so the ratio says what the chat itself costs on this machine.

    .venv/bin/python scripts/bench_web.py                 # 50 sessions x 4 turns, 3 s think time
    .venv/bin/python scripts/bench_web.py --think 0       # flat out: saturation, not users
    .venv/bin/python scripts/bench_web.py --embedder minilm --json

Exit status 1 when any request failed or chat p95 exceeds ``--target-ms`` (default 300).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

QUESTIONS = [
    "How long is a token valid?",
    "How do I generate a user token on my server?",
    "What is the maximum message size?",
    "How do I enable screen sharing on Android?",
    "How do I renew a token before it expires?",
    "What does error NC-4011 mean?",
    "How do I collect SDK logs on iOS?",
    "Can I generate tokens in my mobile app?",
    "如何生成用户 Token？",
    "How do I switch the audio route to the speaker?",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _settings(home: Path, embedder: str) -> object:
    from bot.settings import EXAMPLE_CONFIG, Settings

    return Settings(
        home=home,
        config=EXAMPLE_CONFIG,
        embedder=embedder,
        scheduler=False,
        log_level="WARNING",
        rate_limits=False,  # one client sending for 50 users: measure the desk, not the limiter
    )


def _index(home: Path, embedder: str) -> float:
    from bot.settings import SAMPLE_KNOWLEDGE_BASE
    from retrieval import KnowledgeBase, SourceConfig

    started = time.perf_counter()
    kb = KnowledgeBase.open(home / "index", embedder=embedder)
    kb.ingest([SourceConfig(root=SAMPLE_KNOWLEDGE_BASE, url_base="https://docs.nimbus.example/")])
    kb.close()
    return time.perf_counter() - started


def _serve(home: str, embedder: str, port: int) -> None:
    """The child process: the real app with the conversation service on the built index."""
    import logging

    import uvicorn

    from bot.context import build_context
    from bot.conversation.factory import build_conversation
    from bot.service.app import create_app
    from retrieval import KnowledgeBase

    logging.disable(logging.WARNING)
    settings = _settings(Path(home), embedder)
    ctx = build_context(settings)  # type: ignore[arg-type]
    kb = KnowledgeBase.open(Path(home) / "index", embedder=embedder)
    kb.ask("warm up")  # load the model and indexes before the clock starts
    ctx.knowledge = lambda: kb
    ctx.conversation = build_conversation(ctx, knowledge=lambda: kb)
    app = create_app(settings, context=ctx, start=())  # type: ignore[arg-type]
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", access_log=False)


async def _session(
    client: object, n: int, turns: int, think: float, out: list[tuple[float, bool, str]]
) -> None:
    session_id = f"bench-{n:04d}-session"
    rng = random.Random(n)
    # People start at different moments and read the answer before the next question.
    await asyncio.sleep(rng.uniform(0, think))
    for turn in range(turns):
        if turn:
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        question = QUESTIONS[(n + turn) % len(QUESTIONS)]
        started = time.perf_counter()
        try:
            r = await client.post(  # type: ignore[attr-defined]
                "/api/chat", json={"session_id": session_id, "message": question}
            )
            ok = r.status_code == 200 and r.json().get("kind") != "error"
            note = "" if ok else f"{r.status_code} {r.text[:120]}"
        except Exception as exc:  # a benchmark counts failures, it does not stop on them
            ok, note = False, repr(exc)
        out.append((time.perf_counter() - started, ok, note))


async def _health(
    client: object, n: int, turns: int, think: float, out: list[tuple[float, bool, str]]
) -> None:
    rng = random.Random(n)
    await asyncio.sleep(rng.uniform(0, think))
    for turn in range(turns):
        if turn:
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        started = time.perf_counter()
        try:
            r = await client.get("/healthz")  # type: ignore[attr-defined]
            ok, note = r.status_code == 200, ""
        except Exception as exc:
            ok, note = False, repr(exc)
        out.append((time.perf_counter() - started, ok, note))


async def _load(url: str, sessions: int, turns: int, think: float) -> dict[str, object]:
    import httpx

    limits = httpx.Limits(max_connections=sessions, max_keepalive_connections=sessions)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        # One pass over the questions first: lazy loads (jieba's dictionary, the triage
        # models) happen once per process and are not what this measures.
        for question in QUESTIONS:
            await client.post(
                "/api/chat", json={"session_id": "bench-warmup-0", "message": question}
            )
        chat: list[tuple[float, bool, str]] = []
        started = time.perf_counter()
        await asyncio.gather(*(_session(client, n, turns, think, chat) for n in range(sessions)))
        chat_wall = time.perf_counter() - started
        health: list[tuple[float, bool, str]] = []
        started = time.perf_counter()
        await asyncio.gather(*(_health(client, n, turns, think, health) for n in range(sessions)))
        health_wall = time.perf_counter() - started
    return {"chat": _summary(chat, chat_wall), "healthz": _summary(health, health_wall)}


def _summary(samples: list[tuple[float, bool, str]], wall: float) -> dict[str, object]:
    times = sorted(s[0] * 1000 for s in samples)
    errors = [s[2] for s in samples if not s[1]]
    q = statistics.quantiles(times, n=100, method="inclusive")
    return {
        "requests": len(samples),
        "errors": len(errors),
        "first_errors": errors[:3],
        "p50_ms": round(q[49], 1),
        "p95_ms": round(q[94], 1),
        "max_ms": round(times[-1], 1),
        "per_second": round(len(samples) / wall, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--turns", type=int, default=4, help="questions per session")
    parser.add_argument(
        "--think",
        type=float,
        default=3.0,
        help="seconds a user reads before the next turn (0: flat out)",
    )
    parser.add_argument("--embedder", default="hash", help="hash | minilm | e5")
    parser.add_argument("--target-ms", type=float, default=300.0, help="chat p95 target")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="deskbot-bench-") as tmp:
        home = Path(tmp)
        index_seconds = _index(home, args.embedder)
        port = _free_port()
        child = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(str(home), args.embedder, port), daemon=True
        )
        child.start()
        try:
            _wait(f"http://127.0.0.1:{port}/healthz", child)
            result = asyncio.run(
                _load(f"http://127.0.0.1:{port}", args.sessions, args.turns, args.think)
            )
        finally:
            child.terminate()
            child.join(timeout=10)
    chat, health = result["chat"], result["healthz"]
    assert isinstance(chat, dict) and isinstance(health, dict)
    report = {
        "sessions": args.sessions,
        "turns": args.turns,
        "embedder": args.embedder,
        "think_seconds": args.think,
        "index_seconds": round(index_seconds, 1),
        "chat": chat,
        "healthz": health,
        "p95_ratio_chat_to_healthz": round(chat["p95_ms"] / max(health["p95_ms"], 0.1), 1),
        "target_p95_ms": args.target_ms,
    }
    passed = chat["errors"] == 0 and chat["p95_ms"] <= args.target_ms
    report["passed"] = passed
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(
            f"{args.sessions} sessions x {args.turns} turns, think {args.think:g} s, "
            f"embedder {args.embedder}"
        )
        for name in ("chat", "healthz"):
            r = report[name]
            assert isinstance(r, dict)
            print(
                f"  {name:8} {r['requests']:5} requests  {r['errors']} errors  "
                f"p50 {r['p50_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms  max {r['max_ms']:7.1f} ms  "
                f"{r['per_second']:6.1f}/s"
            )
        print(f"  p95 chat / healthz: {report['p95_ratio_chat_to_healthz']}x")
        print(f"  target p95 <= {args.target_ms:.0f} ms: {'PASS' if passed else 'FAIL'}")
        if chat["first_errors"]:
            print(f"  first errors: {chat['first_errors']}")
    return 0 if passed else 1


def _wait(url: str, child: multiprocessing.process.BaseProcess) -> None:
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if not child.is_alive():
            raise SystemExit("the server process exited; run with a working environment")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not start within 120 s")


if __name__ == "__main__":
    raise SystemExit(main())
