"""Answers from the docs: cited, or an honest handoff recorded as a knowledge gap."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from bot.conversation.texts import say
from bot.conversation.types import Action, CitationRef, Reply, Turn
from bot.errors import DeskbotError
from bot.store.gaps import GapStore
from bot.store.records import Conversation
from retrieval.types import Answer

log = logging.getLogger("deskbot.conversation")

ANSWER_ACTIONS: list[Action] = ["solved", "open_ticket", "human"]
HANDOFF_ACTIONS: list[Action] = ["open_ticket", "human"]


class Answerer(Protocol):
    """The docs bot (``retrieval.KnowledgeBase`` satisfies it). ``context``: the conversation's
    earlier messages, oldest first, for the platform or product they name."""

    def ask(self, question: str, *, context: Sequence[str] = ()) -> Answer: ...


def earlier_messages(conv: Conversation, *, limit: int = 6) -> list[str]:
    """What the user wrote before this turn ("we're on Flutter"), oldest first."""
    return [m.text for m in conv.messages if m.role == "user"][-limit:]


def error_reply(conv: Conversation, what: str, lang: str) -> Reply:
    """Something failed: say so, keep nothing back, offer a person."""
    return Reply(
        kind="error",
        text=say("error", lang, what=what[:200]),
        conversation_id=conv.id,
        handoff=True,
        actions=["human"],
    )


class DocsAnswers:
    """The docs bot as the conversation uses it."""

    def __init__(self, *, knowledge: Callable[[], Answerer], gaps: GapStore) -> None:
        self.knowledge = knowledge
        self.gaps = gaps

    def answer(
        self,
        conv: Conversation,
        turn: Turn,
        *,
        lang: str,
        now: dt.datetime,
        found: Answer | None = None,
    ) -> Reply:
        """A cited answer, or a handoff recorded as a knowledge gap. ``found`` reuses an
        answer already looked up for this turn (the known-issue check)."""
        earlier = earlier_messages(conv)
        try:
            answer = (
                found if found is not None else self.knowledge().ask(turn.question, context=earlier)
            )
        except DeskbotError as exc:
            return error_reply(conv, str(exc), lang)
        except Exception as exc:  # index or model failure
            log.exception("answer failed")
            return error_reply(conv, type(exc).__name__, lang)
        citations = [CitationRef(c.source, c.heading, c.url) for c in answer.citations]
        if answer.handoff:
            top = answer.passages[0] if answer.passages else None
            self.gaps.record(
                # "and on Android?" means nothing in a digest: the question as it was searched
                answer.question or turn.question,
                now=now,
                channel=conv.channel,
                account_id=conv.account_id,
                conversation_id=conv.id,
                top_score=top.score if top else None,
                top_source=top.source if top else None,
            )
            return Reply(
                kind="handoff",
                text=say("handoff", lang),
                conversation_id=conv.id,
                confidence=answer.confidence,
                handoff=True,
                actions=HANDOFF_ACTIONS,
            )
        text = "\n\n".join([answer.answer, *turn.notes])
        return Reply(
            kind="answer",
            text=text,
            conversation_id=conv.id,
            citations=citations,
            confidence=answer.confidence,
            actions=ANSWER_ACTIONS,
        )

    def known_issue(self, conv: Conversation, text: str) -> tuple[Reply | None, Answer | None]:
        """A bug the docs already describe (release notes, known issues) gets the answer.

        Returns the reply (None when it is not a known issue) and the docs' answer, so the
        caller can reuse it rather than ask again.
        """
        try:
            answer = self.knowledge().ask(text, context=earlier_messages(conv))
        except Exception:
            return None, None
        if answer.handoff or answer.confidence < 0.6:
            return None, answer
        known = [
            c
            for c in answer.citations
            if "known issue" in c.heading.lower() or "release-notes" in c.source.lower()
        ]
        if not known:
            return None, answer
        body = (
            f"This looks like a known issue:\n\n{answer.answer}\n\n"
            "If this doesn't match what you see, I can open a ticket."
        )
        reply = Reply(
            kind="answer",
            text=body,
            conversation_id=conv.id,
            citations=[CitationRef(c.source, c.heading, c.url) for c in answer.citations],
            confidence=answer.confidence,
            actions=["solved", "open_ticket", "human"],
        )
        return reply, answer
