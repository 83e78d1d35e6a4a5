"""Ticket facts turned into what the pages show: due times in a zone, clocks, stages, history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.store.records import ClockRecord, Escalation, Ticket, TicketEvent

UPGRADE_STEPS = ("submitted", "in_review", "quote_contract", "done")
# Stage names people and code use for each upgrade step.
_UPGRADE_ALIASES = {
    "new": 0, "submitted": 0, "received": 0,
    "in_review": 1, "review": 1, "reviewing": 1, "investigating": 1,
    "quote": 2, "contract": 2, "quote_contract": 2, "quoted": 2,
    "done": 3, "resolved": 3, "closed": 3, "completed": 3,
}  # fmt: skip
# Events a customer sees on their ticket; internal notes and bookkeeping stay with staff.
CUSTOMER_EVENTS = {
    "opened", "message", "acknowledged", "waiting_on_customer", "resumed", "resolved",
    "reopened", "priority_changed", "stage_changed", "assigned",
}  # fmt: skip


def local(when: dt.datetime, tz: str) -> dt.datetime:
    if when.tzinfo is None:  # SQLite may hand back naive UTC
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(ZoneInfo(tz))


def due_text(when: dt.datetime, tz: str, *, now: dt.datetime | None = None) -> str:
    """'15:30 Mon 23 Nov CST' in the given zone; the date is left out for today."""
    at = local(when, tz)
    today = now is not None and local(now, tz).date() == at.date()
    text = at.strftime("%H:%M %a") if today else at.strftime("%H:%M %a %d %b")
    return f"{text} {at.strftime('%Z')}".strip()


def span_text(seconds: float) -> str:
    """'2d 3h', '4h 05m', '12m' — coarse on purpose."""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m"


@dataclass(frozen=True)
class ClockView:
    name: str
    state: str  # running | paused | met | breached | none
    due: str | None
    due_at: dt.datetime | None
    remaining: str | None  # "3h 10m left" / "overdue by 5m"
    fraction: float  # of the target elapsed, 0..1+, for a bar
    stopped: str | None


def clock_view(clock: ClockRecord, tz: str, *, now: dt.datetime) -> ClockView:
    due_at = clock.due_at
    stopped = due_text(clock.stopped_at, tz, now=now) if clock.stopped_at else None
    if clock.stopped_at is not None:
        late = due_at is not None and _aware(clock.stopped_at) > _aware(due_at)
        state = "breached" if clock.breached or late else "met"
    elif due_at is None:
        state = "none"
    elif clock.paused:
        state = "paused"
    elif clock.breached or _aware(due_at) <= now:
        state = "breached"
    else:
        state = "running"
    remaining = None
    fraction = 0.0
    if due_at is not None and clock.stopped_at is None and not clock.paused:
        left = (_aware(due_at) - now).total_seconds()
        remaining = f"{span_text(left)} left" if left > 0 else f"overdue by {span_text(left)}"
        total = (_aware(due_at) - _aware(clock.started_at)).total_seconds()
        fraction = 1.0 if total <= 0 else max(0.0, min(1.2, 1 - left / total))
    return ClockView(
        name=clock.name,
        state=state,
        due=due_text(due_at, tz, now=now) if due_at else None,
        due_at=due_at,
        remaining=remaining,
        fraction=fraction,
        stopped=stopped,
    )


def breach_at(ticket: Ticket) -> dt.datetime | None:
    """The earliest due time of a running clock: what the queue sorts by."""
    times = [
        _aware(c.due_at)
        for c in ticket.clocks
        if c.due_at is not None and c.stopped_at is None and not c.paused
    ]
    return min(times) if times else None


def queue_order(tickets: list[Ticket]) -> list[Ticket]:
    """Soonest breach first; tickets without a running clock after, newest first."""
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(tickets, key=lambda t: (breach_at(t) or far, -t.id))


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
    detail: str


def customer_history(events: list[TicketEvent]) -> list[TimelineItem]:
    return [_item(e) for e in events if e.kind in CUSTOMER_EVENTS]


def staff_timeline(events: list[TicketEvent], escalations: list[Escalation]) -> list[TimelineItem]:
    items = [_item(e) for e in events]
    for esc in escalations:
        late = " (late)" if esc.late else ""
        items.append(
            TimelineItem(
                at=esc.fired_at,
                kind="escalation",
                actor_kind="system",
                actor="sla",
                body="",
                detail=f"{esc.clock.replace('_', ' ')} at {round(esc.fraction * 100)}%{late} → "
                + ", ".join(esc.recipients),
            )
        )
    return sorted(items, key=lambda i: _aware(i.at))


def _item(event: TicketEvent) -> TimelineItem:
    data = event.data
    detail = ""
    if event.kind == "priority_changed" or event.kind == "stage_changed":
        detail = f"{data.get('from')} → {data.get('to')}"
    elif event.kind == "assigned":
        detail = str(data.get("assignee", ""))
    elif event.kind in ("resumed", "paused") and data.get("reason"):
        detail = str(data["reason"])
    return TimelineItem(event.at, event.kind, event.actor_kind, event.actor, event.body, detail)


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class ClockPlan:
    """What the SLA keeper recorded about a clock: target, pauses, planned escalations."""

    target: str | None
    pauses: list[tuple[str, str | None]]  # local start, local end (None: still paused)
    steps: list[tuple[int, int, str, str, bool]]  # level, percent, when, recipients, fired


def clock_plan(clock: ClockRecord, tz: str, *, now: dt.datetime) -> ClockPlan:
    state = clock.state or {}
    pauses = []
    for pause in state.get("pauses") or []:
        start, end = [*pause, None, None][:2] if isinstance(pause, list) else (None, None)
        if start:
            pauses.append((_when(start, tz, now), _when(end, tz, now) if end else None))
    steps = []
    for step in state.get("steps") or []:
        if isinstance(step, dict) and step.get("fire_at"):
            steps.append(
                (
                    int(step.get("level", 0)),
                    round(float(step.get("fraction", 0)) * 100),
                    _when(step["fire_at"], tz, now),
                    ", ".join(str(r) for r in step.get("recipients") or []),
                    bool(step.get("fired")),
                )
            )
    target = state.get("target")
    return ClockPlan(target=str(target) if target else None, pauses=pauses, steps=steps)


def _when(iso: str, tz: str, now: dt.datetime) -> str:
    try:
        return due_text(dt.datetime.fromisoformat(iso), tz, now=now)
    except (TypeError, ValueError):
        return str(iso)
