"""Escalation ladders: who hears about a ticket, and when, as its clocks run down.

A ladder is a list of steps, each a fraction of a clock's target and the roles to notify.
Recipients are role names; the application turns them into people:

- ``assignee``: the ticket's assignee, or the on-call engineer if nobody is assigned
- ``oncall``: the on-call engineer (see :mod:`sla.rotation`)
- ``csm``: the account's customer success manager
- ``manager``: the support manager
- ``channel``: the escalation channel

Step *level* is the 0-based index in the ladder; a step's ``key`` is ``f"{clock}:{level}"``
(e.g. ``"resolution:2"``), stable across restarts, so the application can record each step
once per ticket (unique on ticket + key).

A step of a clock falls due at the instant the clock's elapsed working time reaches
``fraction × target`` (pauses skipped). Only *running* clocks have due or upcoming steps:
stopped clocks never escalate and paused clocks wait until they resume.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sla.calendar import UTC, require_aware
from sla.clock import ClockState, TicketClocks
from sla.policy import ClockName

RECIPIENTS: tuple[str, ...] = ("assignee", "oncall", "csm", "manager", "channel")


@dataclass(frozen=True)
class LadderStep:
    """Notify ``recipients`` when ``fraction`` of a target has elapsed (1.0 = breach)."""

    fraction: float
    recipients: tuple[str, ...]

    def __post_init__(self) -> None:
        if not 0 < self.fraction <= 10:
            raise ValueError(f"a ladder step is a fraction of the target > 0, got {self.fraction}")
        unknown = [r for r in self.recipients if r not in RECIPIENTS]
        if unknown or not self.recipients:
            raise ValueError(
                f"ladder recipients must be some of {', '.join(RECIPIENTS)}, "
                f"got {list(self.recipients)}"
            )


@dataclass(frozen=True)
class Ladder:
    """Steps in increasing order of fraction."""

    steps: tuple[LadderStep, ...]

    def __post_init__(self) -> None:
        fractions = [s.fraction for s in self.steps]
        if fractions != sorted(fractions) or len(set(fractions)) != len(fractions):
            raise ValueError(f"ladder fractions must increase strictly, got {fractions}")


DEFAULT_LADDER = Ladder(
    (
        LadderStep(0.5, ("assignee",)),
        LadderStep(0.8, ("csm", "oncall")),
        LadderStep(1.0, ("csm", "manager", "channel")),
    )
)


def ladder_from_data(steps: Iterable[Any] | None) -> Ladder:
    """A ladder from plain data: items with ``at`` (or ``fraction``) and ``notify`` (or
    ``recipients``), as mappings or objects, e.g. ``[{"at": 0.5, "notify": ["assignee"]}]``.
    ``None`` gives :data:`DEFAULT_LADDER`. Steps are sorted by fraction.
    """
    if steps is None:
        return DEFAULT_LADDER
    out = []
    for item in steps:
        if isinstance(item, LadderStep):
            out.append(item)
            continue
        get = item.get if isinstance(item, Mapping) else lambda k, i=item: getattr(i, k, None)
        fraction = get("at") if get("at") is not None else get("fraction")
        recipients = get("notify") if get("notify") is not None else get("recipients")
        if fraction is None or recipients is None:
            raise ValueError("each ladder step needs 'at' (a fraction) and 'notify' (roles)")
        if isinstance(recipients, str):
            recipients = [recipients]
        out.append(LadderStep(float(fraction), tuple(str(r) for r in recipients)))
    return Ladder(tuple(sorted(out, key=lambda s: s.fraction)))


@dataclass(frozen=True)
class DueStep:
    """One step of one clock; ``fire_at`` is in the offset of the clock's start."""

    clock: ClockName
    level: int
    fraction: float
    fire_at: dt.datetime
    recipients: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.clock}:{self.level}"

    @property
    def is_breach(self) -> bool:
        return self.fraction >= 1.0

    def is_late(self, now: dt.datetime, grace: dt.timedelta = dt.timedelta(minutes=1)) -> bool:
        """True when firing at ``now`` is more than ``grace`` after ``fire_at`` (e.g. the
        service was down): the notification should say it is late."""
        return require_aware(now, "now").astimezone(UTC) - self.fire_at.astimezone(UTC) > grace


@dataclass(frozen=True)
class LadderStatus:
    """Steps due at ``now`` (earliest first; the app skips keys it already recorded) and the
    next step still to come, if any."""

    due: tuple[DueStep, ...]
    next: DueStep | None

    @property
    def next_at(self) -> dt.datetime | None:
        return self.next.fire_at if self.next else None


def clock_steps(clock: ClockState, ladder: Ladder = DEFAULT_LADDER) -> list[DueStep]:
    """Every step of ``ladder`` for a running clock with a target (else none), with fire times."""
    if clock.target is None or not clock.running:
        return []
    out = []
    for level, step in enumerate(ladder.steps):
        fire_at = clock.reached_at(clock.target.duration * step.fraction)
        if fire_at is not None:
            out.append(DueStep(clock.name, level, step.fraction, fire_at, step.recipients))
    return out


def ladder_status(
    clocks: TicketClocks | Iterable[ClockState],
    now: dt.datetime,
    ladder: Ladder = DEFAULT_LADDER,
) -> LadderStatus:
    """Which steps are due at ``now`` (``fire_at <= now``) and which one comes next."""
    require_aware(now, "now")
    states = clocks.clocks if isinstance(clocks, TicketClocks) else tuple(clocks)
    steps = sorted(
        (s for c in states for s in clock_steps(c, ladder)),
        key=lambda s: (s.fire_at.astimezone(UTC), s.clock, s.level),
    )
    instant = now.astimezone(UTC)
    due = tuple(s for s in steps if s.fire_at.astimezone(UTC) <= instant)
    upcoming = next((s for s in steps if s.fire_at.astimezone(UTC) > instant), None)
    return LadderStatus(due=due, next=upcoming)
