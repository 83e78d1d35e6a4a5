"""The outbox worker: delivery, back-off, Retry-After, give-up that stays visible (both DBs)."""

from __future__ import annotations

import datetime as dt

from bot.config import OrgConfig
from bot.context import AppContext, build_context
from bot.notify import DeliveryError
from bot.notify.outbox import OutboxWorker, backoff
from bot.scheduler.scanner import SlaScanner
from bot.settings import Settings
from bot.store.db import Database
from bot.store.notifications import Delivery
from bot.store.records import OutboxItem
from tests.conftest import NOW
from tests.scheduler.conftest import M, open_ticket

S = dt.timedelta(seconds=1)


class ScriptedNotifier:
    """A real notifier whose attempts fail as scripted (None = success)."""

    def __init__(self, transport: str, *outcomes: DeliveryError | None) -> None:
        self.transport = transport
        self.outcomes = list(outcomes)
        self.attempts: list[OutboxItem] = []

    def deliver(self, item: OutboxItem) -> None:
        self.attempts.append(item)
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome


def _queue(ctx: AppContext, transport: str = "webhook") -> int:
    item = ctx.notifications.enqueue(
        Delivery(transport, "https://hooks.example/x", {"kind": "escalation"}), now=NOW
    )
    return item.id


def _item(ctx: AppContext, item_id: int) -> OutboxItem:
    return next(i for i in ctx.notifications.items() if i.id == item_id)


def test_due_items_are_delivered_once_and_marked_sent(ctx: AppContext) -> None:
    ids = [_queue(ctx) for _ in range(3)]
    notifier = ScriptedNotifier("webhook")
    worker = OutboxWorker(ctx.notifications, {"webhook": notifier})
    assert worker.deliver_due(NOW) == 3
    assert worker.deliver_due(NOW + M) == 0
    assert sorted(i.id for i in notifier.attempts) == sorted(ids)
    assert ctx.notifications.counts() == {"sent": 3}
    assert _item(ctx, ids[0]).sent_at == NOW


def test_failures_back_off_exponentially_then_succeed(ctx: AppContext) -> None:
    item_id = _queue(ctx)
    notifier = ScriptedNotifier("webhook", DeliveryError("HTTP 503"), DeliveryError("HTTP 503"))
    worker = OutboxWorker(ctx.notifications, {"webhook": notifier})
    assert worker.deliver_due(NOW) == 0
    first = _item(ctx, item_id)
    assert (first.status, first.attempts, first.last_error) == ("pending", 1, "HTTP 503")
    assert first.next_attempt_at == NOW + 30 * S
    assert worker.deliver_due(NOW + 29 * S) == 0, "not before its retry time"
    assert worker.deliver_due(NOW + 30 * S) == 0
    assert _item(ctx, item_id).next_attempt_at == NOW + 30 * S + 60 * S
    assert worker.deliver_due(NOW + 90 * S) == 1
    done = _item(ctx, item_id)
    assert (done.status, done.attempts) == ("sent", 3)


def test_retry_after_from_the_far_side_wins(ctx: AppContext) -> None:
    item_id = _queue(ctx, "slack")
    notifier = ScriptedNotifier("slack", DeliveryError("ratelimited", retry_after=7))
    OutboxWorker(ctx.notifications, {"slack": notifier}).deliver_due(NOW)
    assert _item(ctx, item_id).next_attempt_at == NOW + 7 * S


def test_gives_up_after_max_attempts_and_stays_visible(ctx: AppContext) -> None:
    item_id = _queue(ctx)
    notifier = ScriptedNotifier("webhook", *[DeliveryError("HTTP 502")] * 10)
    worker = OutboxWorker(ctx.notifications, {"webhook": notifier}, max_attempts=3)
    at = NOW
    for _ in range(6):
        worker.deliver_due(at)
        at += dt.timedelta(hours=2)
    assert len(notifier.attempts) == 3
    failed = ctx.notifications.items(status="failed")
    assert [(i.id, i.attempts, i.last_error) for i in failed] == [(item_id, 3, "HTTP 502")]
    assert ctx.notifications.counts() == {"failed": 1}


def test_permanent_errors_give_up_at_once(ctx: AppContext) -> None:
    item_id = _queue(ctx)
    notifier = ScriptedNotifier("webhook", DeliveryError("HTTP 404", permanent=True))
    OutboxWorker(ctx.notifications, {"webhook": notifier}).deliver_due(NOW)
    failed = _item(ctx, item_id)
    assert (failed.status, failed.attempts) == ("failed", 1)


def test_an_unknown_transport_fails_visibly(ctx: AppContext) -> None:
    item_id = _queue(ctx, "carrier-pigeon")
    assert OutboxWorker(ctx.notifications, {}).deliver_due(NOW) == 0
    failed = _item(ctx, item_id)
    assert failed.status == "failed" and "carrier-pigeon" in (failed.last_error or "")


def test_a_crashing_notifier_is_retried_not_lost(ctx: AppContext) -> None:
    class Broken:
        transport = "webhook"

        def deliver(self, item: OutboxItem) -> None:
            raise KeyError("oops")

    item_id = _queue(ctx)
    OutboxWorker(ctx.notifications, {"webhook": Broken()}).deliver_due(NOW)
    item = _item(ctx, item_id)
    assert item.status == "pending" and "KeyError" in (item.last_error or "")


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(50) == dt.timedelta(hours=1)


def test_escalations_end_to_end_through_the_log_notifier(ctx: AppContext) -> None:
    open_ticket(ctx)
    SlaScanner.from_context(ctx).scan(NOW + 30 * M)
    # the example config has no webhooks, PagerDuty, Slack or mail server
    assert set(ctx.transports) == {"log", "customer"}
    worker = OutboxWorker.from_context(ctx, ctx.transports)
    assert worker.max_attempts == 8
    assert worker.deliver_due(NOW + 30 * M) == 1
    assert ctx.notifications.counts() == {"sent": 1}


def test_transports_handed_in_replace_the_built_ones(
    settings: Settings, database: Database, example_config: OrgConfig
) -> None:
    slack = ScriptedNotifier("slack")
    ctx = build_context(
        settings, config=example_config, db=database, migrate=False, now=NOW,
        transports={"slack": slack},
    )  # fmt: skip
    assert ctx.transports["slack"] is slack and set(ctx.transports) == {"log", "customer", "slack"}


def test_webhook_and_pagerduty_transports_come_from_the_config(
    settings: Settings, database: Database, example_config: OrgConfig
) -> None:
    from bot.config.channels import NotificationsConfig, PagerDutyConfig, WebhookTarget

    config = example_config.model_copy(
        update={
            "notifications": NotificationsConfig(
                webhooks=[WebhookTarget(url="https://hooks.example/x")],
                pagerduty=PagerDutyConfig(),
            )
        }
    )
    ctx = build_context(settings, config=config, db=database, migrate=False, now=NOW)
    assert set(ctx.transports) == {"log", "customer", "webhook", "pagerduty"}
