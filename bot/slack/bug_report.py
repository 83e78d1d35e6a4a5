"""A submitted bug form becomes a ticket: the fields redacted, the files fetched (with the bot
token), redacted and attached, the priority from what the reporter said through the chat's own
priority rules, and the confirmation in the thread in the reporter's language.

The report is never lost to a file: a download that fails, a file over the size limit or an
archive that cannot be read is left out, noted on the ticket and named in the thread so the
reporter can post it there.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any, get_args

from bot.conversation.texts import say
from bot.conversation.texts import ticket_lines as chat_ticket_lines
from bot.conversation.types import TicketSummary, Upload
from bot.errors import DeskbotError, InvalidInput
from bot.slack.blocks import mrkdwn, sections
from bot.slack.bug_form import Submission, form_lang, read_submission
from bot.slack.files import fetch_uploads
from bot.slack.form_texts import LABELS, PRODUCTION_OPTIONS, SEVERITY_OPTIONS, word
from bot.slack.runtime import SlackRuntime
from bot.store.records import Conversation, NewTicket, Ticket
from bot.triage.attachments import read_attachment
from bot.triage.models import Attachment, Tier
from bot.triage.priority import StatedImpact, prioritise, stated_kind

log = logging.getLogger("deskbot.slack.bug_form")
BOT = "deskbot"


@dataclass
class Files:
    """The form's files once fetched: read as logs where they are text, and those left out."""

    uploads: list[Upload] = field(default_factory=list)
    logs: list[Attachment] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # "name (why)"


def on_submit(rt: SlackRuntime, body: dict[str, Any]) -> Ticket | None:
    """Open the ticket, post it in the thread (starting one if needed); the engineers hear of
    it from the desk's audience. The fields are redacted before anything is stored or posted;
    a replayed submission of the same form does nothing (None)."""
    view = body["view"]
    if not rt.ctx.inbound.first_time("slack-form", _submission_key(body), now=rt.now()):
        log.info("repeated submission of form %s ignored", view.get("id"))
        return None
    meta = json.loads(view.get("private_metadata") or "{}")
    lang = form_lang(view)
    user = str(meta.get("user") or body["user"]["id"])
    channel, thread_ts = meta.get("channel"), meta.get("thread_ts")
    submission = read_submission(view)
    redact = rt.ctx.tickets.redactor.redact
    fields = {name: redact(value) for name, value in submission.fields.items()}
    account = rt.account_for(channel)
    if account is None:
        raise DeskbotError("no account for this channel and no default account configured")
    kind, priority, reason, missing = _triage(fields, submission.stated, account.tier)
    fields.update(_stated_fields(submission.stated))
    now = rt.now()
    if channel and not thread_ts:
        top = word("top", lang, user=user, summary=fields["summary"])
        thread_ts = str(rt.client.chat_postMessage(channel=channel, text=top)["ts"])
    ref = f"{channel}:{thread_ts}" if channel else f"slack-form:{user}:{now.timestamp()}"
    name = rt.user_name(user)
    conversation = rt.ctx.conversations.open(
        "slack", ref, now=now, account_id=account.id, user_ref=user, user_name=name
    )
    ticket = rt.ctx.desk.open(
        NewTicket(
            account_id=account.id, kind=kind, priority=priority, priority_reason=reason,
            subject=fields["summary"], requester=user, requester_name=name,
            fields=dict(fields), missing=missing, channel="slack", channel_ref=channel,
            thread_ref=thread_ts, conversation_id=conversation.id, body=compose(fields),
        ),
        now=now,
    )  # fmt: skip
    rt.ctx.conversations.update(conversation.id, now=now, ticket_id=ticket.id)
    # The ticket exists before any file is fetched: a slow or failing download delays only
    # the files, and a crash meanwhile costs them, never the report.
    files = fetch_files(rt, submission)
    kept = attach(rt, ticket, conversation, files)
    if files.logs:
        names = ", ".join(a.name for a in files.logs)
        ticket = rt.ctx.desk.update_fields(
            ticket, fields={"logs": names}, missing=[m for m in ticket.missing if m != "logs"],
            by=user, now=rt.now(),
        )  # fmt: skip
    if channel and thread_ts:
        text = confirmation(rt, ticket, kept=kept, left_out=files.left_out, lang=lang)
        rt.client.chat_postMessage(
            channel=channel, thread_ts=thread_ts, text=text, blocks=sections(text)
        )
    return ticket


