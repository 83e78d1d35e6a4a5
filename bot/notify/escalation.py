"""The outbox items one escalation step produces, per transport.

- ``slack``: one per person with a Slack user, and one for the escalation channel. The payload
  is the ``escalation`` kind documented in :mod:`bot.slack.notifier` (the card is rendered at
  delivery time from the ticket) plus ``recipient``, the role it is for.
- ``webhook``: one per ``notifications.webhooks`` target subscribed to ``escalation``.
- ``pagerduty``: one when ``notifications.pagerduty`` is set and the step's level is at least
  ``min_level``; the target is the ``dedup_key`` (one incident per ticket and clock).
- ``log``: always one, so every escalation is visible even with no transport configured.

Every payload carries the same facts (JSON-safe, times ISO 8601 in UTC)::

    {"kind": "escalation", "ticket": "SUP-1042", "account": "acme-games",
     "account_name": "Acme Games", "tier": "enterprise", "priority": "P1", "subject": "...",
     "clock": "resolution", "escalation_clock": "resolution#1", "level": 1, "fraction": 0.8,
     "fire_at": ..., "due_at": ..., "late": false, "recipients": ["csm-wang", "eng-chen"],
     "text": "<one-line summary>"}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.config import OrgConfig
from bot.notify.recipients import Recipient
from bot.store.notifications import Delivery
from bot.store.records import Ticket
from sla import ClockState, DueStep, format_target

CLOCK_LABELS = {"first_response": "first response", "resolution": "resolution"}


@dataclass(frozen=True)
class StepFacts:
    """One due step of one clock of one ticket, with who it is for."""

    ticket: Ticket
    clock: ClockState
    escalation_clock: str
    step: DueStep
    recipients: tuple[Recipient, ...]
    late: bool


def pagerduty_dedup_key(ticket_key: str, clock: str) -> str:
    return f"deskbot:{ticket_key}:{clock}"


def summary(facts: StepFacts, *, account_name: str, tier: str) -> str:
    """One line for logs, webhooks and pages."""
    clock = facts.clock
    label = CLOCK_LABELS.get(clock.name, clock.name)
    target = format_target(clock.target) if clock.target else "no target"
    share = round(facts.step.fraction * 100)
    head = "SLA breached" if facts.step.is_breach else f"SLA {share}% elapsed"
    due = clock.due_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if clock.due_at else "?"
    who = ", ".join(r.target for r in facts.recipients) or "nobody"
    late = " (sent late)" if facts.late else ""
    return (
        f"{head}: {facts.ticket.key} {facts.ticket.priority} {label} ({target}) for "
        f"{account_name} ({tier}), due {due}; notifying {who}{late}"
    )


def base_payload(facts: StepFacts, config: OrgConfig) -> dict[str, Any]:
    account = config.account(facts.ticket.account_id)
    name = account.name if account else facts.ticket.account_id
    tier = account.tier if account else "free"
    due = facts.clock.due_at
    return {
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
        "text": summary(facts, account_name=name, tier=tier),
    }


def step_deliveries(
    facts: StepFacts, *, config: OrgConfig, slack: bool, payload: dict[str, Any] | None = None
) -> list[Delivery]:
    """Every outbox item for one step (see the module docstring); ``payload`` is
    :func:`base_payload` when the caller has it already."""
    payload = payload if payload is not None else base_payload(facts, config)
    out: list[Delivery] = []
    if slack:
        out.extend(_slack(facts.recipients, payload))
    for hook in config.notifications.webhooks:
        if "escalation" in hook.events:
            out.append(Delivery("webhook", hook.url, payload))
    pagerduty = config.notifications.pagerduty
    if pagerduty is not None and facts.step.level >= pagerduty.min_level:
        key = pagerduty_dedup_key(facts.ticket.key, facts.escalation_clock)
        out.append(Delivery("pagerduty", key, {**payload, "dedup_key": key}))
    out.append(Delivery("log", "escalations", payload))
    return out


def _slack(recipients: Sequence[Recipient], payload: dict[str, Any]) -> list[Delivery]:
    out = []
    for recipient in recipients:
        target = recipient.slack_target
        if target:
            out.append(Delivery("slack", target, {**payload, "recipient": recipient.role}))
    return out
