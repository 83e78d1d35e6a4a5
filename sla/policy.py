"""SLA policies: (tier, priority) -> first-response and resolution targets.

``DEFAULT_POLICY`` is the table of DESIGN.md ("Default SLA policy"). Plans and accounts override
it with plain data, e.g. from YAML::

    {"P1": {"first_response": "15m 24x7", "resolution": "4h 24x7"}, "P4": {"resolution": "none"}}

A missing key (or a ``None`` value) keeps the current target; ``"none"`` removes the target.
Values are target specs (see :mod:`sla.durations`) or :class:`~sla.durations.Target` objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from sla.durations import Target, parse_target

Tier = Literal["free", "basic", "pro", "enterprise"]
Priority = Literal["P1", "P2", "P3", "P4"]
ClockName = Literal["first_response", "resolution"]
TIERS: tuple[Tier, ...] = ("free", "basic", "pro", "enterprise")
PRIORITIES: tuple[Priority, ...] = ("P1", "P2", "P3", "P4")
CLOCK_NAMES: tuple[ClockName, ...] = ("first_response", "resolution")


@dataclass(frozen=True)
class Targets:
    """The two targets of one (tier, priority); ``None`` means no target."""

    first_response: Target | None
    resolution: Target | None

    def get(self, clock: ClockName) -> Target | None:
        return self.first_response if clock == "first_response" else self.resolution


def check_tier(tier: str) -> Tier:
    """``tier`` as a Tier, or ValueError naming the allowed values."""
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}: use one of {', '.join(TIERS)}")
    return cast(Tier, tier)


def check_priority(priority: str) -> Priority:
    """``priority`` as a Priority (``p1`` is accepted), or ValueError."""
    value = str(priority).strip().upper()
    if value not in PRIORITIES:
        raise ValueError(f"unknown priority {priority!r}: use one of {', '.join(PRIORITIES)}")
    return cast(Priority, value)


@dataclass(frozen=True)
class Policy:
    """Targets for every (tier, priority); immutable, so overriding returns a new policy."""

    table: Mapping[tuple[Tier, Priority], Targets] = field(default_factory=dict)

    def targets(self, tier: str, priority: str) -> Targets:
        """The targets for a ticket of this tier and priority (ValueError if unknown)."""
        key = (check_tier(tier), check_priority(priority))
        return self.table.get(key, Targets(None, None))

    def with_overrides(self, tier: str, overrides: Any) -> Policy:
        """See :func:`override_policy`."""
        return override_policy(self, tier, overrides)


def _h(hours: float, calendar: Literal["business", "24x7"] = "business") -> Target:
    return Target(dt.timedelta(hours=hours), calendar)


def _row(
    fr_p1: Target | None, fr: Target | None, res_p1: Target | None, res: Target | None
) -> dict[Priority, Targets]:
    return {p: Targets(fr_p1, res_p1) if p == "P1" else Targets(fr, res) for p in PRIORITIES}


_DEFAULT_ROWS: dict[Tier, dict[Priority, Targets]] = {
    "free": _row(_h(24), _h(24), None, None),
    "basic": _row(_h(4), _h(8), _h(24), _h(48)),
    "pro": _row(_h(0.5, "24x7"), _h(4), _h(24, "24x7"), _h(24)),
    "enterprise": _row(_h(0.5, "24x7"), _h(1, "24x7"), _h(8, "24x7"), _h(8, "24x7")),
}

DEFAULT_POLICY = Policy(
    {(tier, p): targets for tier, row in _DEFAULT_ROWS.items() for p, targets in row.items()}
)


def uniform_policy(first_response: Target | None, resolution: Target | None = None) -> Policy:
    """The same targets for every tier and priority (e.g. commercial requests, which the
    account team answers whatever the plan)."""
    targets = Targets(first_response, resolution)
    return Policy({(tier, p): targets for tier in TIERS for p in PRIORITIES})


def _field(entry: Any, name: str) -> Any:
    if isinstance(entry, Mapping):
        unknown = set(entry) - {"first_response", "resolution"}
        if unknown:
            raise ValueError(
                f"unknown target key {sorted(unknown)[0]!r}: use first_response, resolution"
            )
        return entry.get(name)
    return getattr(entry, name, None)


def _target(value: Any, where: str, *, current: Target | None) -> Target | None:
    if isinstance(value, Target):
        return value
    # A spec that names no calendar ("15 minutes") keeps the basis of the target it replaces:
    # an enterprise P1 contract clock must not move from 24x7 to business hours silently.
    basis = current.calendar if current is not None else "business"
    try:
        return parse_target(str(value), default_calendar=basis)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


def override_policy(policy: Policy, tier: str, overrides: Any) -> Policy:
    """A new policy with ``overrides`` applied to ``tier``.

    ``overrides`` maps priority -> entry, where an entry is a mapping or an object (a dataclass,
    a pydantic model) with optional ``first_response`` / ``resolution`` fields holding target
    specs. ``None``/missing keeps the current target, ``"none"`` removes it. A spec without a
    calendar word ("15m") is measured on the calendar of the target it replaces (business when
    there was none). Raises ValueError naming the bad priority, key or spec.
    """
    checked_tier = check_tier(tier)
    if overrides is None:
        return policy
    items = overrides.items() if isinstance(overrides, Mapping) else dict(overrides).items()
    table = dict(policy.table)
    for raw_priority, entry in items:
        priority = check_priority(raw_priority)
        current = policy.targets(checked_tier, priority)
        values: dict[str, Target | None] = {}
        for name in CLOCK_NAMES:
            value = _field(entry, name)
            where = f"{tier}.{priority}.{name}"
            old = current.get(name)
            values[name] = old if value is None else _target(value, where, current=old)
        table[(checked_tier, priority)] = Targets(values["first_response"], values["resolution"])
    return Policy(table)
