"""Log, webhook and PagerDuty notifiers against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from bot.config.channels import PagerDutyConfig, WebhookTarget
from bot.notify import DeliveryError
from bot.notify.log import LogNotifier
from bot.notify.pagerduty import PagerDutyNotifier
from bot.notify.webhook import WebhookNotifier, retry_after_seconds
from bot.store.records import OutboxItem
from tests.conftest import NOW
from tests.scheduler.http_stub import HttpStub

PAYLOAD: dict[str, Any] = {
    "kind": "escalation", "ticket": "SUP-1042", "account": "acme-games", "tier": "enterprise",
    "priority": "P1", "clock": "resolution", "escalation_clock": "resolution", "level": 2,
    "fraction": 1.0, "due_at": NOW.isoformat(), "late": False, "text": "SLA breached: SUP-1042",
}  # fmt: skip


def _item(transport: str, target: str, payload: dict[str, Any] | None = None) -> OutboxItem:
    return OutboxItem(
        id=7, transport=transport, target=target, payload=payload or dict(PAYLOAD),
        status="pending", attempts=0, next_attempt_at=NOW, created_at=NOW,
    )  # fmt: skip


def _secrets(values: dict[str, str]) -> Any:
    return lambda name: SecretStr(values[name]) if name in values else None


def _client() -> httpx.Client:
    return httpx.Client(timeout=5)


def test_log_notifier_writes_one_structured_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="deskbot.notify"):
        LogNotifier().deliver(_item("log", "escalations"))
    (record,) = caplog.records
    assert record.getMessage() == "SLA breached: SUP-1042"
    assert record.levelno == logging.WARNING  # a breach
    assert record.ticket == "SUP-1042" and record.outbox_id == 7  # type: ignore[attr-defined]


def test_webhook_posts_json_with_an_hmac_signature() -> None:
    with HttpStub((204, {}, "")) as server:
        url = server.url + "/hooks/deskbot"
        target = WebhookTarget(url=url, secret_env="HOOK_SECRET")
        notifier = WebhookNotifier(
            [target], client=_client(), secrets=_secrets({"HOOK_SECRET": "s3cret"})
        )
        notifier.deliver(_item("webhook", url))
    (request,) = server.requests
    assert request.path == "/hooks/deskbot"
    assert request.json() == {"event": "escalation", "delivery_id": 7, "data": PAYLOAD}
    expected = hmac.new(b"s3cret", request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-deskbot-signature"] == f"sha256={expected}"
    assert request.headers["x-deskbot-delivery"] == "7"
    assert request.headers["content-type"] == "application/json"


def test_webhook_without_secret_is_unsigned_and_a_missing_secret_is_permanent() -> None:
    with HttpStub((200, {}, "ok")) as server:
        plain = WebhookNotifier([WebhookTarget(url=server.url)], client=_client())
        plain.deliver(_item("webhook", server.url))
        assert "x-deskbot-signature" not in server.requests[0].headers
        signed = WebhookNotifier(
            [WebhookTarget(url=server.url, secret_env="MISSING")],
            client=_client(),
            secrets=_secrets({}),
        )
        with pytest.raises(DeliveryError) as caught:
            signed.deliver(_item("webhook", server.url))
    assert caught.value.permanent and "MISSING" in str(caught.value)
    assert len(server.requests) == 1, "nothing is sent unsigned"


@pytest.mark.parametrize(
    ("status", "headers", "permanent", "retry_after"),
    [
        (429, {"Retry-After": "120"}, False, 120.0),
        (503, {}, False, None),
        (500, {"Retry-After": "5"}, False, 5.0),
        (404, {}, True, None),
        (400, {}, True, None),
    ],
)
def test_webhook_errors_are_classified(
    status: int, headers: dict[str, str], permanent: bool, retry_after: float | None
) -> None:
    with HttpStub((status, headers, "nope")) as server:
        notifier = WebhookNotifier([WebhookTarget(url=server.url)], client=_client())
        with pytest.raises(DeliveryError) as caught:
            notifier.deliver(_item("webhook", server.url))
    assert caught.value.permanent is permanent
    assert caught.value.retry_after == retry_after
    assert f"HTTP {status}" in str(caught.value)


def test_webhook_connection_refused_is_retryable() -> None:
    with HttpStub() as server:
        url = server.url
    notifier = WebhookNotifier([WebhookTarget(url=url)], client=_client())
    with pytest.raises(DeliveryError) as caught:
        notifier.deliver(_item("webhook", url))
    assert not caught.value.permanent


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert retry_after_seconds("30") == 30.0
    assert retry_after_seconds("Wed, 18 Nov 2026 02:01:00 GMT", now=NOW) == 60.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_pagerduty_triggers_an_event_with_one_dedup_key_per_ticket_clock() -> None:
    with HttpStub((202, {}, '{"status":"success"}')) as server:
        config = PagerDutyConfig(routing_key_env="PD_KEY", url=server.url + "/v2/enqueue")
        notifier = PagerDutyNotifier(config, client=_client(), secrets=_secrets({"PD_KEY": "R0UT"}))
        payload = {**PAYLOAD, "dedup_key": "deskbot:SUP-1042:resolution"}
        notifier.deliver(_item("pagerduty", "deskbot:SUP-1042:resolution", payload))
    (request,) = server.requests
    body = request.json()
    assert request.path == "/v2/enqueue"
    assert body["routing_key"] == "R0UT" and body["event_action"] == "trigger"
    assert body["dedup_key"] == "deskbot:SUP-1042:resolution"
    assert body["payload"]["severity"] == "critical"
    assert body["payload"]["source"] == "deskbot"
    assert body["payload"]["summary"] == "SLA breached: SUP-1042"
    assert body["payload"]["custom_details"]["ticket"] == "SUP-1042"


def test_pagerduty_errors() -> None:
    config_key = _secrets({"PD_KEY": "R0UT"})
    with HttpStub((429, {"Retry-After": "30"}, ""), (400, {}, '{"status":"invalid event"}')) as s:
        notifier = PagerDutyNotifier(
            PagerDutyConfig(routing_key_env="PD_KEY", url=s.url),
            client=_client(),
            secrets=config_key,
        )
        with pytest.raises(DeliveryError) as throttled:
            notifier.deliver(_item("pagerduty", "k"))
        with pytest.raises(DeliveryError) as invalid:
            notifier.deliver(_item("pagerduty", "k"))
    assert throttled.value.retry_after == 30.0 and not throttled.value.permanent
    assert invalid.value.permanent
    unkeyed = PagerDutyNotifier(PagerDutyConfig(routing_key_env="NONE"), secrets=_secrets({}))
    with pytest.raises(DeliveryError) as missing:
        unkeyed.deliver(_item("pagerduty", "k"))
    assert missing.value.permanent and "NONE" in str(missing.value)
