"""Block Kit for staff: the ticket card (new tickets, after a button) and escalation pings.

Both carry the engineers' buttons; their ``value`` is the ticket key, so a click works from a
DM, the internal channel or the escalation channel alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.config import OrgConfig
from bot.names import TicketNames, is_slack_user
from bot.slack.blocks import Block, due_phrase
from bot.store.records import Ticket

ENGINEER_ACTIONS: dict[str, str] = {
    "deskbot_ack": "Acknowledge",
    "deskbot_take": "Take it",
    "deskbot_wait": "Waiting on customer",
    "deskbot_resolve": "Resolve",
}
CLOCK_NAMES = {"first_response": "first response", "resolution": "resolution"}
_FIELD_LABELS = (
    ("sdk", "SDK"),
    ("sdk_version", "Version"),
    ("platform", "Platform"),
    ("os_version", "OS"),
    ("device", "Device"),
    ("impact", "Impact"),
)
_TEXT_FIELDS = (("repro_steps", "Steps"), ("expected", "Expected"), ("actual", "Actual"))


def duration_phrase(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


def engineer_buttons(ticket: Ticket) -> Block | None:
    """The buttons that still make sense for the ticket's state."""
    if not ticket.is_open:
        return None
    wanted = []
    if ticket.first_response_at is None:
        wanted.append("deskbot_ack")
    if ticket.assignee_id is None or ticket.first_response_at is not None:
        wanted.append("deskbot_take")
    if ticket.status != "waiting_on_customer":
        wanted.append("deskbot_wait")
    wanted.append("deskbot_resolve")
    elements: list[Block] = []
    for action_id in wanted:
        button: Block = {
            "type": "button",
            "text": {"type": "plain_text", "text": ENGINEER_ACTIONS[action_id]},
            "action_id": action_id,
            "value": ticket.key,
        }
        if action_id == "deskbot_ack":
            button["style"] = "primary"
        elements.append(button)
    return {"type": "actions", "block_id": f"deskbot_staff:{ticket.key}", "elements": elements}


def ticket_card(
    ticket: Ticket,
    *,
    config: OrgConfig,
    now: dt.datetime,
    headline: str = "New ticket",
    permalink: str | None = None,
    note: str | None = None,
    desk_url: str | None = None,
) -> tuple[str, list[Block]]:
    account = config.account(ticket.account_id)
    name = account.name if account else ticket.account_id
    tier = account.tier if account else "?"
    title = f"{headline}: {ticket.key} · {ticket.priority} · {name}"
    blocks: list[Block] = [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*{_esc(title)}*\n{_esc(ticket.subject)}\n"
                f"Reported by {_reporter(ticket, config)}",
            },
        },
        {"type": "section", "fields": _facts(ticket, config=config, tier=tier, now=now)},
    ]
    details = [
        f"*{label}:* {_esc(str(ticket.fields[key]))[:600]}"
        for key, label in _TEXT_FIELDS
        if ticket.fields.get(key)
    ]
    if details:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(details)}})
    context = []
    if ticket.priority_reason:
        context.append(f"Priority: {_esc(ticket.priority_reason)}")
    context.extend(_links(ticket, permalink=permalink, desk_url=desk_url))
    if note:
        context.append(note)
    if context:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(context)}]}
        )
    actions = engineer_buttons(ticket)
    if actions is not None:
        blocks.append(actions)
    return title, blocks


