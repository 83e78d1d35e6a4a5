"""The SLA scan: fire every escalation step whose time has come, exactly once.

Each clock stores the fire time of its earliest unfired ladder step
(``ClockRecord.next_escalation_at``, indexed), so a scan loads only the tickets with due work:
with 100,000 open tickets and a handful due it reads a handful. For each due ticket the scan
replays its clocks at ``now``, fires every due step not fired yet — the escalation record and
its outbox items in one transaction, unique per (ticket, clock, level), so a second scanner or
a restart cannot fire it again — appends an ``escalated`` event to the ticket's history, and
re-derives the clocks so ``next_escalation_at`` moves to the next step (and a breach is
recorded). A step whose time passed while nobody was scanning fires once, marked ``late``.

Delivery is not done here: the outbox worker (:mod:`bot.scheduler.outbox`) sends the items.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.config import OrgConfig
from bot.desk import TicketDesk
from bot.scheduler.deliveries import StepFacts, base_payload, step_deliveries
from bot.scheduler.recipients import RecipientResolver
from bot.sla_clocks import SlaClockKeeper, escalation_clock
from bot.store.notifications import EscalationStep, NotificationStore
from bot.store.records import Ticket
from bot.store.tickets import EventSpec, TicketStore

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger("deskbot.scheduler")

Clock = Callable[[], dt.datetime]
# Firing more than this after a step's time means nobody was scanning: say so.
LATE_AFTER = dt.timedelta(seconds=60)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class FiredStep:
    """A step this scan fired."""

    ticket: str
    clock: str  # the escalation clock: "resolution", or "resolution#1" after a reopen
    level: int
    fraction: float
    fire_at: dt.datetime
    late: bool
    recipients: tuple[str, ...]
    outbox_items: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "ticket": self.ticket, "clock": self.clock, "level": self.level,
            "fraction": self.fraction, "fire_at": self.fire_at.isoformat(), "late": self.late,
            "recipients": list(self.recipients), "outbox_items": self.outbox_items,
        }  # fmt: skip


@dataclass
class ScanReport:
    now: dt.datetime
    due_clocks: int = 0
    tickets: int = 0
    fired: list[FiredStep] = field(default_factory=list)
    already_fired: int = 0  # another scanner (or an earlier run) got there first
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    next_wakeup: dt.datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(),
            "due_clocks": self.due_clocks,
            "tickets": self.tickets,
            "fired": [f.as_dict() for f in self.fired],
            "already_fired": self.already_fired,
            "errors": list(self.errors),
            "seconds": round(self.seconds, 4),
            "next_wakeup": self.next_wakeup.isoformat() if self.next_wakeup else None,
        }


def sla_keeper(ctx: AppContext) -> SlaClockKeeper:
    """The context's SLA keeper (a fresh one if the desk runs without clocks)."""
    keeper = ctx.desk.keeper
    if isinstance(keeper, SlaClockKeeper):
        return keeper
    return SlaClockKeeper(ctx.config, fired_keys=ctx.notifications.fired_keys)


