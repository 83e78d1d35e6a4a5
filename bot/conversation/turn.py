"""One turn as the steps see it, and what every step may need of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from bot.config import Account, OrgConfig
from bot.conversation.intents import GO_AHEAD, HUMAN
from bot.conversation.state import ConversationState
from bot.conversation.texts import say
from bot.conversation.types import Action, Inbound, Reply, ReplyKind, Turn
from bot.store.records import Conversation, Ticket
from bot.triage.models import TriageResult

# Replies to messages that were not about the topic: a status request, thanks, or more detail
# that went to an earlier ticket.
_ASIDE = ("status", "acknowledged", "ticket_updated")


@dataclass
class TurnContext:
    """One turn as the steps see it."""

    conv: Conversation  # as loaded at the start of the turn (without this turn's message)
    inbound: Inbound
    turn: Turn
    state: ConversationState
    account: Account | None
    lang: str
    now: dt.datetime
    ticket: Ticket | None  # the conversation's open ticket, if any
    result: TriageResult | None = None  # triage's reading of this message
    fresh: bool = False  # "another question: …" — the earlier topic does not count
    opened: Ticket | None = None  # a ticket opened by this turn
    prefix: list[str] = field(default_factory=list)  # said before the step's own text

    @property
    def topic(self) -> list[str]:
        """The user's earlier messages of the current topic, oldest first — leaving out the
        ones that were about something else ("status?", "thanks")."""
        if self.fresh:
            return []
        messages = self.conv.messages[self.state.topic_start :]
        out = []
        for n, m in enumerate(messages):
            if m.role != "user" or not m.text:
                continue
            answer = next((b for b in messages[n + 1 :] if b.role == "bot"), None)
            if answer is None or answer.data.get("kind") not in _ASIDE:
                out.append(m.text)
        return out

    def reply(self, kind: ReplyKind, text: str, **values: object) -> Reply:
        body = "\n\n".join([*self.prefix, text]) if self.prefix else text
        return Reply(kind=kind, text=body, conversation_id=self.conv.id, lang=self.lang, **values)  # type: ignore[arg-type]


def mark_opened(ctx: TurnContext, ticket: Ticket) -> Ticket:
    """Note the ticket this turn opened; what the topic said is in it now, so the next
    message starts a new topic."""
    ctx.opened = ticket
    ctx.state.topic_start = len(ctx.conv.messages) + 2
    return ticket


def close_topic(ctx: TurnContext) -> None:
    """What was said so far is settled: the next message starts a new topic."""
    ctx.state.topic_start = len(ctx.conv.messages) + 2


def sign_in_reply(
    ctx: TurnContext, config: OrgConfig, *, contact: bool = False, why: str = "sign_in"
) -> Reply:
    """Who is this? The web page can sign in (or take the contact form); elsewhere the
    place the user writes from says which company they are with."""
    if ctx.inbound.channel != "web":
        return ctx.reply("handoff", say("need_account", ctx.lang), handoff=True)
    offer = contact and config.web.contact_form
    text = say("sign_in_or_contact" if offer else why, ctx.lang)
    actions: list[Action] = ["sign_in", "contact"] if offer else ["sign_in"]
    return ctx.reply("handoff", text, handoff=True, actions=actions)


def says_more(text: str) -> bool:
    """More than the request itself ("talk to a human", "open a ticket"): a subject."""
    rest = HUMAN.sub("", GO_AHEAD.sub("", text)).strip(" .,!?;:，。！？")
    return len(rest) > 15


def with_changes(reply: Reply, **changes: object) -> Reply:
    return replace(reply, **changes)  # type: ignore[arg-type]
