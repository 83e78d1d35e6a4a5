"""A ticket's body, built from the report: the problem first, the conversation below it.

An engineer opening the ticket reads what happens, what was expected, the steps, the
platform and versions, the impact, the attachments and a redacted log excerpt; the chat that
led to it follows under its own heading, with the bot's turns reduced to what they did
("answered from the docs: …") rather than the doc passages they quoted.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.store.records import Message
from bot.triage.models import BugFields

MAX_LOG_EXCERPT = 1500
MAX_MESSAGE = 2000
MAX_BODY = 20_000


def report_body(
    fields: BugFields,
    *,
    subject: str,
    attachments: Sequence[str] = (),
    messages: Sequence[Message] = (),
) -> str:
    """Markdown: the structured summary, then ``#### Conversation`` with the transcript."""
    parts = [f"**Problem:** {subject}"]
    if fields.actual and fields.actual.strip() != subject.strip():
        parts.append(f"**What happens:** {fields.actual}")
    if fields.expected:
        parts.append(f"**Expected:** {fields.expected}")
    if fields.repro_steps:
        parts.append(f"**Steps to reproduce:**\n{fields.repro_steps}")
    environment = [
        f"{label}: {value}"
        for label, value in (
            ("Platform", fields.platform),
            ("OS", fields.os_version),
            ("Device", fields.device),
            ("SDK", " ".join(v for v in (fields.sdk, fields.sdk_version) if v)),
        )
        if value
    ]
    if environment:
        parts.append("**Environment:** " + " · ".join(environment))
    if fields.impact:
        parts.append(f"**Impact:** {fields.impact}")
    if attachments:
        parts.append("**Attachments:** " + ", ".join(dict.fromkeys(attachments)))
    if fields.logs:
        excerpt = fields.logs.strip()[:MAX_LOG_EXCERPT].replace("```", "'''")
        parts.append(f"**Log excerpt (redacted):**\n```\n{excerpt}\n```")
    body = "\n\n".join(parts)
    transcript = conversation_lines(messages)
    if transcript:
        body += "\n\n#### Conversation\n\n" + transcript
    return body[:MAX_BODY]


def question_body(question: str, messages: Sequence[Message] = ()) -> str:
    """A ticket that is a question for a person: the question, then the conversation."""
    body = f"**Question:** {question}"
    transcript = conversation_lines(messages)
    if transcript:
        body += "\n\n#### Conversation\n\n" + transcript
    return body[:MAX_BODY]


def conversation_lines(messages: Sequence[Message]) -> str:
    """The chat as Markdown, the bot's turns said in a line each."""
    lines: list[str] = []
    for m in messages:
        if m.role == "user":
            if m.text:
                name = m.data.get("author_name") or "Customer"
                lines.append(f"**{name}:** {_clip(m.text)}")
        elif m.role == "bot":
            lines.append(f"*deskbot: {_bot_line(m)}*")
    return "\n\n".join(lines)


def _bot_line(message: Message) -> str:
    data = message.data or {}
    kind = data.get("kind")
    if kind == "answer":
        headings = [str(c.get("heading") or c.get("source")) for c in data.get("citations") or []]
        return "answered from the docs" + (f" ({'; '.join(headings[:3])})" if headings else "")
    if kind == "handoff":
        return "found no answer in the docs; offered a person"
    if kind == "follow_up":
        missing = data.get("missing") or []
        asked = ", ".join(str(m).replace("_", " ") for m in missing)
        return f"asked for {asked}" if asked else "asked for details"
    if kind in ("ticket_opened", "ticket_updated", "status"):
        return f"{kind.replace('_', ' ')} {data.get('ticket') or ''}".strip()
    first = message.text.strip().split("\n", 1)[0]
    return _clip(first, 200)


def _clip(text: str, limit: int = MAX_MESSAGE) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + " …"
