"""What the desk tells a ticket's customer, in English or Chinese, and the language to say it
in. Plain text: a Slack thread, the web chat and an e-mail all read it as it is.

The late notice is written when it is delivered, from the ticket as it is then, and not at
all when it is no longer true (answered, resolved or paused meanwhile): a stale apology would
be untrue.
"""

from __future__ import annotations

import datetime as dt

from bot.config import OrgConfig
from bot.conversation.texts import language
from bot.dates import when_text, zone_text
from bot.errors import DeskbotError
from bot.store.conversations import ConversationStore
from bot.store.records import Ticket

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "picked_up": "{who} from the support team has picked up {key} and is on it.",
        "waiting": (
            "{who} from the support team needs more information from you on {key}. Please "
            "reply here: the ticket waits for your answer."
        ),
        "resolved": "{key} was marked resolved by {who}. If it is not fixed, just reply.",
        "reopened": "{key} is open again: {who} has been told and will follow up here.",
        "reopened_by": "{who} from the support team has reopened {key}.",
        "late": (
            "We're late on {key}: we promised {what} by {at}. Sorry — {who} is on it and will "
            "reply here."
        ),
        "someone": "Someone",
        "team": "our support team",
        "engineer": "an engineer",
        "first_response": "a first response",
        "resolution": "a resolution",
    },
    "zh": {
        "picked_up": "支持团队的 {who} 已接手 {key}，正在处理。",
        "waiting": "支持团队的{who}需要您补充 {key} 的信息，请直接回复，工单会等待您的答复。",
        "resolved": "{key} 已由 {who} 标记为已解决。如果问题仍在，直接回复即可。",
        "reopened": "{key} 已重新打开，已通知{who}，会在这里跟进。",
        "reopened_by": "支持团队的{who}已重新打开 {key}。",
        "late": "抱歉，{key} 的{what}已超过我们承诺的时间（{at}）。{who}正在处理，会在这里回复您。",
        "someone": "工程师",
        "team": "支持团队",
        "engineer": "工程师",
        "first_response": "首次响应",
        "resolution": "解决",
    },
}


def say(name: str, lang: str, **values: str) -> str:
    table = TEXTS.get(lang, TEXTS["en"])
    return table[name].format(**values)


def customer_language(conversations: ConversationStore, ticket: Ticket) -> str:
    """The language of the ticket's conversation; without one, that of its subject."""
    lang: object = None
    if ticket.conversation_id is not None:
        try:
            lang = (conversations.get(ticket.conversation_id).state or {}).get("lang")
        except DeskbotError:
            lang = None
    if lang in TEXTS:
        return str(lang)
    return language(ticket.subject) if ticket.subject else "en"


def still_late(ticket: Ticket, clock_name: str, *, now: dt.datetime) -> bool:
    """The clock's promised time has passed and it still runs (not answered, resolved or
    paused)."""
    clock = ticket.clock(clock_name)
    return not (
        not ticket.is_open
        or clock is None
        or clock.due_at is None
        or clock.stopped_at is not None
        or clock.paused
        or clock.due_at > now
    )


def late_text(
    ticket: Ticket,
    clock_name: str,
    *,
    config: OrgConfig,
    lang: str,
    now: dt.datetime,
    oncall: str | None = None,
) -> str | None:
    """'We're late on SUP-1042: we promised a first response by Wed 18 Nov, 10:15
    (Asia/Shanghai (CST)). Sorry — Chen Hao is on it…'; None when it is no longer true."""
    clock = ticket.clock(clock_name)
    if clock is None or clock.due_at is None or not still_late(ticket, clock_name, now=now):
        return None
    account = config.account(ticket.account_id)
    tz = account.timezone if account is not None else "UTC"
    assignee = config.person(ticket.assignee_id) if ticket.assignee_id else None
    who = assignee.name if assignee is not None else (oncall or say("engineer", lang))
    at = f"{when_text(clock.due_at, tz, lang, now=now)} ({zone_text(tz, now=now)})"
    what = TEXTS.get(lang, TEXTS["en"]).get(clock_name, clock_name)
    return say("late", lang, key=ticket.key, what=what, at=at, who=who)
