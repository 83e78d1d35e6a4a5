"""What one SLA scan fires for one ticket: its due steps, a backlog folded into one ping, and
the outbox items of each step.

When several steps of a ticket are due at once (a backlog after downtime, or a seed), only the
highest step reached notifies anyone, marked late; the lower ones are recorded (so they never
fire later) and audited as folded into it. A ticket never sends a burst of stale warnings.

Who hears a step is the audience's call (:meth:`bot.notify.audience.Audience.step_deliveries`):

- each person of the step by Slack DM when Slack runs and they have a Slack user, else by
  e-mail when e-mail runs and they have an address; the escalation channel by Slack;
- ``webhook``: one per ``notifications.webhooks`` target subscribed to ``escalation``;
- ``pagerduty``: one when ``notifications.pagerduty`` is set and the step's level is at least
  ``min_level``; the target is the ``dedup_key`` (one incident per ticket and clock);
- ``log``: always one, so every escalation is visible even with no transport configured;
- ``customer``: on a breach, the ticket's customer is told the promised time passed, on the
  ticket's own channel (written, and checked to be still true, when it is delivered).

Every payload carries the same facts (JSON-safe, times ISO 8601 in UTC)::

    {"kind": "escalation", "ticket": "SUP-1042", "account": "acme-games",
     "account_name": "Acme Games", "tier": "enterprise", "priority": "P1", "subject": "...",
     "clock": "resolution", "escalation_clock": "resolution#1", "level": 1, "fraction": 0.8,
     "fire_at": ..., "due_at": ..., "late": false, "recipients": ["csm-wang", "eng-chen"],
     "reached": {"csm-wang": "email", "eng-chen": "slack"},   # how each was told (or null)
     "text": "<one-line summary>"}

plus ``"collapsed": n`` on a ping that stands for ``n`` earlier steps, and ``recipient`` (the
role) on a Slack item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from bot.config import OrgConfig
from bot.notify.recipients import Recipient
from bot.store.notifications import Delivery, EscalationStep
from bot.store.records import Ticket
from bot.store.sla_batch import Firing
from bot.store.tickets import EventSpec
from sla import ClockState, DueStep, format_target

CLOCK_LABELS = {"first_response": "first response", "resolution": "resolution"}
# A step is late when it fires more than this after its time. The scheduler's one-shot wake-up
# runs a scan at the step's time, so an on-time step fires within a second or two of it (the
# tick's jitter on a busy machine); anything beyond means no pass was watching — deskbot was
# down, the lease was changing hands, or the scans come from cron once a minute — and the
# ping says so. (It was 60 s: a step missed for 59 s passed as on time.)
LATE_AFTER = dt.timedelta(seconds=5)
_AUDIT_KEYS = ("clock", "escalation_clock", "level", "fraction", "fire_at", "due_at", "late",
               "recipients", "reached")  # fmt: skip


@dataclass(frozen=True)
class StepFacts:
    """One due step of one clock of one ticket, with who it is for."""

    ticket: Ticket
    clock: ClockState
    escalation_clock: str
    step: DueStep
    recipients: tuple[Recipient, ...]
    late: bool


class StepAudience(Protocol):
    """Who hears a step, and how (:class:`bot.notify.audience.Audience` is one)."""

    def reach(self, recipient: Recipient) -> str | None:
        """The transport that reaches ``recipient`` (``slack``, ``email``), or None."""
        ...

    def step_deliveries(self, facts: StepFacts, payload: dict[str, Any]) -> list[Delivery]: ...


def pagerduty_dedup_key(ticket_key: str, clock: str) -> str:
    return f"deskbot:{ticket_key}:{clock}"


def summary(
    facts: StepFacts,
    *,
    account_name: str,
    tier: str,
    reached: Mapping[str, str | None] | None = None,
) -> str:
    """One line for logs, webhooks, pages and the ticket's history; with ``reached``, it says
    how each person was told, and who could not be (nothing marked sent that was not)."""
    clock = facts.clock
    label = CLOCK_LABELS.get(clock.name, clock.name)
    target = format_target(clock.target) if clock.target else "no target"
    share = round(facts.step.fraction * 100)
    head = "SLA breached" if facts.step.is_breach else f"SLA {share}% elapsed"
    due = clock.due_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if clock.due_at else "?"
    late = " (sent late)" if facts.late else ""
    return (
        f"{head}: {facts.ticket.key} {facts.ticket.priority} {label} ({target}) for "
        f"{account_name} ({tier}), due {due}; {_who(facts, reached)}{late}"
    )


def _who(facts: StepFacts, reached: Mapping[str, str | None] | None) -> str:
    names = [r.target for r in facts.recipients]
    if not names:
        return "notifying nobody"
    if reached is None:
        return "notifying " + ", ".join(names)
    told = [f"{n} ({reached[n]})" for n in names if reached.get(n)]
    missed = [n for n in names if not reached.get(n)]
    parts = ["notifying " + ", ".join(told)] if told else []
    if missed:
        parts.append(("not reachable (log only): " if told else "nobody reachable, logged for ")
                     + ", ".join(missed))  # fmt: skip
    return "; ".join(parts)


def base_payload(
    facts: StepFacts, config: OrgConfig, *, reached: Mapping[str, str | None] | None = None
) -> dict[str, Any]:
    account = config.account(facts.ticket.account_id)
    name = account.name if account else facts.ticket.account_id
    tier = account.tier if account else "free"
    due = facts.clock.due_at
    payload: dict[str, Any] = {
        "kind": "escalation",
        "ticket": facts.ticket.key,
        "account": facts.ticket.account_id,
        "account_name": name,
        "tier": tier,
        "priority": facts.ticket.priority,
        "subject": facts.ticket.subject,
        "clock": facts.clock.name,
        "escalation_clock": facts.escalation_clock,
        "level": facts.step.level,
        "fraction": facts.step.fraction,
        "fire_at": facts.step.fire_at.astimezone(dt.UTC).isoformat(),
        "due_at": due.astimezone(dt.UTC).isoformat() if due else None,
        "late": facts.late,
        "recipients": [r.target for r in facts.recipients],
        "reached": dict(reached) if reached is not None else None,
        "text": summary(facts, account_name=name, tier=tier, reached=reached),
    }
    return payload


def common_deliveries(
    facts: StepFacts, payload: dict[str, Any], config: OrgConfig
) -> list[Delivery]:
    """The items every step makes whoever hears it: webhooks, PagerDuty, the log."""
    out: list[Delivery] = []
    for hook in config.notifications.webhooks:
        if "escalation" in hook.events:
            out.append(Delivery("webhook", hook.url, payload))
    pagerduty = config.notifications.pagerduty
    if pagerduty is not None and facts.step.level >= pagerduty.min_level:
        key = pagerduty_dedup_key(facts.ticket.key, facts.escalation_clock)
        out.append(Delivery("pagerduty", key, {**payload, "dedup_key": key}))
    out.append(Delivery("log", "escalations", payload))
    return out


def plan_firings(
    steps: Sequence[StepFacts],
    *,
    now: dt.datetime,
    config: OrgConfig,
    audience: StepAudience | None,
) -> list[Firing]:
    """The firings of one ticket's due ``steps``: the highest one reached notifies (marked
    late when it stands for others), the rest are recorded as folded into it. Without an
    audience (a dry run) nobody is routed: the items are the webhooks, pages and log line."""
    if not steps:
        return []
    top = max(steps, key=_severity)
    folded = [s for s in steps if s is not top]
    late = top.late or bool(folded)
    out = [_firing(replace(top, late=late), now, config, audience, folded=len(folded))]
    out.extend(_folded(facts, top, now, config) for facts in folded)
    return sorted(out, key=lambda f: (f.step.due_at, f.step.clock, f.step.level))


def _firing(
    facts: StepFacts,
    now: dt.datetime,
    config: OrgConfig,
    audience: StepAudience | None,
    *,
    folded: int = 0,
) -> Firing:
    step = facts.step
    reached = (
        {r.target: audience.reach(r) for r in facts.recipients} if audience is not None else None
    )
    payload = base_payload(facts, config, reached=reached)
    if folded:
        payload["collapsed"] = folded
        payload["text"] += f" ({folded} earlier step{'s' if folded > 1 else ''} folded in)"
    record = EscalationStep(
        ticket_id=facts.ticket.id,
        clock=facts.escalation_clock,
        level=step.level,
        fraction=step.fraction,
        due_at=step.fire_at,
        recipients=[r.target for r in facts.recipients],
    )
    audit = EventSpec(
        "escalated", now, "system", "deskbot", body=payload["text"],
        data={k: payload[k] for k in _AUDIT_KEYS},
    )  # fmt: skip
    if audience is not None:
        deliveries = audience.step_deliveries(facts, payload)
    else:
        deliveries = common_deliveries(facts, payload, config)
    return Firing(record, tuple(deliveries), facts.late, audit)


def _folded(facts: StepFacts, top: StepFacts, now: dt.datetime, config: OrgConfig) -> Firing:
    """A lower step of a backlog: recorded (so it never fires later) and audited, with no
    notification — the ticket's one ping is ``top``'s."""
    step = facts.step
    payload = base_payload(replace(facts, recipients=()), config)
    label = CLOCK_LABELS.get(top.clock.name, top.clock.name)
    payload["text"] += f"; folded into the {label} {round(top.step.fraction * 100)}% ping"
    record = EscalationStep(
        ticket_id=facts.ticket.id, clock=facts.escalation_clock, level=step.level,
        fraction=step.fraction, due_at=step.fire_at, recipients=[],
    )  # fmt: skip
    audit = EventSpec(
        "escalated", now, "system", "deskbot", body=payload["text"],
        data={**{k: payload[k] for k in _AUDIT_KEYS},
              "folded_into": f"{top.escalation_clock}:{top.step.level}"},
    )  # fmt: skip
    return Firing(record, (), True, audit)


def _severity(facts: StepFacts) -> tuple[float, bool, dt.datetime]:
    """Which of a ticket's due steps is its one ping: the highest share of a target reached;
    between equals, the first response (the customer waits for it), then the later step."""
    return (facts.step.fraction, facts.clock.name == "first_response", facts.step.fire_at)