def escalation_card(
    ticket: Ticket,
    payload: dict[str, Any],
    *,
    config: OrgConfig,
    now: dt.datetime,
    permalink: str | None = None,
    desk_url: str | None = None,
) -> tuple[str, list[Block]]:
    """An SLA ping: account, tier, priority, clock, time left or how late, thread, buttons."""
    account = config.account(ticket.account_id)
    clock_name = str(payload.get("clock") or "first_response")
    clock = ticket.clock(clock_name)
    due = _parse_time(payload.get("due_at")) or (clock.due_at if clock else None)
    label = CLOCK_NAMES.get(clock_name, clock_name)
    if due is None:
        when = "no due time"
    elif due > now:
        when = f"{duration_phrase((due - now).total_seconds())} left"
    else:
        when = f"breached {duration_phrase((now - due).total_seconds())} ago"
    fraction = payload.get("fraction")
    icon = ":rotating_light:" if due is not None and due <= now else ":warning:"
    share = f" ({int(float(fraction) * 100)}% elapsed)" if fraction is not None else ""
    title = f"{ticket.key} {ticket.priority} · {label} clock{share} · {when}"
    name = account.name if account else ticket.account_id
    tier = account.tier if account else "?"
    lines = [f"{icon} *{_esc(title)}*", f"{_esc(name)} ({tier}) — {_esc(ticket.subject)}"]
    if payload.get("late"):
        lines.append("_Sent late: this warning fell due while deskbot was down._")
    fields = [
        _field("Account", f"{name} ({tier})"),
        _field("Priority", ticket.priority),
        _field("Clock", label),
        _field(
            "Due",
            _due_text(due, config, account_tz=account.timezone if account else "UTC", now=now),
        ),
        _field("Assignee", _person_name(config, ticket.assignee_id) or "unassigned"),
        _field("Status", f"{ticket.status} / {ticket.stage}"),
    ]
    blocks: list[Block] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}},
        {"type": "section", "fields": fields},
    ]
    links = _links(ticket, permalink=permalink, desk_url=desk_url)
    if links:
        text = " · ".join(links)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": text}]})
    actions = engineer_buttons(ticket)
    if actions is not None:
        blocks.append(actions)
    return f"{title} — {name} ({tier})", blocks


def _links(ticket: Ticket, *, permalink: str | None, desk_url: str | None) -> list[str]:
    out = []
    if permalink:
        out.append(f"<{permalink}|Open the customer's thread>")
    if desk_url:
        out.append(f"<{desk_url}|{ticket.key} in deskbot>")
    return out


def _facts(ticket: Ticket, *, config: OrgConfig, tier: str, now: dt.datetime) -> list[Block]:
    account = config.account(ticket.account_id)
    tz = account.timezone if account else "UTC"
    facts = [
        _field("Priority", ticket.priority),
        _field("Tier", tier),
        _field("Kind", ticket.kind),
        _field("Status", f"{ticket.status} / {ticket.stage}"),
        _field("Assignee", _person_name(config, ticket.assignee_id) or "unassigned"),
    ]
    first = ticket.clock("first_response")
    if first is not None and first.due_at is not None and first.stopped_at is None:
        facts.append(
            _field("First response due", _due_text(first.due_at, config, account_tz=tz, now=now))
        )
    for key, label in _FIELD_LABELS:
        if ticket.fields.get(key) and len(facts) < 10:
            facts.append(_field(label, str(ticket.fields[key])[:200]))
    return facts


def _due_text(
    due: dt.datetime | None, config: OrgConfig, *, account_tz: str, now: dt.datetime
) -> str:
    if due is None:
        return "—"
    utc = due.astimezone(dt.UTC).strftime("%H:%M UTC")
    return f"{due_phrase(due, account_tz, now=now)} customer time ({utc})"


def _person_name(config: OrgConfig, person_id: str | None) -> str | None:
    if person_id is None:
        return None
    person = config.person(person_id)
    return person.name if person else person_id


def _reporter(ticket: Ticket, config: OrgConfig) -> str:
    """The requester in mrkdwn: a Slack user as a mention (Slack shows their name), anyone
    else by name (see ``bot.names``)."""
    if ticket.channel == "slack" and is_slack_user(ticket.requester):
        return f"<@{ticket.requester}>"
    return _esc(TicketNames(config, ticket).requester)


def _field(label: str, value: str) -> Block:
    return {"type": "mrkdwn", "text": f"*{label}*\n{_esc(value)}"}


def _parse_time(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and value:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return None


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
