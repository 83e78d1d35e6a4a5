"""The structured summary an engineer reads first on the staff ticket page.

Tickets opened from a conversation carry the bug report's fields (``summary``, ``sdk``,
``sdk_version``, ``platform``, ``os_version``, ``device``, ``repro_steps``, ``expected``,
``actual``, ``logs``, ``impact``); older tickets and plain questions have few or none, and then
the customer's first message is the problem statement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.store.records import Ticket, TicketEvent
from bot.triage.numbering import one_per_line

REPORT_FIELDS = ("sdk", "sdk_version", "platform", "os_version", "device", "repro_steps",
                 "expected", "actual", "logs", "impact")  # fmt: skip
MAX_LOG_LINES = 40
MAX_LOG_CHARS = 4000


@dataclass(frozen=True)
class SummaryView:
    problem: str
    facts: list[tuple[str, str]] = field(default_factory=list)  # (text key, value)
    steps: str = ""
    expected: str = ""
    actual: str = ""
    impact: str = ""
    logs: str = ""
    structured: bool = False  # the ticket carries report fields beyond its summary
    # The customer's latest word after the opening message: what they said last, and when.
    last_from_customer: str = ""
    last_from_customer_at: dt.datetime | None = None
    # While the ticket waits on the customer: what we asked them (the wait's message).
    asked: TicketEvent | None = None
    last_note: TicketEvent | None = None  # the latest internal note


def ticket_summary(ticket: Ticket, events: Sequence[TicketEvent]) -> SummaryView:
    fields = ticket.fields or {}
    opened = next((e.body for e in events if e.kind == "opened" and e.body), "")
    summary = text(fields.get("summary"))
    structured = any(text(fields.get(name)) for name in REPORT_FIELDS)
    # A structured ticket's opening message is the whole report written out (fields and
    # transcript): the cards below say it once, so the problem is just its summary.
    problem = summary if summary and (structured or summary != ticket.subject) else opened
    waiting = ticket.status == "waiting_on_customer"
    last = next(
        (e for e in reversed(events) if e.kind == "message" and e.actor_kind == "customer"),
        None,
    )
    facts = []
    sdk = " ".join(v for v in (text(fields.get("sdk")), text(fields.get("sdk_version"))) if v)
    if sdk:
        facts.append(("field_sdk", sdk))
    platform, os_version = text(fields.get("platform")), text(fields.get("os_version"))
    if platform and os_version and os_version.lower().startswith(platform.lower()):
        platform = ""  # "Android" and "Android 14": the version says both
    elif platform and os_version and os_version[0].isdigit():
        platform, os_version = f"{platform} {os_version}", ""  # "Android" and "14"
    platform = " · ".join(v for v in (platform, os_version) if v)
    if platform:
        facts.append(("field_platform", platform))
    if device := text(fields.get("device")):
        facts.append(("field_device", device))
    return SummaryView(
        problem=problem or summary or ticket.subject,
        facts=facts,
        steps=one_per_line(text(fields.get("repro_steps"), numbered=True)),
        expected=text(fields.get("expected")),
        actual=text(fields.get("actual")),
        impact=text(fields.get("impact")),
        logs=_clip_log(text(fields.get("logs"))),
        structured=structured,
        last_from_customer=last.body if last is not None else "",
        last_from_customer_at=last.at if last is not None else None,
        asked=_latest(events, "waiting_on_customer") if waiting else None,
        last_note=_latest(events, "note"),
    )


def _latest(events: Sequence[TicketEvent], kind: str) -> TicketEvent | None:
    return next((e for e in reversed(events) if e.kind == kind and e.body), None)


def text(value: Any, *, numbered: bool = False) -> str:
    """A field as text: lists become lines (numbered steps), anything else its string."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        items = [str(v).strip() for v in value if str(v).strip()]
        if numbered:
            return "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1))
        return "\n".join(items)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items() if v)
    return str(value).strip()


def _clip_log(log: str) -> str:
    lines = log.splitlines()
    clipped = "\n".join(lines[:MAX_LOG_LINES])[:MAX_LOG_CHARS]
    return clipped + ("\n…" if clipped != log else "")
