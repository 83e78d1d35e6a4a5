"""A real deskbot service on a loopback port: real stores, SLA keeper, conversation service
and the sample knowledge base (hash embedder, so no model loads). For browser tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.context import AppContext, build_context
from bot.settings import EXAMPLE_CONFIG, SAMPLE_KNOWLEDGE_BASE, Settings


@dataclass
class LiveServer:
    url: str
    ctx: AppContext


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sample_knowledge(index_dir: Path) -> object:
    from retrieval import KnowledgeBase, SourceConfig

    kb = KnowledgeBase.open(index_dir, embedder="hash")
    kb.ingest([SourceConfig(root=SAMPLE_KNOWLEDGE_BASE, url_base="https://docs.nimbus.example/")])
    return kb


@contextmanager
def live_server(home: Path) -> Iterator[LiveServer]:
    import uvicorn

    from bot.conversation.factory import build_conversation
    from bot.service.app import create_app

    settings = Settings(home=home, config=EXAMPLE_CONFIG, embedder="hash", scheduler=False)
    ctx = build_context(settings)
    kb = sample_knowledge(home / "index")
    ctx.knowledge = lambda: kb
    ctx.conversation = build_conversation(ctx, knowledge=lambda: kb)  # type: ignore[arg-type, return-value]
    app = create_app(settings, context=ctx, start=())
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", ctx=ctx)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        ctx.close()