class SlaScanner:
    """Finds due escalation steps and fires them; safe to run from several processes."""

    def __init__(
        self,
        *,
        tickets: TicketStore,
        notifications: NotificationStore,
        desk: TicketDesk,
        keeper: SlaClockKeeper,
        config: OrgConfig,
        slack: bool = True,
        clock: Clock = utc_now,
        batch: int = 500,
    ) -> None:
        self.tickets = tickets
        self.notifications = notifications
        self.desk = desk
        self.keeper = keeper
        self.config = config
        self.slack = slack
        self.clock = clock
        self.batch = batch
        self.recipients = RecipientResolver(config)

    @classmethod
    def from_context(cls, ctx: AppContext, *, clock: Clock = utc_now) -> SlaScanner:
        return cls(
            tickets=ctx.tickets,
            notifications=ctx.notifications,
            desk=ctx.desk,
            keeper=sla_keeper(ctx),
            config=ctx.config,
            slack=ctx.settings.slack_bot_token is not None,
            clock=clock,
        )

    def scan(self, now: dt.datetime | None = None) -> ScanReport:
        """Fire every step due at ``now`` (default: the clock) that has not fired yet."""
        now = now if now is not None else self.clock()
        started = time.perf_counter()
        report = ScanReport(now=now)
        done: set[int] = set()
        while True:
            due = self.tickets.due_clocks(now, limit=self.batch)
            fresh = [(t, c) for t, c in due if t not in done]
            report.due_clocks += len(fresh)
            ids = list(dict.fromkeys(t for t, _ in fresh))
            for ticket_id in ids:
                done.add(ticket_id)
                report.tickets += 1
                try:
                    self.scan_ticket(ticket_id, now, report)
                except Exception as exc:
                    # One broken ticket must not hold back the others; it stays due and is
                    # retried by the next scan.
                    log.exception("sla scan failed for a ticket", extra={"ticket_id": ticket_id})
                    report.errors.append(f"ticket {ticket_id}: {exc}")
            # A full batch of only known tickets means they are stuck: stop, retry next scan.
            if not ids or len(due) < self.batch:
                break
        report.next_wakeup = self.tickets.next_wakeup()
        report.seconds = time.perf_counter() - started
        if report.fired or report.errors:
            log.info(
                "sla scan",
                extra={"fired": len(report.fired), "errors": len(report.errors),
                       "tickets": report.tickets, "seconds": round(report.seconds, 3)},
            )  # fmt: skip
        return report

    def scan_ticket(self, ticket_id: int, now: dt.datetime, report: ScanReport) -> Ticket:
        """Fire the due steps of one ticket and re-derive its clocks."""
        ticket = self.tickets.get(ticket_id)
        events = self.tickets.events(ticket_id)
        fired = self.notifications.fired_keys(ticket_id)
        audit: list[EventSpec] = []
        for state in self.keeper.state(ticket, events, now=now).clocks:
            name = escalation_clock(state)
            for step in self.keeper.steps(state, ticket):
                if step.fire_at > now or (name, step.level) in fired:
                    continue
                facts = StepFacts(
                    ticket=ticket,
                    clock=state,
                    escalation_clock=name,
                    step=step,
                    recipients=tuple(self.recipients.resolve(step.recipients, ticket, now=now)),
                    late=step.is_late(now, LATE_AFTER),
                )
                event = self._fire(facts, now, report)
                if event is not None:
                    audit.append(event)
        if not audit:
            return self.desk.recompute(ticket)
        # The audit events and the re-derived clocks (next step, breach) in as few
        # transactions as the store allows: the clocks are recomputed with the last event.
        for event in audit[:-1]:
            self.tickets.record(ticket.id, event)
        updated = self.tickets.record(ticket.id, audit[-1], recompute=self.keeper.clocks)
        for listener in self.desk.listeners:
            listener(updated)
        return updated

    def _fire(self, facts: StepFacts, now: dt.datetime, report: ScanReport) -> EventSpec | None:
        """Record the step with its outbox items; the audit event to append, or None when
        the step was fired already (by another scanner or an earlier run)."""
        step = facts.step
        deliveries = step_deliveries(facts, config=self.config, slack=self.slack)
        record = EscalationStep(
            ticket_id=facts.ticket.id,
            clock=facts.escalation_clock,
            level=step.level,
            fraction=step.fraction,
            due_at=step.fire_at,
            recipients=[r.target for r in facts.recipients],
        )
        if self.notifications.fire(record, deliveries, now=now, late=facts.late) is None:
            report.already_fired += 1
            return None
        report.fired.append(
            FiredStep(
                ticket=facts.ticket.key,
                clock=facts.escalation_clock,
                level=step.level,
                fraction=step.fraction,
                fire_at=step.fire_at,
                late=facts.late,
                recipients=tuple(record.recipients),
                outbox_items=len(deliveries),
            )
        )
        payload = base_payload(facts, self.config)
        return EventSpec(
            "escalated", now, "system", "deskbot", body=payload["text"],
            data={k: payload[k] for k in ("clock", "escalation_clock", "level", "fraction",
                                          "fire_at", "due_at", "late", "recipients")},
        )  # fmt: skip
