"""Block Kit for the customer's thread: answers with sources and buttons, tickets, apologies.

Slack limits a section to 3,000 characters and a message to 50 blocks; long answers are split
across sections and cut with a note rather than rejected by Slack.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from bot.conversation.types import Action, CitationRef, Reply, TicketSummary
from bot.slack.answer_text import best_sources, clean_answer, link_markers, plain

Block = dict[str, Any]

# Button label and action id for each conversation action ("sign_in" and "contact" are the
# web page's own; in Slack the channel says who the customer is).
ACTION_BUTTONS: dict[str, tuple[str, str]] = {
    "solved": ("✅ Solved", "deskbot_solved"),
    "open_ticket": ("Open a ticket", "deskbot_open_ticket"),
    "human": ("Talk to a human", "deskbot_human"),
    "go_ahead": ("Go ahead", "deskbot_go_ahead"),
    "not_it": ("Not my problem", "deskbot_not_it"),
    "new_topic": ("New topic", "deskbot_new_topic"),
    "status": ("Ticket status", "deskbot_status"),
}
LABELS_ZH = {
    "solved": "✅ 已解决",
    "open_ticket": "创建工单",
    "human": "联系人工",
    "go_ahead": "继续提交",
    "not_it": "不是这个问题",
    "new_topic": "新话题",
    "status": "查看进度",
}
ACTION_FOR_ID: dict[str, Action] = {
    action_id: name  # type: ignore[misc]
    for name, (_label, action_id) in ACTION_BUTTONS.items()
}
DEFAULT_ACTIONS: dict[str, list[Action]] = {
    "answer": ["solved", "open_ticket", "human"],
    "handoff": ["open_ticket", "human"],
    "error": ["human"],
}
SECTION_LIMIT = 2900
MAX_SECTIONS = 20
LOOKING = ":hourglass_flowing_sand: Looking through the docs…"
LOOKING_ZH = ":hourglass_flowing_sand: 正在查阅文档…"


def has_buttons(blocks: list[Block]) -> bool:
    return any(b.get("type") == "actions" for b in blocks)


def without_buttons(blocks: list[Block]) -> list[Block]:
    return [b for b in blocks if b.get("type") != "actions"]


def label(action: str, lang: str = "en") -> str:
    """The button's label in the conversation's language."""
    if lang == "zh" and action in LABELS_ZH:
        return LABELS_ZH[action]
    return ACTION_BUTTONS[action][0]


_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.MULTILINE)
_QUOTE = re.compile(r"^&gt;\s?", re.MULTILINE)


def mrkdwn(markdown: str) -> str:
    """Markdown (what the conversation service writes) to Slack mrkdwn."""
    text = markdown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _QUOTE.sub("> ", text)  # a quoted line stays a quote
    text = _LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1)}>", text)
    text = _HEADING.sub(lambda m: f"*{m.group(1).strip()}*", text)
    return _BOLD.sub(lambda m: f"*{m.group(1)}*", text)


def sections(text: str) -> list[Block]:
    """Split mrkdwn into sections under Slack's limit, on paragraph boundaries when possible."""
    chunks: list[str] = []
    rest = text.strip() or "…"
    while rest and len(chunks) < MAX_SECTIONS:
        if len(rest) <= SECTION_LIMIT:
            chunks.append(rest)
            break
        cut = rest.rfind("\n\n", 0, SECTION_LIMIT)
        cut = cut if cut > SECTION_LIMIT // 2 else SECTION_LIMIT
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    else:
        if rest:
            chunks.append("_(answer shortened for Slack)_")
    return [{"type": "section", "text": {"type": "mrkdwn", "text": c}} for c in chunks]


def buttons(
    actions: list[Action], *, value: str, block_id: str = "deskbot_reply", lang: str = "en"
) -> Block:
    elements = []
    for action in actions:
        if action not in ACTION_BUTTONS:
            continue
        _label, action_id = ACTION_BUTTONS[action]
        button: Block = {
            "type": "button",
            "text": {"type": "plain_text", "text": label(action, lang), "emoji": True},
            "action_id": action_id,
            "value": value,
        }
        if action == "solved":
            button["style"] = "primary"
        elements.append(button)
    return {"type": "actions", "block_id": block_id, "elements": elements}


