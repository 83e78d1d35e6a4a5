"""The HTTP service: health, metrics, OpenAPI; everything built in the lifespan."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.context import AppContext
from bot.service.app import create_app

LOCAL = ("127.0.0.1", 50000)  # Prometheus on this host


@pytest.fixture
def client(ctx: AppContext) -> Iterator[TestClient]:
    with TestClient(create_app(ctx.settings, context=ctx, start=()), client=LOCAL) as c:
        yield c


def test_healthz_checks_the_database(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_healthz_reports_a_database_outage(ctx: AppContext) -> None:
    from bot.store.db import Database

    broken = Database("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1")
    ctx.db = broken
    with TestClient(create_app(ctx.settings, context=ctx, start=())) as c:
        response = c.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_metrics_are_prometheus_text(client: TestClient) -> None:
    client.get("/healthz")
    body = client.get("/metrics").text
    assert 'deskbot_http_requests_total{method="GET",route="/healthz",status="200"}' in body
    assert "deskbot_outbox_pending" in body


@pytest.mark.parametrize(
    ("peer", "headers", "status"),
    [
        (("127.0.0.1", 50000), {}, 200),
        (("::1", 50000), {}, 200),
        (("203.0.113.9", 50000), {}, 401),  # anyone else
        (("testclient", 50000), {}, 401),  # not an address at all
        (("127.0.0.1", 50000), {"X-Forwarded-For": "203.0.113.9"}, 401),  # a proxy here
        (("127.0.0.1", 50000), {"Forwarded": "for=203.0.113.9"}, 401),
    ],
)
def test_without_a_token_metrics_are_for_this_host_only(
    ctx: AppContext, peer: tuple[str, int], headers: dict[str, str], status: int
) -> None:
    with TestClient(create_app(ctx.settings, context=ctx, start=()), client=peer) as c:
        response = c.get("/metrics", headers=headers)
    assert response.status_code == status
    if status == 401:
        assert "DESKBOT_METRICS_TOKEN" in response.json()["error"]
        assert "deskbot_" not in response.text


def test_openapi_is_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert "/healthz" in client.get("/openapi.json").json()["paths"]


def test_building_the_app_connects_to_nothing(tmp_path: object) -> None:
    from bot.settings import Settings

    settings = Settings(home=tmp_path, database_url="postgresql+psycopg://x@127.0.0.1:9/none")  # type: ignore[arg-type]
    app = create_app(settings)
    assert app.title == "deskbot"


def test_warmup_loads_the_docs_bot_and_exposes_stats(ctx: AppContext) -> None:
    import threading

    loaded = threading.Event()

    class Knowledge:
        def warm_up(self) -> None:  # the model and indexes, before the first question
            loaded.set()

    ctx.knowledge = Knowledge  # type: ignore[assignment]
    with TestClient(create_app(ctx.settings, context=ctx, start=("warmup",)), client=LOCAL) as c:
        assert loaded.wait(10), "the knowledge base is loaded and warmed at start-up"
        body = c.get("/metrics").text
    assert "deskbot_stats_up 1.0" in body


def test_healthz_is_not_ready_while_the_database_refuses_writes(ctx: AppContext) -> None:
    from tests.faults import Outage

    outage = Outage(ctx.db).read_only()
    with TestClient(create_app(ctx.settings, context=ctx, start=())) as c:
        refused = c.get("/healthz")
        live = c.get("/healthz/live")
        outage.heal()
        healed = c.get("/healthz/ready")
    assert refused.status_code == 503
    assert (refused.json()["database"], refused.json()["writes"]) == ("ok", "refused")
    assert live.status_code == 200 and live.json()["status"] == "ok"
    assert healed.status_code == 200 and healed.json()["writes"] == "ok"


def test_healthz_reports_the_index_and_the_scheduler_lease(ctx: AppContext) -> None:
    import datetime as dt

    app = create_app(ctx.settings, context=ctx, start=())
    with TestClient(app) as c:
        app.state.index_status = "loading"
        assert c.get("/healthz").status_code == 503
        app.state.index_status = "ok"
        assert c.get("/healthz").json()["scheduler"] == "not held"
        now = dt.datetime.now(dt.UTC)
        ctx.leases.acquire("scheduler", "w1", now=now, ttl=dt.timedelta(seconds=60))
        body = c.get("/healthz").json()
    assert body["scheduler"] == "held" and body["index"] == "ok" and body["ready"] is True


def test_metrics_can_require_a_token(ctx: AppContext) -> None:
    from pydantic import SecretStr

    settings = ctx.settings.model_copy(update={"metrics_token": SecretStr("m-token-123")})
    ctx.settings = settings
    with TestClient(create_app(settings, context=ctx, start=())) as c:
        assert c.get("/metrics").status_code == 401
        assert c.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        ok = c.get("/metrics", headers={"Authorization": "Bearer m-token-123"})
    assert ok.status_code == 200 and "deskbot_outbox_pending" in ok.text
