"""Sessions are kept server-side: signing out ends a token at once, a new staff password ends
the staff member's sessions, CSRF tokens belong to one session, and a chat started without
any token belongs to the visitor who started it."""

from __future__ import annotations

import json
import re
import time

import pytest
from fastapi.testclient import TestClient

from bot.config.channels import WebConfig
from bot.context import AppContext
from bot.passwords import hash_password
from bot.web import signing
from tests.web.conftest import ClientFactory

SESSION = "sess-0001-abcdef"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert match, "no csrf field on the page"
    return match.group(1)


def test_a_signed_out_token_is_refused(client: TestClient) -> None:
    token = client.post("/api/session", json={"account_key": "demo-key-acme"}).json()["token"]
    other = TestClient(client.app)
    assert other.get("/api/tickets", headers=_bearer(token)).status_code == 200
    assert other.delete("/api/session", headers=_bearer(token)).status_code == 204
    # The token has 30 days left, but its session is over.
    assert other.get("/api/tickets", headers=_bearer(token)).status_code == 401
    me = TestClient(client.app).get("/api/session", headers=_bearer(token)).json()
    assert me["kind"] == "visitor"


def test_the_signout_form_ends_the_cookie_session(clients: ClientFactory) -> None:
    customer = clients()
    r = customer.post("/signin", data={"account_key": "demo-key-acme"})
    assert r.status_code == 303
    cookie = customer.cookies["deskbot_session"]
    assert customer.post("/signout").status_code == 303
    replay = TestClient(customer.app, cookies={"deskbot_session": cookie})
    assert replay.get("/api/tickets").status_code == 401


def test_a_new_staff_password_ends_the_staff_sessions(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    staff = clients(staff=True)
    assert staff.get("/staff", follow_redirects=False).status_code == 200
    people = [
        p.model_copy(update={"password_hash": hash_password("a-new-password-42")})
        if p.id == "mgr-lin"
        else p
        for p in web_ctx.config.people
    ]
    web_ctx.config = web_ctx.config.model_copy(update={"people": people})
    assert staff.get("/staff", follow_redirects=False).status_code == 303  # to the login


def test_csrf_tokens_belong_to_one_session(
    clients: ClientFactory, open_ticket: object, web_ctx: AppContext
) -> None:
    ticket = open_ticket()  # type: ignore[operator]
    first, second = clients(staff=True), clients(staff=True)
    first_csrf = _csrf(first.get(f"/staff/tickets/{ticket.key}").text)
    second_csrf = _csrf(second.get(f"/staff/tickets/{ticket.key}").text)
    assert first_csrf != second_csrf
    # The same person, another session: the first session's form token is worth nothing.
    r = second.post(f"/staff/tickets/{ticket.key}/acknowledge", data={"csrf": first_csrf})
    assert r.status_code == 403
    r = second.post(f"/staff/tickets/{ticket.key}/acknowledge", data={"csrf": second_csrf})
    assert r.status_code == 303


def test_tokens_from_before_server_side_sessions_are_refused(
    client: TestClient, web_ctx: AppContext
) -> None:
    key = signing.session_key(web_ctx.settings)
    payload = {"k": "customer", "u": "dev", "n": None, "a": "acme-games", "r": [], "exp": 2**31}
    old = signing.sign(payload, key, purpose="session")
    assert client.get("/api/tickets", headers=_bearer(old)).status_code == 401


def test_a_forged_session_id_is_refused(client: TestClient, web_ctx: AppContext) -> None:
    token = client.post("/api/session", json={"account_key": "demo-key-acme"}).json()["token"]
    payload = json.loads(signing.b64decode(token.split(".")[0]))
    key = signing.session_key(web_ctx.settings)
    forged = signing.sign(payload | {"sid": "made-up"}, key, purpose="session")
    assert TestClient(client.app).get("/api/tickets", headers=_bearer(forged)).status_code == 401


def test_chats_without_a_token_are_not_shared_by_their_chat_id(
    web_ctx: AppContext, client: TestClient
) -> None:
    first, second = TestClient(client.app), TestClient(client.app)
    r = first.post("/api/chat", json={"session_id": SESSION, "message": "my secret project"})
    assert r.status_code == 200
    assert "deskbot_session" in r.headers.get("set-cookie", "")  # a visitor of its own
    second.post("/api/chat", json={"session_id": SESSION, "message": "hello"})
    one, two = web_ctx.conversation.inbounds
    assert one.conversation_ref != two.conversation_ref
    # The first visitor, back with its cookie, continues its own chat.
    first.post("/api/chat", json={"session_id": SESSION, "message": "more"})
    assert web_ctx.conversation.inbounds[2].conversation_ref == one.conversation_ref
    history = second.get("/api/chat/history", params={"session_id": SESSION}).json()
    assert [m["text"] for m in history["messages"]] == ["hello"]


def test_a_vendor_token_valid_for_days_is_refused(
    client: TestClient, web_ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NIMBUS_DESK_TOKEN_SECRET", "s3cret-master")
    web_ctx.config = web_ctx.config.model_copy(
        update={"web": WebConfig(token_secret_env="NIMBUS_DESK_TOKEN_SECRET")}
    )
    key = signing.account_token_key(b"s3cret-master", "streamly")

    def token(seconds: float) -> str:
        claims = {"account": "streamly", "user": "u-1", "exp": time.time() + seconds}
        return signing.sign(claims, key)

    assert client.post("/api/session", json={"token": token(600)}).status_code == 200
    assert client.post("/api/session", json={"token": token(400 * 86400)}).status_code == 401
