"""The "Report a bug" modal: opened from the message shortcut or ``/support bug``, prefilled
from the thread, in the reporter's language, and read back on submission (the ticket is
opened by :mod:`bot.slack.bug_report`).

Besides the report's text fields it asks outright how bad it is (``severity``) and whether
production is affected (``production``) — the priority then comes from what the reporter
chose, not from words in a label — and takes files (Slack's ``file_input``: logs,
screenshots), which arrive on submission as file objects to fetch with the bot token.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.conversation.texts import language
from bot.errors import DeskbotError
from bot.notify.texts import customer_language
from bot.slack.blocks import Block
from bot.slack.form_texts import (
    FILES,
    PRODUCTION,
    PRODUCTION_OPTIONS,
    SEVERITY,
    SEVERITY_OPTIONS,
    TEXT_FIELDS,
    label,
    lang_of,
    word,
)
from bot.slack.runtime import SlackRuntime
from bot.slack.status import customer_tickets
from bot.store.records import Ticket
from bot.store.tickets import TicketFilter
from bot.triage.priority import STATED_SEVERITIES, StatedImpact

_PROSE = ("repro_steps", "expected", "actual", "impact")
CALLBACK_ID = "deskbot_bug_report"
MAX_FILES = 5


@dataclass(frozen=True)
class Submission:
    """What the reporter sent: the text fields (not yet redacted), what they said about
    severity and production, and the files they attached (Slack file objects)."""

    fields: dict[str, str]
    stated: StatedImpact = field(default_factory=StatedImpact)
    files: list[dict[str, Any]] = field(default_factory=list)


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


def form_language(
    rt: SlackRuntime, *, text: str, ref: str | None, user: str, channel: str | None
) -> str:
    """The reporter's language: that of what they wrote (the message, ``/support bug …``),
    else of the thread's conversation, else of their tickets, else of the channel's."""
    if text.strip():
        return language(text)
    if ref is not None:
        conversation = rt.ctx.conversations.find("slack", ref)
        if conversation is not None and (conversation.state or {}).get("lang") in ("en", "zh"):
            return str(conversation.state["lang"])
    account = rt.account_for(channel) if channel and not channel.startswith("D") else None
    tickets: list[Ticket] = customer_tickets(rt, user=user, account=account, now=rt.now())[:5]
    if not tickets and account is not None:
        recent = rt.ctx.tickets.query(TicketFilter(account_id=account.id, limit=50))
        tickets = [t for t in recent if t.channel_ref == channel][:5]
    langs = [customer_language(rt.ctx.conversations, t) for t in tickets]
    return "zh" if langs and langs.count("zh") * 2 >= len(langs) else "en"


def modal(
    metadata: dict[str, Any], values: dict[str, str], *, lang: str = "en", max_mb: int = 20
) -> dict[str, Any]:
    lang = lang_of(lang)
    blocks: list[Block] = []
    for name, multiline, required in TEXT_FIELDS:
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": "value",
            "multiline": multiline,
        }
        if values.get(name):
            element["initial_value"] = values[name][:2900]
        blocks.append(_input(name, lang, element, optional=not required))
        if name == "summary":
            blocks += _impact_blocks(lang)
    files = {"type": "file_input", "action_id": "value", "max_files": MAX_FILES}
    blocks.append(_input(FILES, lang, files, optional=True))
    hint = word("files_hint", lang, count=MAX_FILES, mb=max_mb)
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": hint}]})
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": {"type": "plain_text", "text": word("title", lang)},
        "submit": {"type": "plain_text", "text": word("submit", lang)},
        "close": {"type": "plain_text", "text": word("close", lang)},
        "private_metadata": json.dumps({**metadata, "lang": lang}),
        "blocks": blocks,
    }


def _impact_blocks(lang: str) -> list[Block]:
    severity = {
        "type": "static_select",
        "action_id": "value",
        "options": _options(SEVERITY_OPTIONS[lang]),
    }
    production = {
        "type": "radio_buttons",
        "action_id": "value",
        "options": _options(PRODUCTION_OPTIONS[lang]),
    }
    return [
        _input(SEVERITY, lang, severity, optional=False),
        _input(PRODUCTION, lang, production, optional=True),
    ]


def _input(name: str, lang: str, element: dict[str, Any], *, optional: bool) -> Block:
    return {
        "type": "input",
        "block_id": name,
        "optional": optional,
        "label": {"type": "plain_text", "text": label(name, lang)},
        "element": element,
    }


def _options(words: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {"text": {"type": "plain_text", "text": text}, "value": value}
        for value, text in words.items()
    ]


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
    lang = form_language(rt, text=text, ref=ref, user=user, channel=channel)
    metadata = {"channel": channel, "thread_ts": thread_ts, "user": user}
    view = modal(metadata, values, lang=lang, max_mb=rt.ctx.settings.max_upload_mb)
    rt.client.views_open(trigger_id=trigger_id, view=view)


def form_lang(view: dict[str, Any]) -> str:
    """The language the form was shown in (kept in its metadata)."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return "en"
    return lang_of(meta.get("lang")) if isinstance(meta, dict) else "en"


def submitted_fields(view: dict[str, Any]) -> dict[str, str]:
    return read_submission(view).fields


def read_submission(view: dict[str, Any]) -> Submission:
    """The submitted values; anything malformed or unknown is left out, never an error."""
    state = (view.get("state") or {}).get("values") or {}

    def value(name: str) -> dict[str, Any]:
        block = state.get(name) if isinstance(state, dict) else None
        found = (block or {}).get("value") if isinstance(block, dict) else None
        return found if isinstance(found, dict) else {}

    fields = {}
    for name, *_ in TEXT_FIELDS:
        text = value(name).get("value")
        if text and str(text).strip():
            fields[name] = str(text).strip()
    severity = _selected(value(SEVERITY))
    production = _selected(value(PRODUCTION))
    stated = StatedImpact(
        severity=severity if severity in STATED_SEVERITIES else None,
        production={"yes": True, "no": False}.get(production or ""),
    )
    files = [f for f in value(FILES).get("files") or [] if isinstance(f, dict) and f.get("id")]
    return Submission(fields=fields, stated=stated, files=files[:MAX_FILES])


def _selected(value: dict[str, Any]) -> str | None:
    option = value.get("selected_option")
    return str(option.get("value")) if isinstance(option, dict) else None
