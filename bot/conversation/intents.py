"""What a user's turn means, read with what came before it.

A turn is one :class:`Intent` (the event the state machine in :mod:`bot.conversation.machine`
acts on). Buttons say it outright; text is read with the phrases of
:mod:`bot.conversation.phrases` (English and Chinese) together with triage's kind for the
message and the conversation's situation: a report being taken, a ticket open, the question
the bot asked last. "any update?" is a status request
whatever else is going on; "Android 14, SDK 2.14.1" is more detail while a report is being
taken and a new report otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.conversation.overlap import relatedness, words
from bot.conversation.phrases import (
    ABOUT_REPORT,
    ANOTHER,
    ASKS_HOW,
    COMMERCIAL,
    GO_AHEAD,
    GREETING,
    HOW_TO,
    HUMAN,
    JUST_ASKING,
    LIST_TICKETS,
    NEW_TOPIC,
    NO,
    QUESTION_START,
    REQUEST,
    SOLVED,
    STATUS,
    THANKS,
    YES,
)
from bot.conversation.state import Awaiting
from bot.triage.subject import says_nothing

__all__ = [
    "GO_AHEAD",
    "GREETING",
    "HUMAN",
    "QUESTION_START",
    "SOLVED",
    "THANKS",
    "Intent",
    "Reading",
    "TurnFacts",
    "read_turn",
    "relatedness",
    "words",
]


class Intent(StrEnum):
    SOLVED = "solved"  # the answer (or the known issue) settled it
    THANKS = "thanks"  # thanks / ok, nothing new
    GREETING = "greeting"
    HUMAN = "human"  # asks for a person
    OPEN_TICKET = "open_ticket"  # asks for a ticket (button or words)
    GO_AHEAD = "go_ahead"  # open the report with what it has
    NEW_TOPIC = "new_topic"  # start over / a different question
    NOT_IT = "not_it"  # the known issue offered does not match
    STATUS = "status"  # where does my ticket stand
    LIST_TICKETS = "list_tickets"
    COMMERCIAL = "commercial"  # pricing, discounts, contracts, invoices, plan changes
    FEATURE = "feature"
    REPORT = "report"  # a (new) problem
    DETAIL = "detail"  # more facts for the report or the open ticket
    QUESTION = "question"  # a documentation question


@dataclass(frozen=True)
class TurnFacts:
    """What :func:`read_turn` weighs: the message, and the conversation's situation."""

    text: str
    action: str | None = None
    uploads: bool = False
    kind: str = "question"  # triage's kind for the message (read with the topic's earlier ones)
    has_facts: bool = False  # versions, OS, device, steps or logs in the message itself
    environment: bool = False  # SDK version, OS version or device in the message itself
    reporting: bool = False  # a report is being taken
    awaiting: Awaiting | None = None
    has_ticket: bool = False  # an open ticket belongs to this conversation
    related: float = 0.0  # how much the message shares with the report / ticket so far
    after_answer: bool = False  # the bot's last reply answered from the docs (or handed off)
    after_agent: bool = False  # the last word before this turn was a person's on the ticket
    topic_question: bool = False  # the topic asked how to do or fix something
    thin_report: bool = False  # the report being taken holds a headline and nothing more
    headline: bool = False  # the message opens with a problem of its own ("X crashes when…")
    strong_bug: bool = False  # crash, regression, data loss, outage or a bug template
    ticket_ref: bool = False  # names a ticket ("SUP-1042", "ticket #1042")
    other_product: bool = False  # about the other product than the followed ticket (chat/RTC)
    ticket_kind: str | None = None  # the followed ticket's kind ("bug", "feature", "upgrade", …)
    just_opened: bool = False  # the bot's last reply opened the followed ticket


@dataclass(frozen=True)
class Reading:
    intent: Intent
    rest: str = ""  # for NEW_TOPIC: what the message says after "another question:"
    # for QUESTION while a report is taken: the topic is a how-to question, not that report
    instead_of_report: bool = False


_ACTIONS = {
    "solved": Intent.SOLVED,
    "human": Intent.HUMAN,
    "open_ticket": Intent.OPEN_TICKET,
    "go_ahead": Intent.GO_AHEAD,
    "new_topic": Intent.NEW_TOPIC,
    "not_it": Intent.NOT_IT,
    "status": Intent.STATUS,
}


