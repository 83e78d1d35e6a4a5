"""Ticket facts turned into what the pages show: clocks, stages, history, the priority reason.

Nothing here formats a time: templates do, through ``when``/``span`` (see
:mod:`bot.web.dates`), so a page shows one format in one named zone and its reader's language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot import dates
from bot.store.records import ClockRecord, Escalation, Ticket, TicketEvent
from bot.web.dates import aware
from bot.web.reasons import reason_in

if TYPE_CHECKING:
    from bot.config import OrgConfig
    from bot.notify.recipients import RecipientResolver

LADDER_ROLES = ("assignee", "oncall", "csm", "manager", "channel")

UPGRADE_STEPS = ("submitted", "in_review", "quote_contract", "done")
# Stage names people and code use for each upgrade step.
_UPGRADE_ALIASES = {
    "new": 0, "submitted": 0, "received": 0, "requested": 0,
    "in_review": 1, "review": 1, "reviewing": 1, "investigating": 1,
    "quote": 2, "contract": 2, "quote_contract": 2, "quoted": 2, "quote_sent": 2,
    "done": 3, "resolved": 3, "closed": 3, "completed": 3,
}  # fmt: skip
# Events a customer sees on their ticket; internal notes and bookkeeping stay with staff.
CUSTOMER_EVENTS = {
    "opened", "message", "acknowledged", "waiting_on_customer", "resumed", "resolved",
    "reopened", "priority_changed", "stage_changed", "assigned",
}  # fmt: skip
_PRIORITY_PREFIX = re.compile(r"^(?:P[1-4]\s*[:：-]\s*)+", re.IGNORECASE)


def due_text(when: dt.datetime, tz: str, *, now: dt.datetime | None = None) -> str:
    """The API's ``due_local``: 'Wed 18 Nov, 14:00 CST' in the given zone."""
    return dates.due_text(when, tz, now=now)


@dataclass(frozen=True)
class ClockView:
    name: str
    state: str  # running | paused | met | breached | none
    due_at: dt.datetime | None
    stopped_at: dt.datetime | None
    left: float | None  # seconds to the due time while the clock runs (negative: overdue)
    fraction: float  # of the target elapsed, 0..1.2, for a bar
    target_seconds: int | None = None
    basis: str = "business"  # the target's calendar: "business" or "24x7"
    # While paused: when it would fall due if the customer replied now (the SLA keeper's).
    projected_due_at: dt.datetime | None = None


def clock_view(clock: ClockRecord, *, now: dt.datetime) -> ClockView:
    due_at = aware(clock.due_at) if clock.due_at else None
    if clock.stopped_at is not None:
        late = due_at is not None and aware(clock.stopped_at) > due_at
        state = "breached" if clock.breached or late else "met"
    elif clock.paused:
        # A paused clock has a target even though it has no due time while paused.
        state = "paused"
    elif due_at is None:
        state = "none"
    elif clock.breached or due_at <= now:
        state = "breached"
    else:
        state = "running"
    left: float | None = None
    fraction = 0.0
    if due_at is not None and clock.stopped_at is None and not clock.paused:
        left = (due_at - now).total_seconds()
        total = (due_at - aware(clock.started_at)).total_seconds()
        fraction = 1.0 if total <= 0 else max(0.0, min(1.2, 1 - left / total))
    return ClockView(
        name=clock.name,
        state=state,
        due_at=due_at,
        stopped_at=aware(clock.stopped_at) if clock.stopped_at else None,
        left=left,
        fraction=fraction,
        target_seconds=clock.target_seconds,
        basis="24x7" if clock.calendar == "24x7" else "business",
        projected_due_at=_parse((clock.state or {}).get("projected_due_at"))
        if state == "paused"
        else None,
    )


def next_clock(ticket: Ticket, *, now: dt.datetime) -> ClockView | None:
    """The running clock that falls due first (overdue ones included): what "next due" shows."""
    views = [clock_view(c, now=now) for c in ticket.clocks]
    running = [v for v in views if v.left is not None]
    return min(running, key=lambda v: v.left or 0.0, default=None)


def breach_at(ticket: Ticket) -> dt.datetime | None:
    """The earliest due time of a running clock: what the queue sorts by."""
    times = [
        aware(c.due_at)
        for c in ticket.clocks
        if c.due_at is not None and c.stopped_at is None and not c.paused
    ]
    return min(times) if times else None


def queue_order(tickets: list[Ticket]) -> list[Ticket]:
    """Soonest breach first; tickets without a running clock after, newest first."""
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(tickets, key=lambda t: (breach_at(t) or far, -t.id))


def reason_text(ticket: Ticket, lang: str = "en") -> str:
    """The priority reason without a leading 'P4:' (the page shows the priority beside it),
    in ``lang`` where it is triage's own wording."""
    return reason_in(_PRIORITY_PREFIX.sub("", ticket.priority_reason or "").strip(), lang)


@dataclass(frozen=True)
class Step:
    name: str
    state: str  # done | current | todo


