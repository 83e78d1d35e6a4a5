"""A fake docs bot for the conversation service (triage and intake run for real: they are
fast, offline and deterministic)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.errors import IndexUnavailable
from retrieval.followup import with_earlier_question
from retrieval.types import Answer, Citation, SearchHit


class FakeAnswerer:
    """Answers from a dict of keyword -> (answer, source, heading); anything else is a handoff."""

    def __init__(
        self,
        answers: dict[str, tuple[str, str, str]] | None = None,
        *,
        broken: bool = False,
        hits: Sequence[SearchHit] = (),
    ) -> None:
        self.answers = answers or {}
        self.broken = broken
        self.hits = list(hits)  # what ``search`` finds (known-issue lookups)
        self.asked: list[str] = []
        self.searched: list[str] = []
        self.contexts: list[list[str]] = []  # the earlier messages each question came with

    def sections(self, keep: Callable[[Any], bool]) -> list[SearchHit]:
        """Every passage of ``hits`` that ``keep`` accepts (hits have the chunk's fields)."""
        self.searched.append("sections")
        if self.broken:
            raise IndexUnavailable("the search index is unavailable")
        return [h for h in self.hits if keep(h)]

    def ask(self, question: str, *, context: Sequence[str] = ()) -> Answer:
        self.asked.append(question)
        self.contexts.append(list(context))
        if self.broken:
            raise IndexUnavailable("the search index is unavailable")
        for keyword, (text, source, heading) in self.answers.items():
            if keyword in question.lower():
                hit = SearchHit(source=source, heading=heading, text=text, score=0.9)
                return Answer(
                    text,
                    [Citation(source, heading, f"https://docs.example/{source}")],
                    0.9,
                    False,
                    [hit],
                )
        miss = SearchHit(source="faq/misc.yaml", heading="Other", text="...", score=0.1)
        searched = with_earlier_question(question, context)  # as the knowledge base reports it
        return Answer("", [], 0.1, True, [miss], question=searched)
