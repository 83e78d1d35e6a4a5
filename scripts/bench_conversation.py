"""Benchmark: whole support conversations through the conversation service, turn by turn.

Plays the scripted conversations (the shared development set and eval/conversations-sample-kb
.jsonl) in process against the sample knowledge base with the default embedder, then a status
request and a docs question after each, and prints JSON: per-turn p50/p95 overall and by reply
kind, and — as the baseline measured in the same run — the docs bot alone answering the same
docs questions (``KnowledgeBase.ask``), so the conversation's own cost is the difference.

    .venv/bin/python scripts/bench_conversation.py [--limit N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ACCOUNTS = {"demo-key-acme": "acme-games", "demo-key-tianqi": "tianqi-health"}


def shared_dir() -> Path:
    for candidate in (
        os.environ.get("DESKBOT_SHARED"),
        ROOT.parent / "shared",
        ROOT.parent.parent / "shared",
    ):
        if candidate and Path(candidate, "eval").is_dir():
            return Path(candidate)
    raise SystemExit("../shared not found (set DESKBOT_SHARED)")


def load(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1) if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=0, help="conversations per set (0 = all)")
    args = parser.parse_args()

    from bot.context import build_context
    from bot.conversation.types import Inbound
    from bot.settings import EXAMPLE_CONFIG, SAMPLE_KNOWLEDGE_BASE, Settings
    from retrieval import KnowledgeBase, SourceConfig

    sets = [
        load(shared_dir() / "eval" / "conversations-dev.jsonl"),
        load(ROOT / "eval" / "conversations-sample-kb.jsonl"),
    ]
    conversations = [c for s in sets for c in (s[: args.limit] if args.limit else s)]
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        settings = Settings(home=home, config=EXAMPLE_CONFIG, scheduler=False)  # type: ignore[call-arg]
        kb = KnowledgeBase.open(home / "index")
        kb.ingest([SourceConfig(root=SAMPLE_KNOWLEDGE_BASE, url_base="https://docs.example/")])
        kb.warm_up()
        ctx = build_context(settings, knowledge=lambda: kb)
        service = ctx.conversation
        now = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
        by_kind: dict[str, list[float]] = defaultdict(list)
        every: list[float] = []
        docs_questions: list[str] = []
        for conv in conversations:
            ref = uuid.uuid4().hex
            zh = conv["lang"] == "zh"
            turns = [*conv["turns"], "我的工单现在什么进度了？" if zh else "what's the status?"]  # type: ignore[list-item]
            turns.append("Token 过期了怎么续期？" if zh else "How do I renew an expired token?")
            for text in turns:
                now += dt.timedelta(minutes=1)
                inbound = Inbound(
                    channel="web", conversation_ref=ref, text=str(text), user_ref="bench",
                    account_id=ACCOUNTS[str(conv["account_key"])],
                )  # fmt: skip
                start = time.perf_counter()
                reply = service.handle(inbound, now=now)
                ms = (time.perf_counter() - start) * 1000
                every.append(ms)
                by_kind[reply.kind].append(ms)
                if reply.kind in ("answer", "handoff"):
                    docs_questions.append(str(text))
        alone: list[float] = []
        for question in docs_questions:
            start = time.perf_counter()
            kb.ask(question)
            alone.append((time.perf_counter() - start) * 1000)
        docs_turns = by_kind.get("answer", []) + by_kind.get("handoff", [])
        report = {
            "conversations": len(conversations),
            "turns": len(every),
            "turn_ms_p50": percentile(every, 0.5),
            "turn_ms_p95": percentile(every, 0.95),
            "by_kind": {
                kind: {"n": len(v), "p50": percentile(v, 0.5), "p95": percentile(v, 0.95)}
                for kind, v in sorted(by_kind.items())
            },
            "baseline_docs_bot_alone_ms_p50": percentile(alone, 0.5),
            "baseline_docs_bot_alone_ms_p95": percentile(alone, 0.95),
            "docs_turn_over_docs_bot_p50": round(
                statistics.median(docs_turns) / max(0.001, statistics.median(alone)), 2
            )
            if docs_turns and alone
            else None,
        }
        kb.close()
        ctx.close()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