def sources(citations: list[CitationRef], lang: str = "en") -> Block | None:
    """One context line of at most three cited pages, as links where the page has a URL
    (never a file path: the page's heading names it)."""
    chosen = best_sources(citations)
    if not chosen:
        return None
    title = "参考来源：" if lang == "zh" else "Sources:"
    items: list[str] = []
    for c in chosen:
        label = escape(c.heading or c.source.rsplit("/", 1)[-1])
        item = f"<{c.url}|{label}>" if c.url else label
        if item not in items:
            items.append(item)
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": f"*{title}* " + " · ".join(items)}],
    }


def due_phrase(due: dt.datetime, timezone: str, *, now: dt.datetime | None = None) -> str:
    """'15:30 Mon' in the customer's zone; the date is added when it is not within a week."""
    local = due.astimezone(ZoneInfo(timezone))
    phrase = local.strftime("%H:%M %a")
    if now is not None and abs((due - now).total_seconds()) > 6 * 86400:
        phrase += local.strftime(" %d %b")
    return phrase


def ticket_lines(ticket: TicketSummary, *, now: dt.datetime | None = None) -> str:
    lines = [f"*Ticket {ticket.key}* opened: {escape(ticket.subject)}"]
    why = re.sub(rf"^\s*{re.escape(ticket.priority)}\s*[:：—-]\s*", "", ticket.priority_reason)
    reason = f" — {escape(why)}" if why else ""  # "P2 — P2: …" said the priority twice
    lines.append(f"*Priority:* {ticket.priority}{reason}")
    if ticket.first_response_due is not None:
        when = due_phrase(ticket.first_response_due, ticket.timezone, now=now)
        lines.append(f"An engineer will respond by *{when}*, your time.")
    else:
        lines.append("An engineer will pick it up; you will hear from us in this thread.")
    if ticket.missing:
        lines.append("Still useful if you have it: " + ", ".join(ticket.missing))
    return "\n".join(lines)


def reply_message(
    reply: Reply, *, value: str, now: dt.datetime | None = None
) -> tuple[str, list[Block]]:
    """(fallback text, blocks) for a reply of the conversation service. ``value`` is what the
    buttons carry back (the conversation ref). A docs answer comes first and short, its
    sources once, on one line (:mod:`bot.slack.answer_text`)."""
    if reply.kind in ("answer", "handoff") and reply.citations:
        body = link_markers(mrkdwn(clean_answer(reply.text)), reply.citations)
    else:
        body = mrkdwn(reply.text)
    blocks = sections(body)
    ticket = reply.ticket
    # The service usually words the ticket itself; add our lines only when it did not.
    if ticket is not None and ticket.key not in reply.text:
        blocks.append({"type": "divider"})
        blocks.extend(sections(ticket_lines(ticket, now=now)))
    source_block = sources(reply.citations, reply.lang)
    if source_block is not None:
        blocks.append(source_block)
    actions = [
        a for a in reply.actions or DEFAULT_ACTIONS.get(reply.kind, []) if a in ACTION_BUTTONS
    ]
    if actions:
        blocks.append(buttons(actions, value=value, lang=reply.lang))
    fallback = plain(reply.text) or (reply.ticket.key if reply.ticket else "…")
    return fallback, blocks[:50]


def apology(*, value: str, lang: str = "en") -> tuple[str, list[Block]]:
    """What the thread gets when anything failed: never silence, always a way to a human."""
    if lang == "zh":
        text = (
            ":warning: 抱歉，我们这边处理时出错了。您的消息还在这个讨论串里："
            "点击「联系人工」，工程师会在这里跟进。"
        )
    else:
        text = (
            ":warning: Sorry — something went wrong on our side while working on this. "
            "Your message is still here in the thread: press *Talk to a human* and an engineer "
            "will follow up in this thread."
        )
    return text, [*sections(text), buttons(["human"], value=value, lang=lang)]


def escape(text: str) -> str:
    """Someone's words in a Slack message: no mention or link can be formed from them."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
