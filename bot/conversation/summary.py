"""A ticket's body, built from the report: the problem first, the conversation below it.

An engineer opening the ticket reads what happens, what was expected, the steps, the
platform and versions, the impact, the attachments and a redacted log excerpt; the chat that
led to it follows under its own heading, with the bot's turns reduced to what they did
("answered from the docs: …") rather than the doc passages they quoted.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.conversation.texts import field_words
from bot.store.records import Message
from bot.triage.models import BugFields
from bot.triage.numbering import one_per_line
from bot.triage.subject import without_trailing_environment

MAX_LOG_EXCERPT = 1500
MAX_MESSAGE = 2000
MAX_BODY = 20_000


# The body is written in the conversation's language: the customer's own words fill it.
_LABELS = {
    "en": {
        "problem": "Problem", "actual": "What happens", "expected": "Expected",
        "steps": "Steps to reproduce", "environment": "Environment", "platform": "Platform",
        "os": "OS", "device": "Device", "impact": "Impact", "attachments": "Attachments",
        "logs": "Log excerpt (redacted)", "question": "Question", "conversation": "Conversation",
        "customer": "Customer", "answered": "answered from the docs",
        "handoff": "found no answer in the docs; offered a person",
        "asked": "asked for {fields}", "asked_details": "asked for details",
        "ticket_opened": "opened {key}", "ticket_updated": "added to {key}",
        "status": "gave the status of {key}",
    },
    "zh": {
        "problem": "问题", "actual": "实际现象", "expected": "期望结果", "steps": "复现步骤",
        "environment": "环境", "platform": "平台", "os": "系统", "device": "设备",
        "impact": "影响范围", "attachments": "附件", "logs": "日志摘录（已脱敏）",
        "question": "问题", "conversation": "沟通记录", "customer": "客户",
        "answered": "已根据文档回答", "handoff": "文档中没有找到答案，已提供人工",
        "asked": "询问了{fields}", "asked_details": "询问了更多信息",
        "ticket_opened": "已创建工单 {key}", "ticket_updated": "已补充到工单 {key}",
        "status": "告知了工单 {key} 的状态",
    },
}  # fmt: skip


def report_body(
    fields: BugFields,
    *,
    subject: str,
    attachments: Sequence[str] = (),
    messages: Sequence[Message] = (),
    lang: str = "en",
) -> str:
    """Markdown: the structured summary, then ``#### Conversation`` with the transcript, in
    ``lang`` ("en" or "zh")."""
    said = _LABELS.get(lang, _LABELS["en"])
    parts = [f"**{said['problem']}:** {subject}"]
    if fields.actual and _gist(fields.actual) != _gist(subject):
        parts.append(f"**{said['actual']}:** {fields.actual}")
    if fields.expected:
        parts.append(f"**{said['expected']}:** {fields.expected}")
    if fields.repro_steps:
        parts.append(f"**{said['steps']}:**\n{one_per_line(fields.repro_steps)}")
    environment = [
        f"{said[label]}: {value}" if label != "sdk" else f"SDK: {value}"
        for label, value in (
            ("platform", fields.platform),
            ("os", fields.os_version),
            ("device", fields.device),
            ("sdk", " ".join(v for v in (fields.sdk, fields.sdk_version) if v)),
        )
        if value
    ]
    if environment:
        parts.append(f"**{said['environment']}:** " + " · ".join(environment))
    if fields.impact:
        parts.append(f"**{said['impact']}:** {fields.impact}")
    if attachments:
        parts.append(f"**{said['attachments']}:** " + ", ".join(dict.fromkeys(attachments)))
    if fields.logs:
        excerpt = fields.logs.strip()[:MAX_LOG_EXCERPT].replace("```", "'''")
        parts.append(f"**{said['logs']}:**\n```\n{excerpt}\n```")
    body = "\n\n".join(parts)
    transcript = conversation_lines(messages, lang)
    if transcript:
        body += f"\n\n#### {said['conversation']}\n\n" + transcript
    return body[:MAX_BODY]


def question_body(question: str, messages: Sequence[Message] = (), lang: str = "en") -> str:
    """A ticket that is a question for a person: the question, then the conversation."""
    said = _LABELS.get(lang, _LABELS["en"])
    body = f"**{said['question']}:** {question}"
    transcript = conversation_lines(messages, lang)
    if transcript:
        body += f"\n\n#### {said['conversation']}\n\n" + transcript
    return body[:MAX_BODY]


def conversation_lines(messages: Sequence[Message], lang: str = "en") -> str:
    """The chat as Markdown, the bot's turns said in a line each."""
    said = _LABELS.get(lang, _LABELS["en"])
    lines: list[str] = []
    for m in messages:
        if m.role == "user":
            if m.text:
                name = m.data.get("author_name") or said["customer"]
                lines.append(f"**{name}:** {_clip(m.text)}")
        elif m.role == "bot":
            lines.append(f"*deskbot: {_bot_line(m, lang)}*")
    return "\n\n".join(lines)


def _bot_line(message: Message, lang: str) -> str:
    said = _LABELS.get(lang, _LABELS["en"])
    data = message.data or {}
    kind = data.get("kind")
    if kind == "answer":
        headings = [str(c.get("heading") or c.get("source")) for c in data.get("citations") or []]
        where = "; ".join(headings[:3])
        return said["answered"] + (f" ({where})" if where else "")
    if kind == "handoff":
        return said["handoff"]
    if kind == "follow_up":
        missing = [str(m) for m in data.get("missing") or []]
        return (
            said["asked"].format(fields=field_words(missing, lang))
            if missing
            else said["asked_details"]
        )
    if kind in ("ticket_opened", "ticket_updated", "status") and data.get("ticket"):
        return said[kind].format(key=data["ticket"])
    first = message.text.strip().split("\n", 1)[0]
    return _clip(first, 200)


def _clip(text: str, limit: int = MAX_MESSAGE) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + " …"


def _gist(text: str) -> str:
    """What a sentence says, for telling a repeat: no final stop, no versions listed after it."""
    return without_trailing_environment(text.strip().rstrip(" 。.!！")).strip()
