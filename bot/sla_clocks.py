"""The SLA clock keeper: a ticket's event history in, its stored clock records out.

The ``sla`` library replays the events; this module maps our store's event kinds onto the
library's, picks the account's calendar, policy and ladder from the organisation file, and
records for each clock the ladder's next step that has not fired yet, so the scheduler can find
due work with one indexed query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from functools import lru_cache

from bot.config import Account, OrgConfig
from bot.sla_setup import account_calendar, account_policy, commercial_sla, ladder_for
from bot.store.records import ClockRecord, Ticket, TicketEvent
from sla import ClockState, DueStep, Event, Ladder, TicketClocks, clock_steps, compute_clocks
from sla.calendar import Calendar
from sla.policy import Policy

FiredKeys = Callable[[int], set[tuple[str, int]]]
# Tickets for the account team, on the commercial clock and ladder (``commercial:`` config).
COMMERCIAL_KINDS = ("upgrade", "commercial")
# A ticket made by ``deskbot demo seed`` carries the moment of the seed in this field: ladder
# steps due before it belong to a past nobody lived through and never notify anyone.
SEEDED_FIELD = "seeded_at"


def seeded_until(ticket: Ticket) -> dt.datetime | None:
    """When the demo seed that made ``ticket`` ran (None for real tickets)."""
    raw = ticket.fields.get(SEEDED_FIELD)
    try:
        when = dt.datetime.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None
    return when if when is None or when.tzinfo else when.replace(tzinfo=dt.UTC)


def escalation_clock(state: ClockState) -> str:
    """The clock's name in escalation records: a reopened resolution clock is a new cycle."""
    cycle = len(state.restarts)
    return state.name if cycle == 0 else f"{state.name}#{cycle}"


def sla_events(events: Sequence[TicketEvent]) -> list[Event]:
    """Our history as the library's clock events (other kinds do not move clocks)."""
    out: list[Event] = []
    for e in events:
        if e.kind == "opened":
            out.append(Event("opened", e.at, priority=e.data.get("priority")))
        elif e.kind == "message" and e.actor_kind in ("agent", "customer", "bot", "system"):
            out.append(Event("reply", e.at, author=e.actor_kind))
        elif e.kind == "acknowledged" and e.actor_kind == "agent":
            out.append(Event("acknowledged", e.at, author="agent"))
        elif e.kind in ("waiting_on_customer", "resolved", "reopened"):
            out.append(Event(e.kind, e.at))
        elif e.kind == "priority_changed" and e.data.get("to"):
            out.append(Event("priority_changed", e.at, priority=e.data["to"]))
    return out


@dataclass(frozen=True)
class AccountSla:
    """What the clocks of one account run on."""

    tier: str
    calendar: Calendar
    policy: Policy
    ladder: Ladder
    commercial_policy: Policy
    commercial_ladder: Ladder

    def for_kind(self, kind: str) -> tuple[Policy, Ladder]:
        if kind in COMMERCIAL_KINDS:
            return self.commercial_policy, self.commercial_ladder
        return self.policy, self.ladder


class SlaClockKeeper:
    """Implements ``bot.desk.ClockKeeper`` with the organisation's policies."""

    def __init__(self, config: OrgConfig, *, fired_keys: FiredKeys | None = None) -> None:
        self.config = config
        self.fired_keys = fired_keys or (lambda _ticket_id: set())
        self._for_account = lru_cache(maxsize=256)(self._build)

    def account_sla(self, account_id: str) -> AccountSla:
        return self._for_account(account_id)

    def _build(self, account_id: str) -> AccountSla:
        account = self.config.account(account_id) or Account(
            id=account_id, name=account_id, tier="free"
        )
        policy, ladder = commercial_sla(self.config)
        return AccountSla(
            tier=account.tier,
            calendar=account_calendar(self.config, account),
            policy=account_policy(self.config, account),
            ladder=ladder_for(self.config, account.tier),
            commercial_policy=policy,
            commercial_ladder=ladder,
        )

    def state(
        self, ticket: Ticket, events: Sequence[TicketEvent], *, now: dt.datetime
    ) -> TicketClocks:
        """Both clocks of ``ticket`` at ``now`` (for explain, dashboards and the scanner)."""
        sla = self.account_sla(ticket.account_id)
        return compute_clocks(
            sla_events(events),
            tier=sla.tier,
            business=sla.calendar,
            now=now,
            policy=sla.for_kind(ticket.kind)[0],
            priority=ticket.priority,
        )

    def steps(self, state: ClockState, ticket: Ticket) -> list[DueStep]:
        return clock_steps(state, self.account_sla(ticket.account_id).for_kind(ticket.kind)[1])

    @staticmethod
    def skipped(ticket: Ticket, step: DueStep) -> bool:
        """A step of seeded demo history: due before the seed, so it is never fired."""
        until = seeded_until(ticket)
        return until is not None and step.fire_at <= until

    def clocks(self, ticket: Ticket, events: Sequence[TicketEvent]) -> Sequence[ClockRecord]:
        if not events:
            return ()
        return self.derive(ticket, events, self.fired_keys(ticket.id))

    def derive(
        self,
        ticket: Ticket,
        events: Sequence[TicketEvent],
        fired: Set[tuple[str, int]],
        *,
        at: dt.datetime | None = None,
        clocks: TicketClocks | None = None,
    ) -> list[ClockRecord]:
        """The stored clocks of ``ticket`` given the steps already fired, evaluated ``at`` its
        latest event (default: the latest of ``events``). No database access: the SLA scan
        passes what it loaded for a whole batch, and ``clocks`` when it has replayed the
        history at that instant already."""
        if not events:
            return []
        at = at if at is not None else max(e.at for e in events)
        states = clocks if clocks is not None else self.state(ticket, events, now=at)
        return [self.record(ticket, state, fired) for state in states.clocks]

    def record(self, ticket: Ticket, state: ClockState, fired: Set[tuple[str, int]]) -> ClockRecord:
        """The stored form of one clock, with the earliest ladder step not fired yet."""
        name = escalation_clock(state)
        steps = self.steps(state, ticket)
        pending = [s for s in steps if (name, s.level) not in fired and not self.skipped(ticket, s)]
        target = state.target
        return ClockRecord(
            name=state.name,
            calendar=state.calendar.name if target and target.calendar == "business" else "24x7",
            started_at=state.started_at,
            target_seconds=int(target.duration.total_seconds()) if target else None,
            due_at=state.due_at,
            stopped_at=state.stopped_at,
            paused=state.paused,
            # A fired breach step is a breach even at the exact due instant.
            breached=state.breached or any(s.is_breach and (name, s.level) in fired for s in steps),
            cycle=len(state.restarts),
            next_escalation_at=pending[0].fire_at if pending else None,
            state={
                "priority": state.priority,
                "target": _target_text(state),
                "escalation_clock": name,
                "pauses": [
                    [p.start.isoformat(), p.end.isoformat() if p.end else None]
                    for p in state.pauses
                ],
                "restarts": [r.isoformat() for r in state.restarts],
                "stop_reason": state.stop_reason,
                "projected_due_at": state.projected_due_at.isoformat()
                if state.projected_due_at
                else None,
                "steps": [
                    {
                        "level": s.level,
                        "fraction": s.fraction,
                        "fire_at": s.fire_at.isoformat(),
                        "recipients": list(s.recipients),
                        "fired": (name, s.level) in fired,
                        "skipped": self.skipped(ticket, s),
                    }
                    for s in steps
                ],
            },
        )


def _target_text(state: ClockState) -> str | None:
    from sla import format_target

    return format_target(state.target) if state.target else None
