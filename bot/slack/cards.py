"""Block Kit for staff: the ticket card and escalation pings, always rendered from the ticket
as it is now (so a ping delivered after a retry, or a card re-rendered after a click, says
what is true), with the buttons that still make sense.

Buttons carry the ticket key as their ``value``, so a click works from a DM, the internal
channel or the escalation channel alike. Texts never contradict themselves: a clock that has
breached is "breached … ago" whatever step the ping was for; a met or paused clock says so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from bot.config import OrgConfig
from bot.names import TicketNames, is_slack_user
from bot.slack.blocks import Block, due_phrase, escape
from bot.slack.history import CardFacts, slack_time
from bot.store.records import ClockRecord, Ticket

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
_DATE = re.compile(r"<!date\^[^|>]*\|([^>]*)>")
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
    """The buttons that still make sense: Acknowledge until someone did, Take it while nobody
    has it, Waiting on customer unless it is, Resolve while open."""
    if not ticket.is_open:
        return None
    wanted = []
    if ticket.first_response_at is None:
        wanted.append("deskbot_ack")
    if ticket.assignee_id is None:
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


def status_phrase(ticket: Ticket) -> str:
    """'open · investigating', 'waiting on the customer', 'resolved'."""
    if ticket.status == "waiting_on_customer":
        return "waiting on the customer"
    if not ticket.is_open:
        return ticket.status
    return f"{ticket.status} · {ticket.stage}"


def ticket_card(
    ticket: Ticket,
    *,
    config: OrgConfig,
    now: dt.datetime,
    headline: str = "New ticket",
    permalink: str | None = None,
    note: str | None = None,
    desk_url: str | None = None,
    facts: CardFacts | None = None,
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
                "text": f"*{escape(title)}*\n{escape(ticket.subject)}\n"
                f"Reported by {_reporter(ticket, config)}",
            },
        },
        {"type": "section", "fields": _facts(ticket, config=config, tier=tier, now=now)},
    ]
    details = [
        f"*{label}:* {escape(str(ticket.fields[key]))[:600]}"
        for key, label in _TEXT_FIELDS
        if ticket.fields.get(key)
    ]
    if details:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(details)}})
    context = []
    if ticket.priority_reason:
        context.append(f"Priority: {escape(ticket.priority_reason)}")
    context.extend(_links(ticket, permalink=permalink, desk_url=desk_url))
    if note:
        context.append(note)
    if context:
        blocks.append(_context(" · ".join(context)))
    if facts is not None and facts.last:
        blocks.append(_context(f"Last: {facts.last}", block_id="deskbot_last"))
    actions = engineer_buttons(ticket)
    if actions is not None:
        blocks.append(actions)
    return _plain(f"{title} — {ticket.subject}"), blocks


def clock_phrase(
    ticket: Ticket,
    clock_name: str,
    *,
    now: dt.datetime,
    due: dt.datetime | None = None,
    fraction: float | None = None,
    facts: CardFacts | None = None,
) -> tuple[str, bool]:
    """What a clock is doing now, in words that cannot contradict each other, and whether it
    is an alarm (breached and still running)."""
    label = CLOCK_NAMES.get(clock_name, clock_name)
    clock = ticket.clock(clock_name)
    if not ticket.is_open:
        return f"{label} · ticket {ticket.status}", False
    if clock is not None and clock.stopped_at is not None:
        done = facts.acknowledged if facts is not None and clock_name == "first_response" else None
        by = f" by {done.who}" if done is not None else ""
        verb = "missed, answered" if clock.breached else "met"
        return f"{label} {verb}{by} at {slack_time(clock.stopped_at)}", False
    if clock is not None and clock.paused:
        return f"{label} clock paused: waiting on the customer", False
    due = (clock.due_at if clock is not None else None) or due
    if due is None:
        return f"{label} · no due time", False
    if due <= now:
        return f"{label} breached {duration_phrase((now - due).total_seconds())} ago", True
    step = f" · {round(fraction * 100)}% warning" if fraction is not None and fraction < 1 else ""
    return f"{label} due in {duration_phrase((due - now).total_seconds())}{step}", False


def escalation_card(
    ticket: Ticket,
    payload: dict[str, Any],
    *,
    config: OrgConfig,
    now: dt.datetime,
    permalink: str | None = None,
    desk_url: str | None = None,
    facts: CardFacts | None = None,
    mentions: Sequence[str] = (),
) -> tuple[str, list[Block]]:
    """An SLA ping posted on its own: account, tier, priority, the clock as it is now, the
    thread, the people it is for and the buttons that still make sense."""
    account = config.account(ticket.account_id)
    clock_name = str(payload.get("clock") or "first_response")
    label = CLOCK_NAMES.get(clock_name, clock_name)
    due = _parse_time(payload.get("due_at"))
    clock = ticket.clock(clock_name)
    phrase, alarm = clock_phrase(
        ticket, clock_name, now=now, due=due, fraction=_fraction(payload), facts=facts
    )
    icon = (
        ":rotating_light:"
        if alarm
        else (":warning:" if ticket.is_open else ":ballot_box_with_check:")
    )
    title = f"{ticket.key} {ticket.priority} · {phrase}"
    name = account.name if account else ticket.account_id
    tier = account.tier if account else "?"
    lines = [f"{icon} *{_esc_title(title)}*", f"{escape(name)} ({tier}) — {escape(ticket.subject)}"]
    if mentions:
        lines.insert(0, " ".join(f"<@{user}>" for user in mentions))
    late = _late_line(payload)
    if late:
        lines.append(late)
    shown_due = (clock.due_at if clock is not None else None) or due
    fields = [
        _field("Account", f"{name} ({tier})"),
        _field("Priority", ticket.priority),
        _field("Clock", label),
        _field(
            "Due",
            _due_text(shown_due, account_tz=account.timezone if account else "UTC", now=now),
        ),
        _field("Assignee", _person_name(config, ticket.assignee_id) or "unassigned"),
        _field("Status", status_phrase(ticket)),
    ]
    blocks: list[Block] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}},
        {"type": "section", "fields": fields},
    ]
    links = _links(ticket, permalink=permalink, desk_url=desk_url)
    if links:
        blocks.append(_context(" · ".join(links)))
    if facts is not None and facts.last:
        blocks.append(_context(f"Last: {facts.last}", block_id="deskbot_last"))
    actions = engineer_buttons(ticket)
    if actions is not None:
        blocks.append(actions)
    return _plain(f"{title} — {name} ({tier})"), blocks


def ping_reply(
    ticket: Ticket,
    payload: dict[str, Any],
    *,
    config: OrgConfig,
    now: dt.datetime,
    facts: CardFacts | None = None,
    mentions: Sequence[str] = (),
) -> tuple[str, list[Block]]:
    """A later ping, threaded under the ticket's card: who it is for and the clock now. The
    card above it carries the facts and the buttons."""
    clock_name = str(payload.get("clock") or "first_response")
    phrase, alarm = clock_phrase(
        ticket, clock_name, now=now, due=_parse_time(payload.get("due_at")),
        fraction=_fraction(payload), facts=facts,
    )  # fmt: skip
    icon = (
        ":rotating_light:"
        if alarm
        else (":warning:" if ticket.is_open else ":ballot_box_with_check:")
    )
    who = " ".join(f"<@{user}>" for user in mentions)
    assignee = _person_name(config, ticket.assignee_id) or "unassigned"
    text = f"{icon} {who + ' ' if who else ''}*{ticket.key}* {ticket.priority} · {phrase}"
    body = f"{text}\nAssignee: {escape(assignee)} · {status_phrase(ticket)}"
    late = _late_line(payload)
    if late:
        body += f"\n{late}"
    blocks: list[Block] = [{"type": "section", "text": {"type": "mrkdwn", "text": body}}]
    return _plain(f"{ticket.key} {ticket.priority} · {phrase}"), blocks


def _late_line(payload: dict[str, Any]) -> str | None:
    if not payload.get("late"):
        return None
    folded = int(payload.get("collapsed") or 0)
    more = (
        f" ({folded} earlier step{'s' if folded != 1 else ''} folded into this one)"
        if folded
        else ""
    )
    return f"_Sent late: this fell due while deskbot was not running{more}._"


def _fraction(payload: dict[str, Any]) -> float | None:
    value = payload.get("fraction")
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


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
        _field("Status", status_phrase(ticket)),
        _field("Assignee", _person_name(config, ticket.assignee_id) or "unassigned"),
    ]
    clock = next_running(ticket)
    if clock is not None and clock.due_at is not None:
        label = CLOCK_NAMES.get(clock.name, clock.name).capitalize()
        facts.append(_field(f"{label} due", _due_text(clock.due_at, account_tz=tz, now=now)))
    for key, label in _FIELD_LABELS:
        if ticket.fields.get(key) and len(facts) < 10:
            facts.append(_field(label, str(ticket.fields[key])[:200]))
    return facts


def next_running(ticket: Ticket) -> ClockRecord | None:
    """The running clock that falls due first (none while resolved or waiting)."""
    running = [
        c for c in ticket.clocks if c.due_at is not None and c.stopped_at is None and not c.paused
    ]
    return min(running, key=lambda c: c.due_at) if running else None  # type: ignore[arg-type, return-value]


def _due_text(due: dt.datetime | None, *, account_tz: str, now: dt.datetime) -> str:
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
    return escape(TicketNames(config, ticket).requester)


def _field(label: str, value: str) -> Block:
    return {"type": "mrkdwn", "text": f"*{label}*\n{escape(value)}"}


def _context(text: str, *, block_id: str | None = None) -> Block:
    block: Block = {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:3000]}]}
    if block_id:
        block["block_id"] = block_id
    return block


def _parse_time(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and value:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return None


def _plain(text: str) -> str:
    """Notification text: shown as it is in the notification, so no markup (a date token
    becomes its plain fallback)."""
    return _DATE.sub(lambda m: m.group(1), text).replace("*", "").strip()[:300]


def _esc_title(text: str) -> str:
    """Escape a title that may hold our own ``<!date^…>`` tokens: only the rest."""
    parts = text.split("<!date^")
    head = escape(parts[0])
    return head + "".join("<!date^" + p.split(">", 1)[0] + ">" + escape(p.split(">", 1)[1])
                          for p in parts[1:])  # fmt: skip
