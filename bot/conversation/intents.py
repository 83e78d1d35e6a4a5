"""What a user's turn means, read with what came before it.

A turn is one :class:`Intent` (the event the state machine in :mod:`bot.conversation.machine`
acts on). Buttons say it outright; text is read with the phrases below (English and Chinese)
together with triage's kind for the message and the conversation's situation: a report being
taken, a ticket open, the question the bot asked last. "any update?" is a status request
whatever else is going on; "Android 14, SDK 2.14.1" is more detail while a report is being
taken and a new report otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.conversation.state import Awaiting


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


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


STATUS = _any(
    r"^\W*(?:status|updates?|news|progress|eta)\W*$",
    r"\b(?:what'?s|what is|any|get an?|give me an?|is there an?)\s+(?:the\s+)?(?:latest\s+)?"
    r"(?:status|updates?|news|progress|eta)\b(?!\s*code)",
    r"\bstatus (?:of|on) (?:my|our|the|this|that)\b",
    r"\b(?:my|our|the) (?:ticket|case|request|issue|report|bug)'?s? (?:status|progress)\b",
    r"\bwhere (?:are we|is it|does it stand|do things stand|are things)\b",
    r"\bhas (?:anyone|anybody|someone|an engineer) (?:looked|picked|replied|responded|seen)\b",
    r"\b(?:is|has) (?:it|this|that|my (?:ticket|case|issue|bug)|the (?:ticket|case|issue|bug)) "
    r"(?:been )?(?:fixed|resolved|looked at|picked up)(?: yet)?\s*\?",
    r"\bstill waiting\b|\bhow'?s (?:it|my ticket|the ticket|my case|that) going\b",
    r"\bwhen will (?:someone|you|an engineer|it be fixed|i hear)\b|\bany news\b",
    r"\bfollow(?:ing)? up on (?:my|our|the)\b",
    r"进度(?!条)|进展|处理到哪|怎么样了|有结果了?吗|有人跟进|有人处理|还没(?:有)?(?:回复|处理|人理)|催一下|跟进一下",
    r"(?:工单|问题|反馈)(?:的)?状态|^\W*状态\W*$",
    r"什么时候(?:能)?(?:回复|解决|修复|处理)",
)
LIST_TICKETS = _any(
    r"\b(?:list|show|see|view|check)\b[^.?\n]{0,20}\b(?:tickets|cases|requests)\b",
    r"\bmy (?:open )?tickets\b|\bopen tickets\b|\ball (?:my |our )?tickets\b",
    r"工单列表|所有(?:的)?工单|查看(?:我的)?(?:全部|所有)?工单|哪些工单|几个工单",
)
HUMAN = _any(
    r"\b(?:talk|speak|chat) (?:to|with) (?:a |an |some |your )?(?:human|person|agent|engineer|"
    r"someone|somebody|real person|support(?: team)?|people)\b",
    r"\b(?:human|real person|live agent|agent) please\b|^\W*(?:human|agent|operator)\W*$",
    r"\bconnect me (?:to|with)\b|\bget me (?:a|an) (?:human|person|engineer)\b",
    r"转人工|人工客服|找人工|联系人工|人工服务|真人|找个人|找工程师|技术支持联系",
)
NEW_TOPIC = _any(
    r"^\W*(?:start over|start again|new topic|new question|reset|restart|never ?mind|"
    r"forget (?:it|that|about it)|something else)\W*$",
    r"^\W*(?:i have )?(?:a |an )?(?:different|another|new|separate|unrelated|other) "
    r"(?:question|issue|problem|topic|thing|bug)\b[\s:,.!-]*",
    r"^\W*(?:重新开始|换个问题|换个话题|新问题|另一个问题|另外一个问题|其他问题|别的问题|不说这个了)"
    r"[\s：:，,。.！!]*",
)
SOLVED = _any(
    r"^\W*(?:that|it|this) (?:helped|helps|worked|works|did it|fixed it|solved it)\b",
    r"^\W*(?:it )?works now\b|^\W*(?:solved|resolved|fixed)\W*$|^\W*problem solved\b",
    r"^\W*(?:解决了|可以了|好了|搞定|有用|问题解决)",
)
THANKS = _any(
    r"^\W*(?:thanks?|thank you|thx|ty|cheers|great|perfect|awesome|got it|ok(?:ay)?|cool|"
    r"understood|nice|good|all good)\b",
    r"^\W*(?:谢谢|多谢|感谢|好的|明白了?|收到|了解|知道了|ok)",
)
GREETING = _any(
    r"^\W*(?:hi|hello|hey|good (?:morning|afternoon|evening)|你好|您好|哈喽|在吗)\W*"
    r"(?:there|team|all)?\W*$"
)
YES = _any(
    r"^\W*(?:yes|yep|yeah|yup|exactly|correct|right|same(?: here| issue| problem)?|"
    r"that'?s (?:it|the one|right|my (?:issue|problem))|looks like it|sounds like it|matches)\b",
    r"^\W*(?:是的|对|没错|就是这个|就是它|一样|是这个)",
)
NO = _any(
    r"^\W*(?:no|nope|not (?:really|quite|that|it|the same|my (?:issue|problem))|different|"
    r"doesn'?t match|does not match|that'?s not it)\b",
    r"^\W*(?:不是|不对|不一样|没用|不是这个)",
)
GO_AHEAD = _any(
    r"\bgo ahead\b|\bjust (?:open|file|create|submit|log)\b",
    r"\b(?:open|file|create|submit|raise|log) (?:it|the ticket|a ticket|a bug|the report|"
    r"a support ticket|a case)\b",
    r"\bthat'?s all (?:i have|we have|i know|i can share)\b",
    r"\bno more (?:info|details|information)\b",
    r"直接提交|先提交|提交工单|创建工单|开工单|开个工单|提个工单|建个工单|就这些|没有更多|先这样",
)
COMMERCIAL = _any(
    r"\bpric(?:e|es|ing)\b|\bquot(?:e|ation)\b|\bdiscount\w*|\binvoice\w*|\bbilling\b|\brefund\w*",
    r"\bcontract\w*|\bcommitment\b|\bprocurement\b|\bpurchase order\b|\bhow much\b|\bcost\b",
    r"\b(?:upgrad|downgrad|chang|switch|mov)\w* (?:to |our |my |the |a )?(?:\w+ ){0,2}"
    r"(?:plan|tier|subscription|support plan|edition)\b",
    r"\b(?:upgrad|downgrad)\w* to (?:enterprise|pro|basic|premium)\b",
    r"\brenew\w* (?:our |my |the )?(?:plan|subscription|contract|licen[cs]e)\b",
    r"价格|报价|收费|费用|多少钱|折扣|优惠|合同|发票|开票|续费|续约|退款|购买|商务|升级套餐|降级|"
    r"(?:升级|换)(?:到|成)?(?:企业|专业|高级|旗舰)版",
)
ANOTHER = _any(
    r"\b(?:also|another|a different|a separate|an unrelated|a new|a second|one more|other)\b"
    r"[^.?!\n]{0,20}\b(?:issue|problem|bug|crash|thing)\b",
    r"^\W*(?:also|separately|besides|in addition|btw|by the way)\b",
    r"另外|还有一个|另一个|另一件|新的问题|其他问题|别的问题|顺便",
)
JUST_ASKING = _any(
    r"\b(?:just|only) (?:a|one) (?:quick )?question\b|\bquick question\b",
    r"^\W*(?:i have a|one more|another) question\b",
    r"问一下|请教一下|咨询一下|想问(?:一下)?",
)
QUESTION_START = re.compile(
    r"(?i)^\W*(?:how (?:to|do|can|should|does)|is (?:it|there)|can (?:i|we|you)|what|which|"
    r"where|why|does|do you|怎么|如何|怎样|请问|是否|能否|为什么|有没有|可以)"
)
HOW_TO = re.compile(
    r"(?i)^\W*(?:how (?:do|can|should) (?:i|we)|how to|where (?:do|can) (?:i|we)|"
    r"can i (?:download|see|find|change)|怎么|如何|在哪)"
)
REQUEST = re.compile(
    r"(?i)\b(?:we(?:'d| would) like|we want|i want|can we (?:get|have)|could we|please|"
    r"interested in|looking for)\b|我们想|我们希望|希望|想要|能否|可以给"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{2,}|\d+\.\d+[\w.]*|[\u4e00-\u9fff]{2,}")
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "when",
        "after",
        "from",
        "our",
        "app",
        "sdk",
        "have",
        "has",
        "was",
        "are",
        "not",
        "but",
        "its",
        "you",
        "your",
        "can",
        "get",
        "any",
        "how",
        "what",
        "why",
        "does",
        "did",
        "about",
        "also",
        "just",
        "still",
        "into",
        "them",
        "they",
        "then",
        "there",
        "here",
        "some",
        "more",
        "very",
        "really",
        "please",
        "thanks",
        "hello",
        "version",
        "issue",
        "problem",
        "bug",
        "error",
        "我们",
        "这个",
        "那个",
        "一个",
        "问题",
        "没有",
        "现在",
        "然后",
        "就是",
        "还是",
        "可以",
    ]
)


@dataclass(frozen=True)
class TurnFacts:
    """What :func:`read_turn` weighs: the message, and the conversation's situation."""

    text: str
    action: str | None = None
    uploads: bool = False
    kind: str = "question"  # triage's kind for the message (read with the topic's earlier ones)
    has_facts: bool = False  # versions, OS, device, steps or logs in the message itself
    reporting: bool = False  # a report is being taken
    awaiting: Awaiting | None = None
    has_ticket: bool = False  # an open ticket belongs to this conversation
    related: float = 0.0  # how much the message shares with the report / ticket so far
    after_answer: bool = False  # the bot's last reply answered from the docs (or handed off)
    after_agent: bool = False  # the last word before this turn was a person's on the ticket
    topic_question: bool = False  # the topic opened with a how-to question
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
    if short and GO_AHEAD.search(text) and not facts.has_facts:
        return Reading(Intent.GO_AHEAD if facts.reporting else Intent.OPEN_TICKET)
    if short and not facts.has_facts and facts.kind not in ("bug", "outage"):
        if SOLVED.search(text):
            return Reading(Intent.SOLVED)
        if THANKS.search(text) and "?" not in text and "？" not in text:
            return Reading(Intent.THANKS)
        if GREETING.search(text):
            return Reading(Intent.GREETING)
    if _is_commercial(text, facts):
        if facts.has_ticket and facts.ticket_kind in _COMMERCIAL_KINDS:
            # more about the request the account team already has ("…日活 5 万，有年付套餐吗？")
            return Reading(Intent.DETAIL)
        return Reading(Intent.COMMERCIAL)
    if JUST_ASKING.search(text) and not facts.uploads and not facts.reporting:
        return Reading(Intent.QUESTION)
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
        if facts.topic_question:
            # "how do I send messages?" then the error it gave: still the how-to question
            return Intent.QUESTION
        if facts.after_answer and _ends_asking(facts.text):
            # answered from the docs, the user tells more and asks again ("… What is wrong?")
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


def words(text: str) -> set[str]:
    """Content words (Chinese as character pairs), for telling whether two messages are
    about the same thing."""
    out: set[str] = set()
    for word in _WORD.findall(text):
        if word[0] >= "\u4e00":
            out.update(word[i : i + 2] for i in range(len(word) - 1))
        else:
            out.add(word.lower())
    return out - _STOP


def relatedness(text: str, earlier: str, *, cap: int = 10) -> float:
    """How much ``text`` and ``earlier`` are about the same thing: the words they share, as
    a share of the shorter one's (at most ``cap``), so a long message that repeats a few
    key words of a short subject still counts as related."""
    mine, theirs = words(text), words(earlier)
    if not mine or not theirs:
        return 0.0
    return min(1.0, len(mine & theirs) / min(len(mine), len(theirs), cap))
