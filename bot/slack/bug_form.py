"""The "Report a bug" modal: opened from the message shortcut or ``/support bug``, prefilled
from the thread, and turned into a ticket on submission."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from bot.conversation.types import TicketSummary
from bot.errors import DeskbotError
from bot.slack.blocks import Block, sections, ticket_lines
from bot.slack.runtime import SlackRuntime
from bot.store.records import NewTicket, Ticket

log = logging.getLogger("deskbot.slack.bug_form")
_PROSE = ("repro_steps", "expected", "actual", "impact")
CALLBACK_ID = "deskbot_bug_report"
# (field, label, multiline, required)
FORM_FIELDS = (
    ("summary", "Summary", False, True),
    ("sdk", "SDK", False, False),
    ("sdk_version", "SDK version", False, False),
    ("platform", "Platform", False, False),
    ("os_version", "OS version", False, False),
    ("device", "Device", False, False),
    ("repro_steps", "Steps to reproduce", True, False),
    ("expected", "Expected", True, False),
    ("actual", "Actual", True, False),
    ("impact", "Impact (how many users, since when)", True, False),
)


def prefill(rt: SlackRuntime, *, text: str, ref: str | None, tier: str) -> dict[str, str]:
    """Fields guessed from the message (and the thread we hold), by the offline triage rules."""
    parts = []
    if ref is not None:
        conversation = rt.ctx.conversations.find("slack", ref)
        if conversation is not None:
            parts = [m.text for m in conversation.messages if m.role not in ("bot", "assistant")]
    if text and text not in parts:
        parts.append(rt.ctx.tickets.redactor.redact(text))
    joined = "\n\n".join(p for p in parts if p.strip())
    if not joined.strip():
        return {}
    try:
        from bot.triage.engine import TriageRequest
        from bot.triage.offline import OfflineEngine

        result = OfflineEngine().triage(TriageRequest(text=joined, tier=tier))  # type: ignore[arg-type]
        fields = {k: str(v) for k, v in result.fields.model_dump().items() if v and k != "logs"}
    except (DeskbotError, ValueError):
        fields = {}
    fields.setdefault("summary", joined.strip().splitlines()[0][:150])
    # A field that only repeats the message (or its summary) is no field: the reporter would
    # have to clear it before writing the steps or what actually happened.
    said = {joined.strip(), fields["summary"].strip()}
    return {
        k: v
        for k, v in fields.items()
        if k == "summary" or k not in _PROSE or v.strip() not in said
    }


def modal(metadata: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    blocks: list[Block] = []
    for name, label, multiline, required in FORM_FIELDS:
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": "value",
            "multiline": multiline,
        }
        if values.get(name):
            element["initial_value"] = values[name][:2900]
        blocks.append(
            {
                "type": "input",
                "block_id": name,
                "optional": not required,
                "label": {"type": "plain_text", "text": label},
                "element": element,
            }
        )
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "Logs: attach them in the thread after submitting; "
                    "they are added to the ticket.",
                }
            ],
        }
    )
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": {"type": "plain_text", "text": "Report a bug"},
        "submit": {"type": "plain_text", "text": "Open ticket"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps(metadata),
        "blocks": blocks,
    }


def open_form(
    rt: SlackRuntime,
    *,
    trigger_id: str,
    user: str,
    channel: str | None,
    thread_ts: str | None,
    text: str,
) -> None:
    account = rt.account_for(channel)
    ref = f"{channel}:{thread_ts}" if channel and thread_ts else None
    values = prefill(rt, text=text, ref=ref, tier=account.tier if account else "pro")
    metadata = {"channel": channel, "thread_ts": thread_ts, "user": user}
    rt.client.views_open(trigger_id=trigger_id, view=modal(metadata, values))


def submitted_fields(view: dict[str, Any]) -> dict[str, str]:
    state = (view.get("state") or {}).get("values") or {}
    out = {}
    for name, *_ in FORM_FIELDS:
        value = ((state.get(name) or {}).get("value") or {}).get("value")
        if value and str(value).strip():
            out[name] = str(value).strip()
    return out


def on_submit(rt: SlackRuntime, body: dict[str, Any]) -> Ticket | None:
    """Open the ticket, post it in the thread (starting one if needed), tell the engineers.
    The fields are redacted before anything is stored or posted; a replayed submission of
    the same form does nothing (None)."""
    view = body["view"]
    if not rt.ctx.inbound.first_time("slack-form", _submission_key(body), now=rt.now()):
        log.info("repeated submission of form %s ignored", view.get("id"))
        return None
    meta = json.loads(view.get("private_metadata") or "{}")
    user = str(meta.get("user") or body["user"]["id"])
    channel, thread_ts = meta.get("channel"), meta.get("thread_ts")
    redact = rt.ctx.tickets.redactor.redact
    fields = {name: redact(value) for name, value in submitted_fields(view).items()}
    account = rt.account_for(channel)
    if account is None:
        raise DeskbotError("no account for this channel and no default account configured")
    priority, reason, missing = _priority(fields, tier=account.tier)
    now = rt.now()
    if channel and not thread_ts:
        posted = rt.client.chat_postMessage(
            channel=channel, text=f":beetle: Bug report from <@{user}>: {fields['summary']}"
        )
        thread_ts = str(posted["ts"])
    ref = f"{channel}:{thread_ts}" if channel else f"slack-form:{user}:{now.timestamp()}"
    name = rt.user_name(user)
    conversation = rt.ctx.conversations.open(
        "slack", ref, now=now, account_id=account.id, user_ref=user, user_name=name
    )
    ticket = rt.ctx.desk.open(
        NewTicket(
            account_id=account.id,
            kind="bug",
            priority=priority,
            priority_reason=reason,
            subject=fields["summary"],
            requester=user,
            requester_name=name,
            fields=dict(fields),
            missing=missing,
            channel="slack",
            channel_ref=channel,
            thread_ref=thread_ts,
            conversation_id=conversation.id,
            body=_compose(fields),
        ),
        now=now,
    )
    rt.ctx.conversations.update(conversation.id, now=now, ticket_id=ticket.id)
    summary = summary_of(ticket, timezone=account.timezone)
    text = ticket_lines(summary, now=now)
    if channel and thread_ts:
        rt.client.chat_postMessage(
            channel=channel, thread_ts=thread_ts, text=text, blocks=sections(text)
        )
    return ticket  # the engineers hear of it from the desk's audience


def _submission_key(body: dict[str, Any]) -> str:
    view = body.get("view") or {}
    parts = (
        view.get("id"), view.get("hash"), (body.get("user") or {}).get("id"),
        view.get("private_metadata"), json.dumps(view.get("state"), sort_keys=True),
    )  # fmt: skip
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def summary_of(ticket: Ticket, *, timezone: str) -> TicketSummary:
    return TicketSummary.of(ticket, timezone=timezone)


def _priority(fields: dict[str, str], *, tier: str) -> tuple[str, str, list[str]]:
    try:
        from bot.triage.engine import TriageRequest
        from bot.triage.offline import OfflineEngine

        result = OfflineEngine().triage(TriageRequest(text=_compose(fields), tier=tier))  # type: ignore[arg-type]
        missing = [m for m in result.missing if not fields.get(m)]
        return result.priority, result.reason, missing
    except (DeskbotError, ValueError):
        return "P3", "reported with the bug form", []


def _compose(fields: dict[str, str]) -> str:
    labels = {name: label for name, label, *_ in FORM_FIELDS}
    return "\n".join(f"{labels[k]}: {v}" for k, v in fields.items() if k in labels)