def read_turn(facts: TurnFacts) -> Reading:
    """The intent of one turn."""
    if facts.action in _ACTIONS:
        return Reading(_ACTIONS[facts.action])
    text = facts.text.strip()
    if not text:
        return Reading(Intent.DETAIL if (facts.reporting or facts.has_ticket) else Intent.REPORT)
    short = len(text) <= 160 and text.count("\n") <= 2
    fresh = NEW_TOPIC.search(text)
    if fresh:
        return Reading(Intent.NEW_TOPIC, rest=text[fresh.end() :].strip())
    if short and LIST_TICKETS.search(text):
        return Reading(Intent.LIST_TICKETS)
    if short and (facts.ticket_ref or _is_status(text, facts)):
        return Reading(Intent.STATUS)
    if short and HUMAN.search(text):
        # "can I talk to someone about pricing?" is for the account team
        return Reading(Intent.COMMERCIAL if _is_commercial(text, facts) else Intent.HUMAN)
    if facts.awaiting == "known_issue" and short:
        if NO.search(text):
            return Reading(Intent.NOT_IT)
        if YES.search(text) or SOLVED.search(text):
            return Reading(Intent.SOLVED)
    if facts.after_agent and facts.has_ticket and not facts.reporting:
        # An engineer wrote last: whatever the customer says now is their answer to it
        # ("yes, 4.2.2 fixes it"), for the ticket — not thanks to the bot, nor a docs question.
        return Reading(Intent.DETAIL)
    if short and facts.has_ticket and not facts.reporting and _solved_ticket(text, facts):
        # "it's fixed now after upgrading to 2.15.1, you can close it": for the ticket
        return Reading(Intent.SOLVED)
    if short and GO_AHEAD.search(text) and not facts.has_facts:
        return Reading(Intent.GO_AHEAD if facts.reporting else Intent.OPEN_TICKET)
    if short and not facts.has_facts and facts.kind not in ("bug", "outage"):
        if SOLVED.search(text):
            return Reading(Intent.SOLVED)
        if THANKS.search(text) and "?" not in text and "？" not in text:
            return Reading(Intent.THANKS)
        if GREETING.search(text):
            return Reading(Intent.GREETING)
    if short and not facts.has_facts and not facts.uploads and _says_nothing(text, facts):
        # "hi, something is wrong", "有个问题": what it is comes next; nothing to report yet
        return Reading(Intent.GREETING)
    if _is_commercial(text, facts):
        if facts.has_ticket and facts.ticket_kind in _COMMERCIAL_KINDS:
            # more about the request the account team already has ("…日活 5 万，有年付套餐吗？")
            return Reading(Intent.DETAIL)
        return Reading(Intent.COMMERCIAL)
    if JUST_ASKING.search(text) and not facts.uploads and not facts.reporting:
        return Reading(Intent.QUESTION)
    if _asked_instead(facts):
        return Reading(Intent.QUESTION, instead_of_report=True)
    return Reading(_content_intent(facts))


_COMMERCIAL_KINDS = ("upgrade", "commercial")


def _is_status(text: str, facts: TurnFacts) -> bool:
    if not STATUS.search(text):
        return False
    # "what's the status code of NR-2004?", "how do I get the connection status?": questions
    technical = re.search(
        r"(?i)status ?code|\bcode\b|presence|online|connection|在线|连接|状态码|怎么(?:获取|查询)",
        text,
    )
    return not technical or (facts.has_ticket and len(text) < 40)


def _is_commercial(text: str, facts: TurnFacts) -> bool:
    if facts.reporting and facts.kind in ("bug", "outage"):
        return False
    found = facts.kind == "upgrade" or COMMERCIAL.search(text)
    if not found:
        return False
    # "How do I download an invoice?" is a docs question; "we'd like a quote" is a request.
    return not (HOW_TO.search(text) and not REQUEST.search(text))


def _solved_ticket(text: str, facts: TurnFacts) -> bool:
    """Says the followed ticket's problem is gone — and nothing after a "but"."""
    return (
        not facts.uploads
        and facts.kind != "outage"
        and bool(SOLVED.search(text))
        and not re.search(r"(?i)\bbut\b|\bstill\b|\bexcept\b|但是|不过|还是|仍然", text)
    )


