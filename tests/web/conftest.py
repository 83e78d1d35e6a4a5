"""Web fixtures: the app around ``ctx`` (both databases), fake conversation, signed-in clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.context import AppContext
from bot.desk import TicketDesk
from bot.service.app import create_app
from bot.store.records import NewTicket, Ticket
from tests.conftest import NOW
from tests.web.fakes import FakeConversation, FakeKeeper

STAFF_LOGIN = ("mgr-lin", "deskbot-demo")
KEYS = {a: f"demo-key-{a}" for a in ("pixelpals", "streamly", "tianqi")} | {
    "acme-games": "demo-key-acme"
}


@pytest.fixture
def web_ctx(ctx: AppContext) -> AppContext:
    desk = TicketDesk(store=ctx.tickets, keeper=FakeKeeper(), listeners=[ctx.audience.on_change])
    ctx = ctx.replace(desk=desk)
    return ctx.replace(conversation=FakeConversation(ctx))


@pytest.fixture
def app(web_ctx: AppContext) -> FastAPI:
    return create_app(web_ctx.settings, context=web_ctx, start=())


ClientFactory = Callable[..., TestClient]


@pytest.fixture
def clients(app: FastAPI) -> Iterator[ClientFactory]:
    """``clients()`` anonymous, ``clients(account="pixelpals")``, ``clients(staff=True)``."""
    with ExitStack() as stack:

        def make(account: str | None = None, staff: bool = False) -> TestClient:
            client = stack.enter_context(TestClient(app, follow_redirects=False))
            if account is not None:
                r = client.post(
                    "/api/session", json={"account_key": KEYS[account], "user": f"dev@{account}"}
                )
                assert r.status_code == 200, r.text
            if staff:
                login, password = STAFF_LOGIN
                r = client.post("/staff/login", data={"login": login, "password": password})
                assert r.status_code == 303, r.text
            return client

        yield make


@pytest.fixture
def client(clients: ClientFactory) -> TestClient:
    return clients()


@pytest.fixture
def open_ticket(web_ctx: AppContext) -> Callable[..., Ticket]:
    def make(account: str = "pixelpals", kind: str = "bug", **extra: object) -> Ticket:
        new = NewTicket(
            account_id=account,
            kind=kind,
            priority=str(extra.pop("priority", "P2")),
            subject=str(extra.pop("subject", "Android crash on join")),
            requester=f"dev@{account}",
            priority_reason=str(
                extra.pop("priority_reason", "a core feature is broken for some users")
            ),
            missing=["sdk_version"],
            body="The app **crashes** when joining a room. <img src=x onerror=alert(1)>",
            **extra,  # type: ignore[arg-type]
        )
        return web_ctx.desk.open(new, now=NOW)

    return make