def fetch_files(rt: SlackRuntime, submission: Submission) -> Files:
    """Download the form's files (size-limited, only from Slack's file hosts) and read the
    text ones as logs, redacted. Never raises: a file that fails is only left out."""
    out = Files()
    if not submission.files:
        return out
    try:
        fetched = fetch_uploads(rt, submission.files)
    except Exception:  # a Slack outage must not cost the report
        log.exception("could not fetch the bug form's files")
        out.left_out = [
            f"{f.get('name') or f.get('id')} (could not download)" for f in submission.files
        ]
        return out
    out.uploads = list(fetched.uploads)
    out.left_out = list(fetched.skipped)
    limit = rt.ctx.settings.max_upload_mb * 1024 * 1024
    for upload in fetched.uploads:
        # a screenshot or other binary is kept on the ticket, not read as a log
        with contextlib.suppress(InvalidInput):
            out.logs.append(read_attachment(upload.filename, upload.data, max_bytes=limit))
    return out


def attach(rt: SlackRuntime, ticket: Ticket, conversation: Conversation, files: Files) -> list[str]:
    """Keep each file on the ticket (redacted by the attachment store); note on the ticket
    what was attached and what was left out. The names kept."""
    kept: list[str] = []
    for upload in files.uploads:
        try:
            rt.ctx.attachments.save(
                upload.data, filename=upload.filename, content_type=upload.content_type,
                now=rt.now(), ticket_id=ticket.id, conversation_id=conversation.id,
            )  # fmt: skip
            kept.append(upload.filename)
        except InvalidInput as exc:
            log.warning("bug form file %s not kept: %s", upload.filename, exc)
            files.left_out.append(f"{upload.filename} (could not be read to be redacted)")
    lines = []
    if kept:
        lines.append("Attached from the bug form (redacted): " + ", ".join(kept))
    if files.left_out:
        lines.append(
            "Not attached: " + "; ".join(files.left_out) + " — the reporter was asked to post "
            "them in the thread."
        )
    if lines:
        rt.ctx.desk.note(ticket, agent=BOT, body="\n".join(lines), now=rt.now())
    return kept


def confirmation(
    rt: SlackRuntime, ticket: Ticket, *, kept: list[str], left_out: list[str], lang: str
) -> str:
    """The chat's own words for an opened ticket, and what became of the files."""
    account = rt.ctx.config.account(ticket.account_id)
    summary = TicketSummary.of(ticket, timezone=account.timezone if account else "UTC")
    parts = [say("ticket_opened", lang), chat_ticket_lines(summary, lang)]
    if kept:
        parts.append(word("attached", lang, names=", ".join(kept)))
    if left_out:
        parts.append(word("not_attached", lang, names="; ".join(left_out)))
    return mrkdwn("\n\n".join(parts))


def _triage(
    fields: dict[str, str], stated: StatedImpact, tier: str
) -> tuple[str, str, str, list[str]]:
    """Kind, priority, reason and what is missing: the offline triage reads the reporter's
    words (the values only — a label such as "how many users" is not something they said);
    the chat's priority rules weigh them with what they chose. (Logs do not move a bug's
    priority; the files are read after the ticket opens.)"""
    text = "\n".join(fields.values())
    plan: Tier = tier if tier in get_args(Tier) else "pro"  # type: ignore[assignment]
    try:
        from bot.triage.engine import TriageRequest
        from bot.triage.offline import OfflineEngine

        result = OfflineEngine().triage(TriageRequest(text=text, tier=plan))
        kind = stated_kind(result.kind if result.kind in ("bug", "outage") else "bug", stated)
        decision = prioritise(text, kind=kind, tier=plan, stated=stated)
        missing = [m for m in result.missing if not fields.get(m)]
        return kind, decision.priority, decision.reason, missing
    except (DeskbotError, ValueError):
        log.exception("bug form triage failed")
        return "bug", "P3", "reported with the bug form", []


def _stated_fields(stated: StatedImpact) -> dict[str, str]:
    out = {}
    if stated.severity is not None:
        out["severity"] = SEVERITY_OPTIONS["en"][stated.severity]
    if stated.production is not None:
        out["production"] = PRODUCTION_OPTIONS["en"]["yes" if stated.production else "no"]
    return out


def compose(fields: dict[str, str]) -> str:
    """The ticket's body: each field under its label (staff-facing, in English)."""
    labels = {**LABELS["en"], "severity": "Severity (as reported)", "production": "Production"}
    return "\n".join(f"{labels.get(k, k.capitalize())}: {v}" for k, v in fields.items())


def _submission_key(body: dict[str, Any]) -> str:
    view = body.get("view") or {}
    parts = (
        view.get("id"), view.get("hash"), (body.get("user") or {}).get("id"),
        view.get("private_metadata"), json.dumps(view.get("state"), sort_keys=True),
    )  # fmt: skip
    return hashlib.sha256(repr(parts).encode()).hexdigest()
