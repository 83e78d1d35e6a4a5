"""The SLA scan: fire every escalation step whose time has come, exactly once.

Each clock stores the fire time of its earliest unfired ladder step
(``ClockRecord.next_escalation_at``, indexed), so a scan loads only the tickets with due work:
with 100,000 open tickets and a handful due it reads a handful. The due tickets are handled in
chunks (``chunk``, default 500), each in one transaction (:mod:`bot.store.sla_batch`): the
chunk's tickets are locked and loaded with one query per table, each ticket's clocks are
replayed at ``now`` and every due step not fired yet is planned — the escalation record, unique
per (ticket, clock, level) so a second scanner or a restart cannot fire it again, its outbox
items, and an ``escalated`` event for the ticket's history — and the clocks are re-derived so
``next_escalation_at`` moves to the next step (and a breach is recorded). A step whose time
passed while nobody was scanning fires once, marked ``late``; when several steps of a ticket
are due at once (a backlog), only the highest one notifies anyone and the others are recorded
as folded into it (:mod:`bot.notify.escalation`). Who hears a step — people by Slack or
e-mail, the escalation channel, the customer on a breach — is the audience's call.

A ticket whose data cannot be planned is reported and skipped; any other failure of a chunk
rolls it back and the chunk is retried in halves, so one bad ticket costs only itself. Failed
tickets stay due and are retried by the next scan.

Delivery is not done here: the outbox worker (:mod:`bot.notify.outbox`) sends the items.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.clock import Clock, utc_now
from bot.config import OrgConfig
from bot.desk import TicketDesk
from bot.errors import StoreUnavailable
from bot.notify.escalation import LATE_AFTER, StepAudience, StepFacts, plan_firings
from bot.notify.recipients import RecipientResolver
from bot.sla_clocks import SlaClockKeeper, escalation_clock
from bot.store.records import ClockRecord, Ticket, TicketEvent
from bot.store.sla_batch import DueTicket, FiredKey, Firing, SlaBatchStore
from bot.store.tickets import TicketStore
from sla import TicketClocks

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger("deskbot.scheduler")


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
    # How each recipient is told (``slack``, ``email``) or None: nothing here reaches them.
    reached: tuple[tuple[str, str | None], ...] = ()

    @classmethod
    def of(cls, key: str, firing: Firing) -> FiredStep:
        step = firing.step
        reached = firing.audit.data.get("reached") or {}
        return cls(
            ticket=key, clock=step.clock, level=step.level, fraction=step.fraction,
            fire_at=step.due_at, late=firing.late, recipients=tuple(step.recipients),
            outbox_items=len(firing.deliveries), reached=tuple(reached.items()),
        )  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        return {
            "ticket": self.ticket, "clock": self.clock, "level": self.level,
            "fraction": self.fraction, "fire_at": self.fire_at.isoformat(), "late": self.late,
            "recipients": list(self.recipients), "outbox_items": self.outbox_items,
            "reached": dict(self.reached),
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
        desk: TicketDesk,
        keeper: SlaClockKeeper,
        config: OrgConfig,
        batches: SlaBatchStore | None = None,
        audience: StepAudience | None = None,
        clock: Clock = utc_now,
        batch: int = 500,
        chunk: int = 500,
    ) -> None:
        self.tickets = tickets
        self.batches = batches if batches is not None else SlaBatchStore(tickets.db)
        self.desk = desk
        self.keeper = keeper
        self.config = config
        self.audience = audience  # who hears a step; None: webhooks, pages and the log only
        self.clock = clock
        self.batch = batch  # due clocks read per query
        self.chunk = chunk  # tickets per transaction
        self.recipients = RecipientResolver(config)

    @classmethod
    def from_context(cls, ctx: AppContext, *, clock: Clock = utc_now) -> SlaScanner:
        return cls(
            tickets=ctx.tickets,
            batches=SlaBatchStore(ctx.db),
            desk=ctx.desk,
            keeper=sla_keeper(ctx),
            config=ctx.config,
            audience=ctx.audience,
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
            done.update(ids)
            report.tickets += len(ids)
            for start in range(0, len(ids), self.chunk):
                self.fire_tickets(ids[start : start + self.chunk], now, report)
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

    def preview(self, now: dt.datetime, *, limit: int = 10_000) -> ScanReport:
        """What a scan at ``now`` would fire, without recording or queueing anything (``sla
        check --at`` without ``--send``: a time in the future must not page anyone)."""
        started = time.perf_counter()
        report = ScanReport(now=now)
        due = self.tickets.due_clocks(now, limit=limit)
        report.due_clocks = len(due)
        ids = list(dict.fromkeys(t for t, _ in due))
        report.tickets = len(ids)
        for ticket_id in ids:
            try:
                ticket = self.tickets.get(ticket_id)
                events = tuple(self.tickets.events(ticket_id))
                fired = frozenset(self.keeper.fired_keys(ticket_id))
                firings = self.plan(DueTicket(ticket, events, fired), now)
            except Exception as exc:
                report.errors.append(f"ticket {ticket_id}: {exc}")
                continue
            report.fired.extend(FiredStep.of(ticket.key, firing) for firing in firings)
        report.next_wakeup = self.tickets.next_wakeup()
        report.seconds = time.perf_counter() - started
        return report

    def fire_tickets(self, ticket_ids: list[int], now: dt.datetime, report: ScanReport) -> None:
        """Fire the due steps of ``ticket_ids`` in one transaction and re-derive their clocks.

        One broken ticket must not hold back the others: a ticket whose data cannot be planned
        is reported by the batch itself; when the transaction fails, the chunk is retried in
        halves down to the single ticket that fails, which is reported and stays due.
        """
        replayed: dict[int, TicketClocks] = {}  # each ticket's clocks at ``now``, from plan

        def plan(due: DueTicket) -> list[Firing]:
            replayed[due.ticket.id] = self.keeper.state(due.ticket, due.events, now=now)
            return self.plan(due, now, clocks=replayed[due.ticket.id])

        def derive(
            ticket: Ticket, events: Sequence[TicketEvent], fired: Set[FiredKey], at: dt.datetime
        ) -> list[ClockRecord]:
            # Usually evaluated at ``now`` (an escalated event was appended): no second replay.
            clocks = replayed.get(ticket.id) if at == now else None
            return self.keeper.derive(ticket, events, fired, at=at, clocks=clocks)

        try:
            result = self.batches.fire(ticket_ids, now=now, plan=plan, derive=derive)
        except StoreUnavailable as exc:
            # The database is down or locked: splitting would only hammer it.
            log.error("sla scan: database unavailable", extra={"tickets": len(ticket_ids)})
            report.errors.extend(f"ticket {t}: {exc}" for t in ticket_ids)
            return
        except Exception as exc:
            if len(ticket_ids) == 1:
                log.exception("sla scan failed for a ticket", extra={"ticket_id": ticket_ids[0]})
                report.errors.append(f"ticket {ticket_ids[0]}: {exc}")
                return
            log.warning(
                "sla scan chunk failed; retrying it in halves",
                extra={"tickets": len(ticket_ids), "error": f"{type(exc).__name__}: {exc}"},
            )
            middle = len(ticket_ids) // 2
            self.fire_tickets(ticket_ids[:middle], now, report)
            self.fire_tickets(ticket_ids[middle:], now, report)
            return
        for ticket_id, error in result.failed.items():
            log.error(
                "sla scan failed for a ticket", exc_info=error, extra={"ticket_id": ticket_id}
            )
            report.errors.append(f"ticket {ticket_id}: {error}")
        for outcome in result.outcomes:
            report.already_fired += len(outcome.already_fired)
            report.fired.extend(FiredStep.of(outcome.ticket.key, f) for f, _ in outcome.fired)
            self.desk.changed(outcome.ticket)

    def plan(
        self, due: DueTicket, now: dt.datetime, *, clocks: TicketClocks | None = None
    ) -> list[Firing]:
        """The steps of one ticket to fire at ``now``: due, and not fired yet. ``clocks``: its
        clocks replayed at ``now`` already. A backlog makes one ping (see
        :func:`bot.notify.escalation.plan_firings`)."""
        ticket = due.ticket
        if clocks is None:
            clocks = self.keeper.state(ticket, due.events, now=now)
        steps: list[StepFacts] = []
        for state in clocks.clocks:
            name = escalation_clock(state)
            for step in self.keeper.steps(state, ticket):
                if step.fire_at > now or (name, step.level) in due.fired:
                    continue
                if self.keeper.skipped(ticket, step):
                    continue  # demo history from before the seed: nobody is notified
                steps.append(
                    StepFacts(
                        ticket=ticket,
                        clock=state,
                        escalation_clock=name,
                        step=step,
                        recipients=tuple(self.recipients.resolve(step.recipients, ticket, now=now)),
                        late=step.is_late(now, LATE_AFTER),
                    )
                )
        return plan_firings(steps, now=now, config=self.config, audience=self.audience)
