"""Answers from the docs: cited (streamed as the model writes them), or an honest handoff
recorded as a knowledge gap; and the docs' known issues, looked up for a bug report."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Generator, Sequence
from typing import Protocol

from bot.conversation.known_issues import (
    Match,
    Report,
    find_known_issue,
    is_known_issue_section,
)
from bot.conversation.texts import say
from bot.conversation.types import Action, CitationRef, Reply, Turn
from bot.errors import DeskbotError
from bot.store.gaps import GapStore
from bot.store.records import Conversation
from retrieval.types import Answer, SearchHit

log = logging.getLogger("deskbot.conversation")

ANSWER_ACTIONS: list[Action] = ["solved", "open_ticket", "human"]
HANDOFF_ACTIONS: list[Action] = ["open_ticket", "human"]


class Answerer(Protocol):
    """The docs bot (``retrieval.KnowledgeBase`` satisfies it). ``context``: the conversation's
    earlier messages, oldest first, for the platform or product they name. ``ask_stream`` and
    ``search`` are used when present (streaming answers; known-issue lookups)."""

    def ask(self, question: str, *, context: Sequence[str] = ()) -> Answer: ...


def error_reply(conv: Conversation, what: str, lang: str, *, saved: bool = True) -> Reply:
    """Something failed: say so honestly, offer a person."""
    return Reply(
        kind="error",
        text=say("error" if saved else "error_unsaved", lang, what=what[:200]),
        conversation_id=conv.id,
        handoff=True,
        actions=["human"],
        lang=lang,
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
        earlier: Sequence[str] = (),
    ) -> Generator[str, None, Reply]:
        """Yield the answer's text as it is produced; return the cited answer, or a handoff
        recorded as a knowledge gap. ``earlier``: the user's earlier messages of this topic."""
        try:
            kb = self.knowledge()
            stream = getattr(kb, "ask_stream", None)
            if stream is not None:
                pieces = stream(turn.question, context=list(earlier))
                yield from pieces
                answer: Answer = pieces.result()
            else:
                answer = kb.ask(turn.question, context=list(earlier))
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
                lang=lang,
            )
        text = "\n\n".join([answer.answer, *turn.notes])
        return Reply(
            kind="answer",
            text=text,
            conversation_id=conv.id,
            citations=citations,
            confidence=answer.confidence,
            actions=ANSWER_ACTIONS,
            lang=lang,
        )

    def known_issue(self, report: Report, query: str, *, context: Sequence[str]) -> Match | None:
        """A known issue of the docs that matches ``report`` (see :mod:`known_issues`). Every
        known-issue section is read when the docs bot can list them; otherwise the best
        passages of a search are."""
        try:
            kb = self.knowledge()
            sections = getattr(kb, "sections", None)
            hits: list[SearchHit]
            if sections is not None:
                hits = list(sections(lambda chunk: is_known_issue_section(
                    chunk.source, chunk.heading, chunk.text
                )))  # fmt: skip
            elif query.strip():
                hits = list(kb.ask(query, context=list(context)).passages)
            else:
                hits = []
        except Exception:  # a failed lookup only means no suggestion
            log.warning("known-issue lookup failed", exc_info=True)
            return None
        return find_known_issue(report, hits)
