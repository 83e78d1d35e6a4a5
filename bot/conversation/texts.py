"""What the bot says, in English and Chinese, and how it shows a ticket's targets."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from bot.conversation.types import TicketSummary

_CJK = re.compile(r"[\u4e00-\u9fff]")

TEXTS: dict[str, dict[str, str]] = {
    "empty": {
        "en": "I didn't get any text. Ask me a question about the SDK, or describe the problem "
        "you are seeing (what happened, platform, SDK version).",
        "zh": "没有收到内容。请直接提问，或描述遇到的问题（现象、平台、SDK 版本）。",
    },
    "too_long": {
        "en": "Your message was very long, so I kept the whole text as an attachment and read "
        "the first part.",
        "zh": "消息太长，完整内容已保存为附件，我先阅读了开头部分。",
    },
    "handoff": {
        "en": "I couldn't find this in the documentation, so I won't guess. "
        "A person from our support team can help — use *Talk to a human* or *Open a ticket*.",
        "zh": "文档中没有找到可靠的答案，我不想猜测。"
        "可以点击「联系人工」或「提交工单」，由支持团队处理。",
    },
    "error": {
        "en": "Sorry — something went wrong on my side while looking this up ({what}). "
        "Nothing you sent is lost. A person can take it from here: use *Talk to a human*.",
        "zh": "抱歉，我这边查询时出错了（{what}）。"
        "您发送的内容没有丢失，可以点击「联系人工」由工程师处理。",
    },
    "solved": {
        "en": "Glad that helped! Ask again any time.",
        "zh": "很高兴帮到您！有问题随时再问。",
    },
    "need_account": {
        "en": "To open a ticket I need to know which company you are with. "
        "Sign in with your account key (or ask in your company's support channel), then try again.",
        "zh": "提交工单需要先确认您的公司账号："
        "请使用账号密钥登录（或在贵公司的支持频道提问）后重试。",
    },
    "ticket_added": {
        "en": "Added to {key}. {next}",
        "zh": "已添加到工单 {key}。{next}",
    },
    "status_unknown": {
        "en": "I couldn't find ticket {ref} for your account. Check the number, or ask me "
        '"status" to list your open tickets.',
        "zh": "在您的账号下没有找到工单 {ref}。请检查编号，或发送“状态”查看您所有未关闭的工单。",
    },
    "status_none": {
        "en": "You have no open tickets.",
        "zh": "您目前没有未关闭的工单。",
    },
    "feature": {
        "en": "Thanks — I've recorded this as a feature request ({key}). The product team reviews "
        "requests weekly; you'll see its stage on the ticket.",
        "zh": "谢谢！已记录为功能需求（{key}），产品团队每周评审，可在工单中查看进度。",
    },
}

UPGRADE_STAGES = ("submitted", "in review", "quote/contract", "done")


def language(text: str) -> str:
    return "zh" if len(_CJK.findall(text)) >= 2 else "en"


def say(message: str, lang: str = "en", /, **values: object) -> str:
    table = TEXTS[message]
    return table.get(lang, table["en"]).format(**values)


def local_time(at: dt.datetime, timezone: str, *, now: dt.datetime | None = None) -> str:
    """'15:30 Mon 23 Nov (Asia/Shanghai)' — the customer's own time."""
    local = at.astimezone(ZoneInfo(timezone))
    return f"{local:%H:%M %a %d %b} ({timezone})"


def ticket_lines(ticket: TicketSummary) -> str:
    """The ticket's number, priority with reason, stage and response targets, in Markdown."""
    lines = [
        f"*{ticket.key}* — {ticket.priority} · {ticket.status.replace('_', ' ')} · {ticket.stage}"
    ]
    if ticket.priority_reason:
        reason = ticket.priority_reason.removeprefix(f"{ticket.priority}: ")
        lines.append(f"Priority {ticket.priority}: {reason}")
    if ticket.first_response_due is not None:
        when = local_time(ticket.first_response_due, ticket.timezone)
        lines.append(f"An engineer will respond by {when}.")
    if ticket.resolution_due is not None:
        lines.append(f"Resolution target: {local_time(ticket.resolution_due, ticket.timezone)}.")
    if ticket.kind == "upgrade":
        stages = " → ".join(f"*{s}*" if s == ticket.stage else s for s in UPGRADE_STAGES)
        lines.append(f"Upgrade request: {stages}")
    if ticket.missing:
        lines.append("Still missing: " + ", ".join(m.replace("_", " ") for m in ticket.missing))
    return "\n".join(lines)
