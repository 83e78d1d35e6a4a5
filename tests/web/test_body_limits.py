"""Every request body is capped while it is read: chunked JSON, Slack deliveries, uploads —
and an anonymous upload is refused before its files are read."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.context import AppContext
from bot.service.app import create_app
from tests.web.asgi import drive, endless
from tests.web.conftest import ClientFactory

MB = 1024 * 1024
BOUNDARY = "deskbotboundary"


def _app(web_ctx: AppContext, **overrides: object) -> FastAPI:
    settings = web_ctx.settings.model_copy(update=overrides)
    app = create_app(settings, context=web_ctx, start=())
    app.state.ctx = web_ctx  # what the lifespan would do; driven by hand below
    return app


def _multipart_head(filename: str = "big.log") -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="session_id"\r\n\r\n'
        f'sess-0001-abcdef\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n'
    ).encode()


def test_a_chunked_json_body_is_cut_off_at_the_limit(web_ctx: AppContext) -> None:
    app = _app(web_ctx, max_body_kb=64)
    sent = drive(app, "/api/chat", endless(50 * MB), headers={"content-type": "application/json"})
    assert sent.status == 413
    assert "at most 64 KB" in sent.json()["error"]
    assert sent.pulled <= 64 * 1024 + 64 * 1024  # read up to the limit, not the 50 MB


def test_an_anonymous_upload_is_refused_before_its_files_are_read(web_ctx: AppContext) -> None:
    app = _app(web_ctx)
    body = iter([_multipart_head(), *endless(200 * MB)])
    sent = drive(
        app,
        "/api/chat",
        body,
        headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    assert sent.status == 413
    assert sent.json() == {"error": "sign in with your account key to attach files"}
    assert sent.pulled <= 256 * 1024 + 64 * 1024


def test_a_customer_upload_gets_the_upload_limit_counted_while_read(
    web_ctx: AppContext, clients: ClientFactory
) -> None:
    token = (
        clients(account="pixelpals")
        .post("/api/session", json={"account_key": "demo-key-pixelpals"})
        .json()["token"]
    )
    app = _app(web_ctx, max_upload_mb=1)  # 5 files x 1 MB + 1 MB of form
    body = iter([_multipart_head(), *endless(200 * MB)])
    sent = drive(
        app,
        "/api/chat",
        body,
        headers={
            "content-type": f"multipart/form-data; boundary={BOUNDARY}",
            "authorization": f"Bearer {token}",
        },
    )
    assert sent.status == 413
    assert "files may be at most 1 MB each" in sent.json()["error"]
    assert 5 * MB < sent.pulled <= 6 * MB + 64 * 1024


def test_a_declared_length_over_the_limit_is_refused_without_reading(
    web_ctx: AppContext,
) -> None:
    app = _app(web_ctx)
    sent = drive(
        app,
        "/api/tickets/SUP-1/comments",
        endless(10 * MB),
        headers={"content-type": "application/json", "content-length": str(10 * MB)},
    )
    assert (sent.status, sent.pulled) == (413, 0)


def test_bodies_under_the_limit_pass(client: TestClient) -> None:
    r = client.post("/api/chat", json={"session_id": "sess-0001-abcdef", "message": "x" * 7000})
    assert r.status_code == 200, r.text
