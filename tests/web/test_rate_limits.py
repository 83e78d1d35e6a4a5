"""Rate limits on /api/chat, /api/session and the sign-in forms: 429 with Retry-After, reset
after the window (time moved with time_machine), keys per session, address and login name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import httpx
import pytest
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from prometheus_client import generate_latest
from pydantic import ValidationError
from starlette.requests import Request

from bot.context import AppContext
from bot.errors import ConfigError
from bot.service.app import create_app
from bot.settings import Settings
from bot.web.ratelimit import RateLimits, client_address
from tests.web.conftest import KEYS, STAFF_LOGIN

SESSION = "sess-0001-abcdef"
AppFactory = Callable[..., FastAPI]


@pytest.fixture
def make_app(web_ctx: AppContext) -> AppFactory:
    """The app with real settings built from overrides, e.g. ``rate_limit_chat_ip="2/minute"``."""

    def make(**overrides: object) -> FastAPI:
        base = web_ctx.settings
        settings = Settings(home=base.home, config=base.config, embedder="hash", **overrides)  # type: ignore[arg-type]
        return create_app(settings, context=web_ctx, start=())

    return make


@pytest.fixture
def connect() -> Iterator[Callable[..., TestClient]]:
    """``connect(app)``: a client holding a fresh visitor session (``session=False``: none)."""
    with ExitStack() as stack:

        def make(app: FastAPI, *, session: bool = True, **headers: str) -> TestClient:
            client = stack.enter_context(TestClient(app, follow_redirects=False, headers=headers))
            if session:
                assert client.post("/api/session", json={}).status_code == 200
            return client

        yield make


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        yield traveller


def _ask(client: TestClient, session: str = SESSION, **headers: str) -> int:
    r = client.post("/api/chat", json={"session_id": session, "message": "token?"}, headers=headers)
    return r.status_code


def _assert_429(r: httpx.Response, needle: str) -> int:
    assert r.status_code == 429, r.text
    wait = int(r.headers["retry-after"])
    assert wait >= 1
    body = r.json()
    assert body == {"error": f"{needle}; try again in {wait} s", "retry_after": wait}
    return wait


def test_chat_over_the_session_limit_is_a_429_with_retry_after(
    make_app: AppFactory,
    connect: Callable[..., TestClient],
    web_ctx: AppContext,
    clock: time_machine.Coordinates,
) -> None:
    client = connect(make_app(rate_limit_chat_session="3/minute"))
    assert [_ask(client) for _ in range(3)] == [200, 200, 200]
    r = client.post("/api/chat", json={"session_id": SESSION, "message": "token?"})
    assert _assert_429(r, "you are sending messages too fast") == 60
    # The limit is per signed session, not per chat id: another chat in the same tab waits too.
    assert _ask(client, "sess-0002-abcdef") == 429
    # Streams are refused before they start: a JSON 429, not an event stream.
    sse = client.post(
        "/api/chat",
        json={"session_id": SESSION, "message": "token?"},
        headers={"Accept": "text/event-stream"},
    )
    assert sse.headers["content-type"].startswith("application/json")
    _assert_429(sse, "you are sending messages too fast")
    get = client.get("/api/chat/stream", params={"session_id": SESSION, "message": "token?"})
    _assert_429(get, "you are sending messages too fast")
    # Refused turns never reached the conversation service.
    assert len(web_ctx.conversation.inbounds) == 3


def test_new_sessions_from_the_same_address_share_the_address_limit(
    make_app: AppFactory, connect: Callable[..., TestClient]
) -> None:
    app = make_app(rate_limit_chat_session="5/minute", rate_limit_chat_ip="3/minute")
    first, second = connect(app), connect(app)
    assert [_ask(first), _ask(first), _ask(second)] == [200, 200, 200]
    r = second.post("/api/chat", json={"session_id": SESSION, "message": "token?"})
    _assert_429(r, "you are sending messages too fast")
    # Nor does dropping the token and making up chat ids get around it.
    tokenless = connect(app, session=False)
    assert _ask(tokenless, "sess-9999-abcdef") == 429
    # A header naming another address is not believed unless the settings say so.
    assert _ask(tokenless, "sess-9998-abcdef", **{"X-Real-IP": "203.0.113.9"}) == 429


def test_a_trusted_proxy_header_names_the_address(
    make_app: AppFactory, connect: Callable[..., TestClient]
) -> None:
    app = make_app(rate_limit_chat_ip="2/minute", client_ip_header="X-Forwarded-For")
    client = connect(app)
    office = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9"}  # the proxy appended the last one
    assert [_ask(client, **office), _ask(client, **office)] == [200, 200]
    assert _ask(client, **office) == 429
    # A client cannot escape by adding a value of its own in front: the proxy's is the last one.
    assert _ask(client, **{"X-Forwarded-For": "192.0.2.1, 203.0.113.9"}) == 429
    assert _ask(client, **{"X-Forwarded-For": "203.0.113.10"}) == 200


def test_the_limit_lets_turns_through_again_after_the_window(
    make_app: AppFactory, connect: Callable[..., TestClient], clock: time_machine.Coordinates
) -> None:
    client = connect(make_app(rate_limit_chat_session="2/minute"))
    assert [_ask(client), _ask(client)] == [200, 200]
    assert _ask(client) == 429
    clock.shift(30)
    r = client.post("/api/chat", json={"session_id": SESSION, "message": "token?"})
    assert _assert_429(r, "you are sending messages too fast") == 30
    clock.shift(31)
    assert _ask(client) == 200


def test_session_creation_is_limited_per_address(
    make_app: AppFactory, connect: Callable[..., TestClient]
) -> None:
    client = connect(make_app(rate_limit_session_ip="2/minute"), session=False)
    assert [client.post("/api/session", json={}).status_code for _ in range(2)] == [200, 200]
    r = client.post("/api/session", json={})
    _assert_429(r, "too many new sessions from your address")


def _login(
    client: TestClient, password: str, login: str = STAFF_LOGIN[0], **headers: str
) -> httpx.Response:
    return client.post("/staff/login", data={"login": login, "password": password}, headers=headers)


def test_staff_password_guessing_is_locked_out_until_the_window_passes(
    make_app: AppFactory, connect: Callable[..., TestClient], clock: time_machine.Coordinates
) -> None:
    client = connect(make_app(), session=False)  # the defaults: 10 failures per 15 minutes
    assert {_login(client, f"guess-{n}").status_code for n in range(10)} == {401}
    # Now even the right password is not checked: the answer would tell a guesser.
    r = _login(client, STAFF_LOGIN[1])
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) == 15 * 60
    assert "Too many failed sign-in attempts. Try again in 15 min." in r.text
    assert "deskbot_session" not in r.cookies
    zh = _login(client, STAFF_LOGIN[1], **{"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "登录失败次数过多，请 15 分钟后再试。" in zh.text
    clock.shift(15 * 60 + 1)
    r = _login(client, STAFF_LOGIN[1])
    assert r.status_code == 303 and r.headers["location"] == "/staff"


def test_one_login_name_is_locked_out_from_every_address(
    make_app: AppFactory, connect: Callable[..., TestClient]
) -> None:
    app = make_app(rate_limit_signin_user="3/15 minutes", client_ip_header="X-Real-IP")
    client = connect(app, session=False)
    for n in range(3):
        assert _status(_login(client, "nope", **{"X-Real-IP": f"192.0.2.{n}"})) == 401
    assert _status(_login(client, STAFF_LOGIN[1], **{"X-Real-IP": "192.0.2.77"})) == 429
    # The same person by e-mail is the same login name.
    by_mail = _login(
        client, STAFF_LOGIN[1], "Lin.Qiang@nimbus.example", **{"X-Real-IP": "192.0.2.78"}
    )
    assert _status(by_mail) == 429
    # Other names are not locked out by someone guessing this one.
    assert _status(_login(client, "nope", "eng-chen", **{"X-Real-IP": "192.0.2.79"})) == 401


def test_a_right_password_forgives_the_names_earlier_failures(
    make_app: AppFactory, connect: Callable[..., TestClient]
) -> None:
    client = connect(make_app(rate_limit_signin_user="3/15 minutes"), session=False)
    for _ in range(2):
        assert [_status(_login(client, "typo")) for _ in range(2)] == [401, 401]
        assert _status(_login(client, STAFF_LOGIN[1])) == 303


def test_account_key_guessing_on_the_form_and_the_api_counts_together(
    make_app: AppFactory, connect: Callable[..., TestClient]
) -> None:
    client = connect(make_app(rate_limit_signin_ip="3/15 minutes"), session=False)
    assert _status(client.post("/signin", data={"account_key": "guess-1"})) == 401
    assert _status(client.post("/api/session", json={"account_key": "guess-2"})) == 401
    assert _status(client.post("/api/session", json={"token": "guess.3"})) == 401
    r = client.post("/api/session", json={"account_key": KEYS["pixelpals"]})
    _assert_429(r, "too many failed sign-in attempts")
    form = client.post("/signin", data={"account_key": KEYS["pixelpals"]})
    assert form.status_code == 429 and int(form.headers["retry-after"]) > 0
    assert "Too many failed sign-in attempts." in form.text
    # Starting an anonymous session is not a sign-in.
    assert _status(client.post("/api/session", json={})) == 200


def test_disabled_limits_never_refuse(
    make_app: AppFactory, connect: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    everything_off = connect(make_app(rate_limits=False))
    for name, value in {
        "DESKBOT_RATE_LIMIT_CHAT_SESSION": "off",
        "DESKBOT_RATE_LIMIT_CHAT_IP": "0",
        "DESKBOT_RATE_LIMIT_SIGNIN_IP": "off",
        "DESKBOT_RATE_LIMIT_SIGNIN_USER": "OFF",
    }.items():
        monkeypatch.setenv(name, value)
    each_off = connect(make_app())
    for client in (everything_off, each_off):
        assert {_ask(client) for _ in range(25)} == {200}
        assert {_status(_login(client, "nope")) for _ in range(12)} == {401}


def test_refusals_are_counted_in_metrics_and_documented(
    make_app: AppFactory, connect: Callable[..., TestClient]
) -> None:
    app = make_app(rate_limit_chat_session="1/minute")
    client = connect(app)
    assert [_ask(client), _ask(client), _ask(client)] == [200, 429, 429]
    metrics = generate_latest(app.state.metrics.registry).decode()  # /metrics is local-only
    assert 'deskbot_rate_limited_total{route="/api/chat",rule="chat_session"} 2.0' in metrics
    spec = client.get("/openapi.json").json()
    refused = spec["paths"]["/api/chat"]["post"]["responses"]["429"]
    assert "RateLimitedOut" in str(refused)


# ---- the pieces ------------------------------------------------------------------------------


def test_bad_rates_and_storages_are_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="is not a rate"):
        Settings(rate_limit_chat_ip="lots")
    assert Settings(rate_limit_chat_ip=" 0 ").rate_limit_chat_ip == "off"
    assert (
        Settings(rate_limit_chat_ip="20/minute;300/hour").rate_limit_chat_ip == "20/minute;300/hour"
    )
    with pytest.raises(ConfigError, match="DESKBOT_RATE_LIMIT_STORAGE_URI"):
        RateLimits({"chat_ip": "1/minute"}, storage_uri="nosuch://here")


class _BrokenStorage(MemoryStorage):
    """A storage whose server is gone (MemoryStorage errors are ValueError, then wrapped)."""

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        raise ValueError("connection refused")

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        raise ValueError("connection refused")


def test_a_failing_storage_lets_requests_through() -> None:
    limits = RateLimits({"chat_ip": "1/minute"})
    limits._limiter = MovingWindowRateLimiter(_BrokenStorage(wrap_exceptions=True))
    assert [limits.take([("chat_ip", "a")]) for _ in range(3)] == [None, None, None]


def test_only_used_up_rules_refuse_and_a_refusal_counts_nothing() -> None:
    limits = RateLimits({"chat_ip": "2/minute", "chat_session": "1/minute"})
    assert limits.take([("chat_ip", "a"), ("chat_session", "s1")]) is None
    refused = limits.take([("chat_ip", "a"), ("chat_session", "s1")])
    assert refused is not None and refused[0] == "chat_session"
    assert limits.take([("chat_ip", "a"), ("chat_session", "s2")]) is None  # ip: 2nd of 2
    assert limits.take([("chat_ip", "a")]) is not None
    assert limits.take([("signin_ip", "a")] * 5) is None  # a rule not configured never refuses


@pytest.mark.parametrize(
    ("peer", "expected"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),  # one subscriber's /64 counts once
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("testclient", "testclient"),
    ],
)
def test_client_address(peer: str, expected: str, make_app: AppFactory) -> None:
    app = make_app()
    request = Request({"type": "http", "app": app, "client": (peer, 1234), "headers": []})
    assert client_address(request) == expected


def _status(r: httpx.Response) -> int:
    return r.status_code