def upgrade_steps(ticket: Ticket) -> list[Step]:
    at = _UPGRADE_ALIASES.get(ticket.stage.lower().replace(" ", "_").replace("/", "_"), 0)
    if ticket.status in ("resolved", "closed"):
        at = 3
    return [
        Step(name, "done" if i < at or (i == at == 3) else "current" if i == at else "todo")
        for i, name in enumerate(UPGRADE_STEPS)
    ]


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    kind: str
    actor_kind: str
    actor: str | None
    body: str
    data: dict[str, Any] = field(default_factory=dict)


def customer_history(events: list[TicketEvent]) -> list[TimelineItem]:
    return [_item(e) for e in events if e.kind in CUSTOMER_EVENTS]


def staff_timeline(events: list[TicketEvent], escalations: list[Escalation]) -> list[TimelineItem]:
    """Every event once. An escalation is the scheduler's ``escalated`` event; the escalation
    records only stand in for steps fired before those events were written."""
    items = [_item(e) for e in events]
    logged = {
        (e.data.get("escalation_clock") or e.data.get("clock"), e.data.get("level"))
        for e in events
        if e.kind == "escalated"
    }
    for esc in escalations:
        if (esc.clock, esc.level) in logged:
            continue
        items.append(
            TimelineItem(
                at=esc.fired_at, kind="escalated", actor_kind="system", actor="deskbot", body="",
                data={"clock": esc.clock.split("#")[0], "fraction": esc.fraction,
                      "late": esc.late, "recipients": list(esc.recipients)},
            )
        )  # fmt: skip
    return sorted(items, key=lambda i: aware(i.at))


def _item(event: TicketEvent) -> TimelineItem:
    # The scheduler's escalated events carry a long notification text as body: the page shows
    # the step from its data instead.
    body = "" if event.kind == "escalated" else event.body
    return TimelineItem(event.at, event.kind, event.actor_kind, event.actor, body, event.data)


@dataclass(frozen=True)
class PlanStep:
    percent: int
    at: dt.datetime
    recipients: tuple[str, ...]
    fired: bool
    skipped: bool
    level: int = 0


@dataclass(frozen=True)
class ClockPlan:
    """What the SLA keeper recorded about a clock: pauses and planned escalations."""

    pauses: list[tuple[dt.datetime, dt.datetime | None]]  # start, end (None: still paused)
    steps: list[PlanStep]


def clock_plan(clock: ClockRecord) -> ClockPlan:
    state = clock.state or {}
    pauses = []
    for pause in state.get("pauses") or []:
        start, end = [*pause, None, None][:2] if isinstance(pause, list) else (None, None)
        if start and (begun := _parse(start)) is not None:
            pauses.append((begun, _parse(end) if end else None))
    steps = []
    for step in state.get("steps") or []:
        if isinstance(step, dict) and (at := _parse(step.get("fire_at"))) is not None:
            steps.append(
                PlanStep(
                    percent=round(float(step.get("fraction", 0)) * 100),
                    at=at,
                    recipients=tuple(str(r) for r in step.get("recipients") or []),
                    fired=bool(step.get("fired")),
                    skipped=bool(step.get("skipped")),
                    level=int(step.get("level") or 0),
                )
            )
    return ClockPlan(pauses=pauses, steps=steps)


def _parse(iso: object) -> dt.datetime | None:
    try:
        return aware(dt.datetime.fromisoformat(str(iso)))
    except (TypeError, ValueError):
        return None


def recipient_names(
    config: OrgConfig, targets: list[str] | tuple[str, ...], t: Callable[..., str]
) -> list[tuple[str, str]]:
    """(name, id) for escalation recipients and ladder roles: a person's name, "escalation
    channel" for the organisation's channel, an account's internal channel by its account."""
    out = []
    for target in targets:
        person = config.person(target)
        if person is not None:
            out.append((person.name, target))
        elif target == config.organisation.escalation_channel:
            out.append((t("escalation_channel"), target))
        elif (account := _internal_channel_of(config, target)) is not None:
            out.append((t("internal_channel", account=account), target))
        elif target in LADDER_ROLES:
            out.append((t("role_" + target), target))
        else:
            out.append((target, target))
    return out


def _internal_channel_of(config: OrgConfig, channel: str) -> str | None:
    return next((a.name for a in config.accounts if a.internal_channel == channel), None)


def ladder_names(
    config: OrgConfig,
    resolver: RecipientResolver,
    ticket: Ticket,
    step: PlanStep,
    told: list[str] | None,
    t: Callable[..., str],
) -> list[tuple[str, str]]:
    """(label, id) for a ladder step's recipients. A step that fired names whom it told
    (``told``, from the escalation record); one still to come names each role as the person
    who fills it when the step fires ("Chen Hao (on-call engineer)"); a role nobody fills keeps
    its name."""
    if told is not None:
        return recipient_names(config, told, t)
    out = []
    at = step.at
    for target in step.recipients:
        if target not in LADDER_ROLES or target == "channel":
            out += recipient_names(config, [target], t)
            continue
        found = resolver.resolve([target], ticket, now=at)
        role = t("role_" + target)
        if not found:
            out.append((role, target))
            continue
        (name, person), *_ = recipient_names(config, [found[0].target], t)
        out.append((t("person_in_role", name=name, role=role), person))
    return out
