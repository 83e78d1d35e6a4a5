"""Support numbers over a period, as plain data for the CLI, the dashboard and Prometheus."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Durations:
    """Response or resolution times of a group of tickets, in seconds."""

    count: int = 0
    median: float | None = None
    p90: float | None = None


@dataclass(frozen=True)
class Attainment:
    """SLA outcome of one clock over a group: met, breached, and still running."""

    met: int = 0
    breached: int = 0
    running: int = 0

    @property
    def rate(self) -> float | None:
        """Share of decided clocks that were met (None with nothing decided)."""
        decided = self.met + self.breached
        return None if decided == 0 else self.met / decided


@dataclass(frozen=True)
class Deflection:
    """What happened after the bot answered a question.

    An answer is *deflected* when the user marked it solved, or when no ticket followed in
    that conversation within 24 hours. Answers younger than 24 hours with neither are
    *pending* and left out of the rate. Hand-offs (the docs did not answer) count against it.
    """

    answers: int = 0
    solved: int = 0
    no_ticket: int = 0
    followed_by_ticket: int = 0
    pending: int = 0
    handoffs: int = 0

    @property
    def deflected(self) -> int:
        return self.solved + self.no_ticket

    @property
    def rate(self) -> float | None:
        asked = self.deflected + self.followed_by_ticket + self.handoffs
        return None if asked == 0 else self.deflected / asked


@dataclass(frozen=True)
class Csat:
    """Customer satisfaction: ratings (1–5) given in the period after a ticket was resolved.
    *Satisfied* is a 4 or a 5, the usual CSAT score."""

    ratings: int = 0
    total: int = 0  # sum of the scores
    satisfied: int = 0
    requested: int = 0  # rating requests sent in the period

    @property
    def average(self) -> float | None:
        return None if self.ratings == 0 else self.total / self.ratings

    @property
    def rate(self) -> float | None:
        """Share of ratings that were a 4 or a 5."""
        return None if self.ratings == 0 else self.satisfied / self.ratings


@dataclass(frozen=True)
class Stats:
    since: dt.datetime
    until: dt.datetime
    tickets: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_priority: dict[str, int] = field(default_factory=dict)
    by_account: dict[str, int] = field(default_factory=dict)
    open_by_priority: dict[str, int] = field(default_factory=dict)  # now, not in the period
    first_response: dict[str, Durations] = field(default_factory=dict)  # by tier, + "all"
    resolution: dict[str, Durations] = field(default_factory=dict)  # by tier, + "all"
    # clock name -> group ("tier:pro", "priority:P1", "all") -> attainment
    sla: dict[str, dict[str, Attainment]] = field(default_factory=dict)
    escalations: dict[str, int] = field(default_factory=dict)  # "total", "late", "level:N"
    deflection: Deflection = field(default_factory=Deflection)
    top_gaps: list[tuple[str, int]] = field(default_factory=list)
    csat: Csat = field(default_factory=Csat)

    def as_json(self) -> dict[str, object]:
        """A JSON-ready dict, with the derived rates spelled out."""
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "tickets": self.tickets,
            "by_kind": self.by_kind,
            "by_priority": self.by_priority,
            "by_account": self.by_account,
            "open_by_priority": self.open_by_priority,
            "first_response_seconds": {k: vars(v) for k, v in self.first_response.items()},
            "resolution_seconds": {k: vars(v) for k, v in self.resolution.items()},
            "sla": {
                clock: {g: {**vars(a), "rate": a.rate} for g, a in groups.items()}
                for clock, groups in self.sla.items()
            },
            "escalations": self.escalations,
            "deflection": {
                **vars(self.deflection),
                "deflected": self.deflection.deflected,
                "rate": self.deflection.rate,
            },
            "top_gaps": [{"question": q, "count": n} for q, n in self.top_gaps],
            "csat": {
                **vars(self.csat),
                "average": self.csat.average,
                "rate": self.csat.rate,
            },
        }
