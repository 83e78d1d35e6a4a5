"""Every error is ``{"error": "..."}``: no FastAPI ``detail``, no input echoed back, no
database host in an outage, and no 500 for hostile input."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.context import AppContext
from bot.service.app import create_app
from bot.store.db import Database
from tests.web.conftest import ClientFactory

DEEP = "[" * 100_000 + "]" * 100_000


def test_a_validation_error_names_the_field_without_echoing_it(client: TestClient) -> None:
    r = client.post("/api/session", json={"account_key": "k" * 5000})
    assert r.status_code == 422
    assert set(r.json()) == {"error"}
    assert r.json()["error"].startswith("account_key:")
    assert "kkkk" not in r.text


@pytest.mark.parametrize("path", ["/api/chat", "/api/session"])
def test_deeply_nested_json_is_refused_not_a_crash(client: TestClient, path: str) -> None:
    r = client.post(path, content=DEEP, headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 422), r.text
    assert set(r.json()) == {"error"}


def test_deeply_nested_json_in_a_comment_is_refused(
    clients: ClientFactory, open_ticket: object
) -> None:
    ticket = open_ticket(account="pixelpals")  # type: ignore[operator]
    r = clients(account="pixelpals").post(
        f"/api/tickets/{ticket.key}/comments",
        content=DEEP,
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 422 and set(r.json()) == {"error"}


@pytest.mark.parametrize("name", ["app.css%00.js", "..%2Fauth.py", "chat.js%0a"])
def test_odd_asset_names_are_not_found(client: TestClient, name: str) -> None:
    r = client.get(f"/static/{name}")
    assert r.status_code == 404


def test_unknown_routes_and_methods_answer_the_error_shape(client: TestClient) -> None:
    assert client.get("/api/nothing-here").json() == {"error": "no such page"}
    r = client.put("/api/chat", json={})
    assert r.status_code == 405 and set(r.json()) == {"error"}


def test_a_database_outage_does_not_show_where_the_database_is(web_ctx: AppContext) -> None:
    web_ctx.db = Database("postgresql+psycopg://deskbot:pw@127.0.0.1:9/deskbot?connect_timeout=1")
    web_ctx.conversations.db = web_ctx.db
    web_ctx.sessions.db = web_ctx.db
    app = create_app(web_ctx.settings, context=web_ctx, start=())
    with TestClient(app) as c:
        chat = c.post("/api/chat", json={"session_id": "sess-0001-abcdef", "message": "hi"})
        health = c.get("/healthz")
    for r in (chat, health):
        assert r.status_code == 503, r.text
        assert "127.0.0.1" not in r.text and ":9" not in r.text and "psycopg" not in r.text
    assert set(chat.json()) == {"error"}


@pytest.mark.parametrize("body", [{"account_key": "ключ-é"}, {"token": "ü.ü"}])
def test_non_ascii_credentials_are_wrong_not_a_crash(client: TestClient, body: dict) -> None:
    r = client.post("/api/session", json=body)
    assert r.status_code == 401 and set(r.json()) == {"error"}
    bearer = TestClient(client.app).get(
        "/api/tickets", headers={"Authorization": "Bearer é.é".encode()}
    )
    assert bearer.status_code in (400, 401)
