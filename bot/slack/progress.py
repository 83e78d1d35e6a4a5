"""How a ticket stands, as the customer reads it, in English or Chinese: who has it, what
happened last, what is due next and when (in the account's time zone, the pages' format).

Used for the status line on the ticket's message in the customer's thread, ``/support status``,
and App Home (the notices the customer gets are written by :mod:`bot.notify.texts`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.config import OrgConfig
from bot.dates import when_text, zone_text
from bot.slack.blocks import Block, without_buttons
from bot.store.records import ClockRecord, Ticket

_CLOCK = {
    "first_response": {"en": "a first response", "zh": "首次响应"},
    "resolution": {"en": "a resolution", "zh": "解决"},
}


def account_zone(config: OrgConfig, ticket: Ticket) -> str:
    account = config.account(ticket.account_id)
    return account.timezone if account is not None else "UTC"


def staff_name(config: OrgConfig, person_id: str | None) -> str | None:
    if person_id is None:
        return None
    person = config.person(person_id)
    return person.name if person is not None else None


def next_due(ticket: Ticket) -> ClockRecord | None:
    """The running clock that falls due first."""
    running = [
        c for c in ticket.clocks if c.due_at is not None and c.stopped_at is None and not c.paused
    ]
    return min(running, key=lambda c: c.due_at) if running else None  # type: ignore[arg-type, return-value]


def when(at: dt.datetime, tz: str, lang: str, *, now: dt.datetime) -> str:
    """'Wed 18 Nov, 14:00 (America/New_York (EST))'."""
    return f"{when_text(at, tz, lang, now=now)} ({zone_text(tz, now=now)})"


def status_line(
    ticket: Ticket,
    *,
    config: OrgConfig,
    lang: str,
    now: dt.datetime,
    tz: str | None = None,
    oncall: str | None = None,
) -> str:
    """One or two sentences: the stage, who is on it, what comes next and by when."""
    tz = tz or account_zone(config, ticket)
    who = staff_name(config, ticket.assignee_id)
    zh = lang == "zh"
    if not ticket.is_open:
        at = when(ticket.resolved_at, tz, lang, now=now) if ticket.resolved_at else ""
        if zh:
            by = f"（{who}）" if who else ""
            return f"*{ticket.key}* 已解决{by}，{at}。如果问题仍在，直接在这里回复即可重新打开。"
        by = f" by {who}" if who else ""
        return (
            f"*{ticket.key}* was resolved{by} on {at}. Reply here if it is not fixed: it reopens."
        )
    if ticket.status == "waiting_on_customer":
        asker = who or ("支持团队" if zh else "our support team")
        if zh:
            return f"*{ticket.key}* 正在等待您的回复：{asker}需要更多信息，请在这里回复。"
        return (
            f"*{ticket.key}* is waiting for your reply: {asker} needs more from you — reply here."
        )
    clock = next_due(ticket)
    due = ""
    if clock is not None and clock.due_at is not None:
        what = _CLOCK.get(clock.name, {}).get(lang) or clock.name
        late = clock.due_at <= now
        at = when(clock.due_at, tz, lang, now=now)
        if zh:
            due = f"{what}已超时（承诺 {at}）。" if late else f"{what}预计在 {at} 之前。"
        else:
            due = (
                f" We are late on {what}, promised by {at}."
                if late
                else (f" Next: {what} by {at}.")
            )
    if who:
        return (
            f"*{ticket.key}* 处理中：{who}正在跟进。{due}"
            if zh
            else (f"*{ticket.key}* is in progress: {who} is on it.{due}")
        )
    if zh:
        on = f"值班工程师{oncall}会跟进。" if oncall else "工程师会尽快跟进。"
        return f"*{ticket.key}* 已收到，{on}{due}"
    on = (
        f" {oncall}, our on-call engineer, will pick it up."
        if oncall
        else (" An engineer will pick it up.")
    )
    return f"*{ticket.key}* is open.{on}{due}"


STATUS_BLOCK = "deskbot_ticket_status"


def customer_copy(
    payload: dict[str, Any],
    ticket: Ticket,
    *,
    config: OrgConfig,
    now: dt.datetime,
    lang: str,
    oncall: str | None,
) -> tuple[str, list[Block]]:
    """The ticket's message in the customer's thread (``payload`` as it was posted) with its
    status line brought up to date; the conversation's own words above it stay as they were."""
    blocks = [b for b in payload.get("blocks") or [] if b.get("block_id") != STATUS_BLOCK]
    line = status_line(ticket, config=config, lang=lang, now=now, oncall=oncall)
    status: Block = {
        "type": "context", "block_id": STATUS_BLOCK,
        "elements": [{"type": "mrkdwn", "text": line}],
    }  # fmt: skip
    live = [b for b in blocks if b.get("type") == "actions"]
    if not ticket.is_open:
        live = []  # its buttons belonged to the open ticket
    return str(payload.get("text") or ticket.key), [*without_buttons(blocks), status, *live]
