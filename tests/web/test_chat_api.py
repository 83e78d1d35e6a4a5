"""POST /api/chat, GET /api/chat/stream and /api/session: answers, tickets, bad input, tenancy."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.config.channels import WebConfig
from bot.context import AppContext
from bot.errors import ServiceUnavailable
from bot.web import signing
from tests.web.conftest import ClientFactory

SESSION = "sess-0001-abcdef"


def _events(body: str) -> list[tuple[str, dict[str, object]]]:
    out = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((lines["event"], json.loads(lines["data"])))
    return out


def test_anonymous_question_gets_a_cited_answer(client: TestClient) -> None:
    r = client.post("/api/chat", json={"session_id": SESSION, "message": "How do I make a token?"})
    assert r.status_code == 200
    body = r.json()
    assert body["kind"] == "answer"
    assert body["citations"][0] == {
        "source": "chat/tokens.md",
        "heading": "Generating tokens",
        "url": "https://docs.example/tokens",
    }
    assert body["actions"] == ["solved", "open_ticket", "human"]
    assert body["ticket"] is None


def test_inbound_carries_channel_user_and_a_ref_scoped_to_the_user(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    a, b = clients(account="pixelpals"), clients(account="streamly")
    a.post("/api/chat", json={"session_id": SESSION, "message": "hi"})
    b.post("/api/chat", json={"session_id": SESSION, "message": "hi"})
    first, second = web_ctx.conversation.inbounds
    assert (first.channel, first.account_id, first.user_ref) == (
        "web",
        "pixelpals",
        "dev@pixelpals",
    )
    assert second.account_id == "streamly"
    # The same session id from two users never lands in the same conversation.
    assert first.conversation_ref != second.conversation_ref


def test_sse_on_the_same_route_streams_deltas_then_the_reply(client: TestClient) -> None:
    r = client.post(
        "/api/chat",
        json={"session_id": SESSION, "message": "token?"},
        headers={"Accept": "text/event-stream"},
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    events = _events(r.text)
    assert [name for name, _ in events] == ["delta", "delta", "reply"]
    assert events[-1][1]["citations"]


def test_get_stream_for_eventsource(client: TestClient) -> None:
    r = client.get("/api/chat/stream", params={"session_id": SESSION, "message": "token?"})
    assert r.status_code == 200
    assert _events(r.text)[-1][0] == "reply"


def test_stream_rejects_bad_input_before_streaming(client: TestClient) -> None:
    r = client.get("/api/chat/stream", params={"session_id": "x", "message": "hi"})
    assert r.status_code == 422
    assert "session_id" in r.json()["error"]


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ({"session_id": "short", "message": "hi"}, "session_id"),
        ({"session_id": "bad id with spaces", "message": "hi"}, "session_id"),
        ({"message": "hi"}, "session_id"),
        ({"session_id": SESSION, "message": "x" * 8001}, "message"),
        ({"session_id": SESSION, "message": "   "}, "message"),
        ({"session_id": SESSION, "message": "hi", "action": "delete_everything"}, "action"),
        ({"session_id": SESSION, "message": "hi", "admin": True}, "admin"),
        (["not", "an", "object"], "object"),
    ],
)
def test_bad_json_input_is_a_clear_422(client: TestClient, payload: object, needle: str) -> None:
    r = client.post("/api/chat", json=payload)
    assert r.status_code == 422
    assert needle in r.json()["error"]


def test_body_that_is_not_json_or_a_form(client: TestClient) -> None:
    r = client.post("/api/chat", content=b"hello", headers={"Content-Type": "text/plain"})
    assert r.status_code == 422
    r = client.post("/api/chat", content=b"{nope", headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert "JSON" in r.json()["error"]


def test_anonymous_visitors_cannot_open_tickets_or_upload(client: TestClient) -> None:
    r = client.post("/api/chat", json={"session_id": SESSION, "action": "open_ticket"})
    assert r.status_code == 401
    assert "account key" in r.json()["error"]
    r = client.post(
        "/api/chat",
        data={"session_id": SESSION, "message": "log"},
        files={"files": ("app.log", b"E/boom", "text/plain")},
    )
    assert r.status_code == 401


def test_anonymous_questions_can_be_switched_off(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    web_ctx.config = web_ctx.config.model_copy(update={"web": WebConfig(public_questions=False)})
    r = clients().post("/api/chat", json={"session_id": SESSION, "message": "hi"})
    assert r.status_code == 401
    r = clients(account="pixelpals").post(
        "/api/chat", json={"session_id": SESSION, "message": "hi"}
    )
    assert r.status_code == 200


def test_customer_bug_report_with_a_log_opens_a_ticket(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    customer = clients(account="pixelpals")
    r = customer.post(
        "/api/chat",
        data={"session_id": SESSION, "message": "Android app crashes on join"},
        files={"files": ("app.log", b"E/Nimbus: NR-2002 join failed\n", "text/plain")},
    )
    assert r.status_code == 200, r.text
    ticket = r.json()["ticket"]
    assert ticket["key"].startswith("SUP-")
    assert ticket["url"] == f"/tickets/{ticket['key']}"
    assert ticket["timezone"] == "Asia/Shanghai"
    assert ticket["first_response_due"] is not None
    stored = web_ctx.tickets.get(ticket["key"], account_id="pixelpals")
    [attachment] = web_ctx.attachments.for_ticket(stored.id)
    assert attachment.filename == "app.log"
    inbound = web_ctx.conversation.inbounds[-1]
    assert inbound.uploads[0].data.startswith(b"E/Nimbus")


def test_uploads_are_size_and_type_checked(clients: ClientFactory, web_ctx: AppContext) -> None:
    customer = clients(account="pixelpals")
    web_ctx.settings.max_upload_mb = 1
    big = b"x" * (1024 * 1024 + 1)
    r = customer.post(
        "/api/chat",
        data={"session_id": SESSION},
        files={"files": ("huge.log", big, "text/plain")},
    )
    assert r.status_code == 413
    assert "1 MB" in r.json()["error"]
    r = customer.post(
        "/api/chat",
        data={"session_id": SESSION},
        files={"files": ("setup.exe", b"MZ\x90\x00", "application/x-msdownload")},
    )
    assert r.status_code == 415
    r = customer.post(
        "/api/chat",
        data={"session_id": SESSION},
        files={"files": ("empty.log", b"", "text/plain")},
    )
    assert r.status_code == 422
    many = [("files", (f"f{i}.log", b"line", "text/plain")) for i in range(6)]
    r = customer.post("/api/chat", data={"session_id": SESSION}, files=many)
    assert r.status_code == 422


class _Down:
    def handle(self, inbound: object, *, now: object) -> object:
        raise ServiceUnavailable("the database is restarting")

    def stream(self, inbound: object, *, now: object) -> Iterator[object]:
        yield "partial "
        raise ServiceUnavailable("the database is restarting")


def test_a_failing_service_is_a_503_or_an_error_event(
    client: TestClient, web_ctx: AppContext
) -> None:
    web_ctx.conversation = _Down()
    r = client.post("/api/chat", json={"session_id": SESSION, "message": "hi"})
    assert r.status_code == 503
    assert r.json() == {"error": "the database is restarting"}
    r = client.post(
        "/api/chat",
        json={"session_id": SESSION, "message": "hi"},
        headers={"Accept": "text/event-stream"},
    )
    assert _events(r.text)[-1] == ("error", {"error": "the database is restarting"})


# -- sessions -------------------------------------------------------------------------------
def test_account_key_is_exchanged_for_a_signed_session(client: TestClient) -> None:
    r = client.post("/api/session", json={"account_key": "demo-key-acme", "name": "Ada"})
    assert r.status_code == 200
    body = r.json()
    assert (body["kind"], body["account"], body["account_name"]) == (
        "customer",
        "acme-games",
        "Acme Games",
    )
    assert "deskbot_session" in r.headers["set-cookie"]
    assert "HttpOnly" in r.headers["set-cookie"] and "SameSite=lax" in r.headers["set-cookie"]
    assert client.get("/api/session").json()["account"] == "acme-games"
    # The token works as a bearer too (the embedded widget cannot rely on cookies).
    fresh = TestClient(client.app)
    me = fresh.get("/api/session", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.json()["account"] == "acme-games"


def test_wrong_key_and_forged_sessions_are_refused(client: TestClient) -> None:
    r = client.post("/api/session", json={"account_key": "guess"})
    assert r.status_code == 401
    good = client.post("/api/session", json={"account_key": "demo-key-acme"}).json()["token"]
    body, mac = good.split(".")
    forged_payload = json.loads(signing.b64decode(body)) | {"a": "streamly"}
    forged = signing.b64encode(json.dumps(forged_payload).encode()) + "." + mac
    fresh = TestClient(client.app)
    me = fresh.get("/api/session", headers={"Authorization": f"Bearer {forged}"})
    assert me.json()["kind"] == "visitor"


def test_anonymous_session_is_a_visitor(client: TestClient) -> None:
    body = client.post("/api/session", json={}).json()
    assert body["kind"] == "visitor" and body["account"] is None and body["token"]


def test_sign_out_clears_the_cookie(clients: ClientFactory) -> None:
    customer = clients(account="pixelpals")
    assert customer.delete("/api/session").status_code == 204
    assert customer.get("/api/session").json()["kind"] == "visitor"


def _vendor_token(master: str, account: str, *, exp: float, user: str = "u-42") -> str:
    key = signing.account_token_key(master.encode(), account)
    return signing.sign({"account": account, "user": user, "name": "Ada", "exp": exp}, key)


@pytest.fixture
def vendor_secret(web_ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("NIMBUS_DESK_TOKEN_SECRET", "s3cret-master")
    web_ctx.config = web_ctx.config.model_copy(
        update={"web": WebConfig(token_secret_env="NIMBUS_DESK_TOKEN_SECRET")}
    )
    return "s3cret-master"


def test_vendor_token_signs_a_customer_in(client: TestClient, vendor_secret: str) -> None:
    token = _vendor_token(vendor_secret, "streamly", exp=time.time() + 600)
    r = client.post("/api/session", json={"token": token})
    assert r.status_code == 200
    assert (r.json()["account"], r.json()["user"], r.json()["name"]) == ("streamly", "u-42", "Ada")
    # ... and directly as a bearer token on the API.
    fresh = TestClient(client.app)
    assert (
        fresh.get("/api/tickets", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )


@pytest.mark.parametrize("case", ["expired", "wrong-secret", "other-account-key", "garbage"])
def test_bad_vendor_tokens_are_refused(client: TestClient, vendor_secret: str, case: str) -> None:
    future = time.time() + 600
    token = {
        "expired": _vendor_token(vendor_secret, "streamly", exp=time.time() - 1),
        "wrong-secret": _vendor_token("not-the-secret", "streamly", exp=future),
        # Signed with pixelpals' key but claiming streamly: the key is per account.
        "other-account-key": signing.sign(
            {"account": "streamly", "user": "u-1", "exp": future},
            signing.account_token_key(vendor_secret.encode(), "pixelpals"),
        ),
        "garbage": "not.a-token",
    }[case]
    r = client.post("/api/session", json={"token": token})
    assert r.status_code == 401


def test_vendor_tokens_are_off_without_a_secret(client: TestClient) -> None:
    token = _vendor_token("anything", "streamly", exp=time.time() + 600)
    assert client.post("/api/session", json={"token": token}).status_code == 401


def test_openapi_documents_the_chat_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    chat = spec["paths"]["/api/chat"]["post"]
    assert set(chat["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert "ChatResponse" in json.dumps(chat["responses"]["200"])
    assert {"401", "413", "415", "422"} <= set(chat["responses"])
    assert "/api/chat/stream" in spec["paths"] and "/api/tickets/{key}" in spec["paths"]
    assert "/staff" not in spec["paths"]


def test_history_is_per_user(clients: ClientFactory) -> None:
    a, b = clients(account="pixelpals"), clients(account="streamly")
    a.post("/api/chat", json={"session_id": SESSION, "message": "How do I make a token?"})
    mine = a.get("/api/chat/history", params={"session_id": SESSION}).json()
    assert [m["role"] for m in mine["messages"]] == ["user"]  # the fake stores only the user turn
    assert mine["messages"][0]["text"] == "How do I make a token?"
    theirs = b.get("/api/chat/history", params={"session_id": SESSION}).json()
    assert theirs == {"conversation_id": None, "messages": []}
    assert a.get("/api/chat/history", params={"session_id": "bad id"}).status_code == 422
