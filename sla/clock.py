"""SLA clocks, derived purely from a ticket's event history.

Feed :func:`compute_clocks` the ticket's events (any order; sorted stably by time) and ``now``;
events after ``now`` are ignored, so the same call answers "what did the clocks say at t?".

Event kinds (``Event.kind``) and what they do:

=====================  ==========================================================================
``opened``             starts both clocks; carries ``priority``
``reply``              ``author`` is ``agent`` | ``customer`` | ``bot`` | ``system``.
                       An ``agent`` reply stops the first-response clock. A ``customer`` reply
                       resumes a paused resolution clock. ``bot``/``system`` never count.
``acknowledged``       a human acknowledge (author defaults to ``agent``; ``bot`` is ignored):
                       stops the first-response clock
``waiting_on_customer`` pauses the resolution clock
``resolved``           stops the resolution clock (closing any pause), and the first-response
                       clock if it still runs: a closed ticket must not escalate
``reopened``           restarts the resolution clock from this instant with a full target
                       (the first-response clock does not restart: it is answered once)
``priority_changed``   carries ``priority``; running clocks take the new target measured from
                       their original start (stopped clocks keep theirs)
=====================  ==========================================================================

Shorthands are accepted and normalised: ``agent_reply``, ``customer_reply``, ``bot_reply``.

While the resolution clock is paused ``due_at`` is ``None`` (a scheduler must not fire);
``projected_due_at`` tells when it would fall due if the customer replied at ``now``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from sla.calendar import UTC, ZERO, AlwaysOpen, Calendar, require_aware
from sla.durations import Target
from sla.policy import DEFAULT_POLICY, ClockName, Policy, Priority, check_priority, check_tier

AuthorKind = Literal["agent", "customer", "bot", "system"]
EventKind = Literal[
    "opened",
    "reply",
    "acknowledged",
    "waiting_on_customer",
    "resolved",
    "reopened",
    "priority_changed",
]
EVENT_KINDS: tuple[str, ...] = (
    "opened",
    "reply",
    "acknowledged",
    "waiting_on_customer",
    "resolved",
    "reopened",
    "priority_changed",
)
AUTHOR_KINDS: tuple[str, ...] = ("agent", "customer", "bot", "system")
_SHORTHANDS = {"agent_reply": "agent", "customer_reply": "customer", "bot_reply": "bot"}


@dataclass(frozen=True)
class Event:
    """One thing that happened to a ticket, as far as its clocks care."""

    kind: str
    at: dt.datetime
    author: str | None = None
    priority: str | None = None

    def __post_init__(self) -> None:
        require_aware(self.at, f"event {self.kind!r} time")
        if self.kind in _SHORTHANDS:
            object.__setattr__(self, "author", _SHORTHANDS[self.kind])
            object.__setattr__(self, "kind", "reply")
        if self.kind not in EVENT_KINDS:
            raise ValueError(
                f"unknown event kind {self.kind!r}: use one of {', '.join(EVENT_KINDS)}"
            )
        if self.kind == "acknowledged" and self.author is None:
            object.__setattr__(self, "author", "agent")
        if self.kind == "reply" and self.author not in AUTHOR_KINDS:
            raise ValueError(
                f"a reply needs author one of {', '.join(AUTHOR_KINDS)}, got {self.author!r}"
            )
        if self.kind == "priority_changed" and self.priority is None:
            raise ValueError("a priority_changed event needs the new priority")
        if self.priority is not None:
            object.__setattr__(self, "priority", check_priority(self.priority))


@dataclass(frozen=True)
class Pause:
    """The resolution clock stood still from ``start`` to ``end`` (``None``: still paused)."""

    start: dt.datetime
    end: dt.datetime | None


@dataclass(frozen=True)
class ClockState:
    """One clock at ``now``. Working time is measured on ``calendar``; see the module doc."""

    name: ClockName
    priority: Priority
    target: Target | None
    calendar: Calendar
    started_at: dt.datetime
    stopped_at: dt.datetime | None
    stop_reason: str | None
    pauses: tuple[Pause, ...]
    restarts: tuple[dt.datetime, ...]
    now: dt.datetime
    due_at: dt.datetime | None = field(init=False)
    projected_due_at: dt.datetime | None = field(init=False)
    elapsed: dt.timedelta = field(init=False)
    remaining: dt.timedelta | None = field(init=False)
    breached: bool = field(init=False)
    met: bool = field(init=False)

    def __post_init__(self) -> None:
        end = self.stopped_at if self.stopped_at is not None else self.now
        elapsed = self.calendar.elapsed(self.started_at, end)
        for pause in self.pauses:
            pause_end = end if pause.end is None else min(pause.end, end)
            elapsed -= self.calendar.elapsed(pause.start, pause_end)
        due = self.reached_at(self.target.duration) if self.target else None
        projected = due
        if self.target is not None and self.paused:
            projected = self.reached_at(self.target.duration, resume_at=self.now)
        breached = due is not None and _utc(end) > _utc(due)
        object.__setattr__(self, "elapsed", elapsed)
        object.__setattr__(self, "due_at", None if self.paused else due)
        object.__setattr__(self, "projected_due_at", projected)
        object.__setattr__(
            self,
            "remaining",
            None if self.target is None else max(ZERO, self.target.duration - elapsed),
        )
        object.__setattr__(self, "breached", breached)
        object.__setattr__(
            self, "met", self.stopped_at is not None and self.target is not None and not breached
        )

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].end is None and self.stopped_at is None

    @property
    def running(self) -> bool:
        """Started, not stopped and not paused: the only state in which anything falls due."""
        return self.stopped_at is None and not self.paused

    def reached_at(
        self, working: dt.timedelta, *, resume_at: dt.datetime | None = None
    ) -> dt.datetime | None:
        """The instant at which this clock's elapsed working time reaches ``working``.

        Pauses are skipped. ``None`` if the clock is paused before reaching it (unless
        ``resume_at`` says when to assume it resumes). The answer ignores a stop: for a
        stopped clock it is the instant it *would* have reached ``working``.
        """
        cursor, remaining = self.started_at, working
        for pause in self.pauses:
            before = self.calendar.elapsed(cursor, pause.start)
            if remaining <= before:
                break
            remaining -= before
            if pause.end is None:
                if resume_at is None:
                    return None
                cursor = max(resume_at, pause.start, key=_utc)
            else:
                cursor = pause.end
        return self.calendar.add(cursor, remaining).astimezone(self.started_at.tzinfo)


@dataclass(frozen=True)
class TicketClocks:
    """Both clocks of one ticket at ``now``."""

    opened_at: dt.datetime
    priority: Priority
    first_response: ClockState
    resolution: ClockState

    @property
    def clocks(self) -> tuple[ClockState, ClockState]:
        return (self.first_response, self.resolution)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(UTC)


@dataclass
class _Draft:
    priority: Priority
    started_at: dt.datetime
    stopped_at: dt.datetime | None = None
    stop_reason: str | None = None
    pauses: list[Pause] = field(default_factory=list)
    restarts: list[dt.datetime] = field(default_factory=list)

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].end is None

    def stop(self, at: dt.datetime, reason: str) -> None:
        if self.stopped_at is None:
            if self.paused:
                self.pauses[-1] = Pause(self.pauses[-1].start, at)
            self.stopped_at, self.stop_reason = at, reason


def compute_clocks(
    events: Iterable[Event],
    *,
    tier: str,
    business: Calendar,
    now: dt.datetime,
    policy: Policy = DEFAULT_POLICY,
    always_open: Calendar | None = None,
    priority: str | None = None,
) -> TicketClocks:
    """Replay ``events`` up to ``now`` and return both clocks.

    ``business`` is the account's business calendar (used by targets of kind ``business``);
    ``always_open`` serves ``24x7`` targets (default :class:`AlwaysOpen`). ``priority`` is used
    when the ``opened`` event carries none. Raises ValueError when no ``opened`` event happened
    by ``now`` or an event is malformed.
    """
    require_aware(now, "now")
    tier = check_tier(tier)
    wall = always_open if always_open is not None else AlwaysOpen()
    history = sorted((e for e in events if _utc(e.at) <= _utc(now)), key=lambda e: _utc(e.at))
    opened = next((e for e in history if e.kind == "opened"), None)
    if opened is None:
        raise ValueError("the ticket has no 'opened' event at or before now")
    raw = opened.priority or priority
    if raw is None:
        raise ValueError("the 'opened' event needs a priority (or pass priority=)")
    current = check_priority(raw)
    first = _Draft(current, opened.at)
    resolution = _Draft(current, opened.at)
    for event in history[history.index(opened) + 1 :]:
        human = event.author == "agent"
        if event.kind in {"reply", "acknowledged"} and human:
            first.stop(event.at, "acknowledged" if event.kind == "acknowledged" else "agent_reply")
        elif event.kind == "reply" and event.author == "customer":
            if resolution.stopped_at is None and resolution.paused:
                resolution.pauses[-1] = Pause(resolution.pauses[-1].start, event.at)
        elif event.kind == "waiting_on_customer":
            if resolution.stopped_at is None and not resolution.paused:
                resolution.pauses.append(Pause(event.at, None))
        elif event.kind == "resolved":
            resolution.stop(event.at, "resolved")
            first.stop(event.at, "resolved")
        elif event.kind == "reopened" and resolution.stopped_at is not None:
            restarts = [*resolution.restarts, event.at]
            resolution = _Draft(current, event.at, restarts=restarts)
        elif event.kind == "priority_changed" and event.priority is not None:
            current = check_priority(event.priority)
            for draft in (first, resolution):
                if draft.stopped_at is None:
                    draft.priority = current

    def state(name: ClockName, draft: _Draft) -> ClockState:
        target = policy.targets(tier, draft.priority).get(name)
        calendar = business if target is None or target.calendar == "business" else wall
        return ClockState(
            name=name,
            priority=draft.priority,
            target=target,
            calendar=calendar,
            started_at=draft.started_at,
            stopped_at=draft.stopped_at,
            stop_reason=draft.stop_reason,
            pauses=tuple(draft.pauses),
            restarts=tuple(draft.restarts),
            now=now,
        )

    return TicketClocks(
        opened_at=opened.at,
        priority=current,
        first_response=state("first_response", first),
        resolution=state("resolution", resolution),
    )


def clocks_due(
    *,
    tier: str,
    priority: str,
    opened: dt.datetime,
    business: Calendar,
    policy: Policy = DEFAULT_POLICY,
    always_open: Calendar | None = None,
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(first-response due, resolution due) of a ticket opened at ``opened``, in its offset.

    The fast path for ``deskbot sla due`` and bulk computation: no event replay.
    """
    require_aware(opened, "opened")
    targets = policy.targets(tier, priority)
    wall = always_open if always_open is not None else AlwaysOpen()
    out: list[dt.datetime | None] = []
    for target in (targets.first_response, targets.resolution):
        if target is None:
            out.append(None)
        else:
            calendar = business if target.calendar == "business" else wall
            out.append(calendar.add(opened, target.duration))
    return out[0], out[1]