def _says_nothing(text: str, facts: TurnFacts) -> bool:
    """Only that there is a problem or a question, with no report or ticket under way."""
    if facts.reporting or facts.has_ticket:
        return False
    # "?", "no", "please help, urgent!!": no word that says what about
    return says_nothing(text) or not (words(text) or re.search(r"\d", text))


def _asked_instead(facts: TurnFacts) -> bool:
    """A report was started from a bare headline ("Transport connection state changed to
    failed", "服务端装不起来") and the user now asks how to set it up or fix it: the topic is
    an integration question for the docs, not a bug report. A question about what the report
    needs ("where do I find the logs?") leaves the report as it is."""
    if not (facts.reporting and facts.thin_report and not facts.uploads):
        return False
    if ABOUT_REPORT.search(facts.text) or not ASKS_HOW.search(facts.text):
        return False
    if facts.kind == "question" and not facts.has_facts:
        return True
    # "调用 X 之后没有任何反应……应该从哪里拿到失败返回的参数？": the story of the failure told
    # to ask how to handle it — no versions or device, and a sentence that asks how
    return (
        facts.kind in ("question", "bug")
        and not facts.environment
        and not facts.strong_bug
        and _asks_how(facts.text)
    )


def _asks_how(text: str, *, last: bool = False) -> bool:
    """A sentence asks how to do or fix something, or what an error means; ``last``: the
    message's last sentence may ask it without a question mark ("部署报错，怎么解决")."""
    sentences = [p for p in re.split(r"(?<=[.!?。！？])\s*", text.strip()) if p.strip()]
    return any(
        (_ends_asking(p) or (last and n == len(sentences) - 1)) and ASKS_HOW.search(p)
        for n, p in enumerate(sentences)
    )


def _content_intent(facts: TurnFacts) -> Intent:
    """A message with content: a question, a problem, or more facts for the current one."""
    kind = facts.kind
    problem = kind in ("bug", "outage")
    if facts.reporting:
        asked = facts.awaiting == "details" and facts.related >= 0.3
        if kind == "question" and not facts.has_facts and not facts.uploads and not asked:
            return Intent.QUESTION
        return Intent.DETAIL
    if facts.has_ticket:
        if (
            kind == "question"
            and not facts.uploads
            and (_asking(facts.text) or not facts.has_facts)
        ):
            return Intent.QUESTION
        more_of_it = facts.ticket_kind == "feature" and facts.just_opened
        if kind == "feature" and facts.related < 0.2 and not more_of_it:
            # a new request; right after one was recorded, the next message is more of it
            return Intent.FEATURE
        # A different problem starts a report of its own; anything else adds to the ticket
        # (right after a report, the next message is nearly always more of it).
        elsewhere = facts.other_product or ANOTHER.search(facts.text)
        if problem and facts.headline and facts.related < 0.2 and elsewhere and not facts.uploads:
            return Intent.REPORT
        return Intent.DETAIL
    if problem and not facts.strong_bug and not facts.uploads:
        if facts.topic_question and not facts.environment:
            # "how do I send messages?" then the error it gave: still the how-to question (with
            # the SDK version, OS and device after the answer, it is a report for an engineer)
            return Intent.QUESTION
        if facts.after_answer and _ends_asking(facts.text):
            # answered from the docs, the user tells more and asks again ("… What is wrong?")
            return Intent.QUESTION
        if not facts.environment and _asks_how(facts.text, last=True):
            # "Getting NC-2002 when connecting, what am I doing wrong?", "部署报错，怎么解决":
            # an integration question worded as its error — the docs first, a ticket on offer
            return Intent.QUESTION
    if problem or facts.uploads:
        return Intent.REPORT
    if kind == "feature":
        return Intent.FEATURE
    if facts.headline and not _asking(facts.text):
        # "remote video goes black after …": a failure stated, not asked about, is a report
        return Intent.REPORT
    if kind in ("other", "status") and facts.has_facts and facts.after_answer:
        # the answer did not settle it and the user tells us more: that is a report
        return Intent.REPORT
    return Intent.QUESTION


def _ends_asking(text: str) -> bool:
    """The message's last sentence is a question."""
    return text.rstrip().endswith(("?", "？"))


def _asking(text: str) -> bool:
    """Worded as a question: "how do I…", "is there…", or ending in a question mark."""
    return bool(QUESTION_START.search(text) or text.rstrip().endswith(("?", "？")))
