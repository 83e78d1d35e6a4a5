"""Answers: grounded LLM answers when a model is configured, extractive ones otherwise, and an
honest hand-off when the docs do not cover the question."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator, Sequence

from retrieval.answerability import Answerability, default_model
from retrieval.embedder import Embedder
from retrieval.evidence import Evidence
from retrieval.extractive import compose
from retrieval.followup import is_follow_up, standalone_question, with_earlier_question
from retrieval.lexical import LexicalIndex
from retrieval.llm import ChatModel, LLMError
from retrieval.platforms import platform_of
from retrieval.prompt import (
    NOT_IN_DOCS,
    SYSTEM_PROMPT,
    build_user_message,
    check_citations,
    filter_stream,
)
from retrieval.results import to_hit
from retrieval.search import Searcher
from retrieval.tokenizer import has_chinese
from retrieval.types import Answer, Citation, SearchFilters, SearchHit

log = logging.getLogger("deskbot.retrieval")

HANDOFF_TEXT = (
    "I could not find this in the documentation, so I am handing it to a person on the "
    "support team."
)
MAX_QUESTION_CHARS = 2000
EXTRACTIVE_PASSAGES = 3
LLM_PASSAGES = 5
# The model read the passages and found no answer in them: whatever retrieval thought, the
# chance that they hold it is small.
JUDGED_UNANSWERED = 0.1


class AnswerStream:
    """Iterate for the text pieces; afterwards ``answer`` holds the checked :class:`Answer`."""

    def __init__(self, pieces: Iterator[str]) -> None:
        self._pieces = pieces
        self.answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        return self._pieces

    def result(self) -> Answer:
        """Drain the stream (if not yet) and return the final answer."""
        for _ in self._pieces:
            pass
        assert self.answer is not None
        return self.answer


class Answerer:
    def __init__(
        self,
        *,
        searcher: Searcher,
        lexical: LexicalIndex,
        llm: ChatModel | None = None,
        answerability: Answerability | None = None,
    ) -> None:
        self.searcher = searcher
        self.lexical = lexical
        self.llm = llm
        self.answerability = answerability or default_model()

    def _retrieve(
        self, question: str, filters: SearchFilters | None, context: Sequence[str]
    ) -> tuple[list[SearchHit], float]:
        ranked, evidence = self.searcher.rank(
            question, k=LLM_PASSAGES, filters=filters, context=context
        )
        midpoint = dense_midpoint(self.searcher.embedder, question, evidence)
        probability = self.answerability.probability(evidence, midpoint=midpoint)
        return [to_hit(r) for r in ranked], probability

    def ask(
        self,
        question: str,
        *,
        filters: SearchFilters | None = None,
        context: Sequence[str] = (),
    ) -> Answer:
        """``context``: the conversation's earlier messages (see :meth:`Searcher.rank`)."""
        return self.ask_stream(question, filters=filters, context=context).result()

    def ask_stream(
        self,
        question: str,
        *,
        filters: SearchFilters | None = None,
        context: Sequence[str] = (),
    ) -> AnswerStream:
        stream = AnswerStream(iter(()))
        stream._pieces = self._run(question, filters, tuple(context), stream)
        return stream

    def _run(
        self,
        question: str,
        filters: SearchFilters | None,
        context: Sequence[str],
        stream: AnswerStream,
    ) -> Iterator[str]:
        llm = self.llm
        try:
            whole = standalone_question(question, context, llm)
        except LLMError:
            log.warning("LLM failed rewriting a follow-up; answering without it", exc_info=True)
            whole, llm = with_earlier_question(question, context), None  # don't wait twice
        said = platform_of(question) if whole != question and is_follow_up(question) else None
        if said and not (filters and filters.platform):
            # "…on iOS?" then "and on Android?": the follow-up's platform is the one meant.
            filters = dataclasses.replace(filters or SearchFilters(), platform=said)
        whole = " ".join(whole.split())[:MAX_QUESTION_CHARS]
        yield from self._answer(whole, filters, context, stream, llm)
        assert stream.answer is not None
        stream.answer = dataclasses.replace(stream.answer, question=whole)

    def _answer(
        self,
        question: str,
        filters: SearchFilters | None,
        context: Sequence[str],
        stream: AnswerStream,
        llm: ChatModel | None,
    ) -> Iterator[str]:
        if not question:
            stream.answer = _handoff([], 0.0)
            yield stream.answer.answer
            return
        hits, conf = self._retrieve(question, filters, context)
        # With a model to judge the passages, the doubtful middle is its call (it replies
        # NOT_IN_DOCS when they do not answer); without one, the threshold decides alone.
        threshold = self.answerability.handoff_below
        if not hits or conf < (self.answerability.llm_gate if llm is not None else threshold):
            stream.answer = _handoff(hits, conf)
            yield stream.answer.answer
            return
        if llm is not None:
            yielded = False
            try:
                for piece in self._llm_pieces(llm, question, hits, conf, stream):
                    yielded = True
                    yield piece
                return
            except LLMError:
                if yielded:
                    yield "\n\n"
        # No model, or it failed: the extractive answer stands on retrieval's word alone.
        if conf < threshold:
            stream.answer = _handoff(hits, conf)
        else:
            stream.answer = self._extractive(question, hits, conf)
        yield stream.answer.answer

    def _extractive(self, question: str, hits: list[SearchHit], conf: float) -> Answer:
        passages = hits[:EXTRACTIVE_PASSAGES]
        return Answer(
            answer=compose(question, passages, self.lexical.idf),
            citations=[Citation(h.source, h.heading, h.url) for h in passages],
            confidence=conf,
            handoff=False,
            passages=hits,
            mode="extractive",
        )

    def _llm_pieces(
        self,
        llm: ChatModel,
        question: str,
        hits: list[SearchHit],
        conf: float,
        stream: AnswerStream,
    ) -> Iterator[str]:
        passages = hits[:LLM_PASSAGES]
        raw: list[str] = []

        def recording() -> Iterator[str]:
            for piece in llm.stream(SYSTEM_PROMPT, build_user_message(question, passages)):
                raw.append(piece)
                yield piece

        held, released, refused = "", False, False
        for piece in filter_stream(recording(), len(passages)):
            if released:
                yield piece
                continue
            if refused:
                continue
            held += piece
            probe = held.lstrip()
            if probe.startswith(NOT_IN_DOCS):
                refused = True
            elif not NOT_IN_DOCS.startswith(probe):
                released = True
                yield held
        if not released and not refused and held.strip():
            released = True
            yield held
        text, valid = check_citations("".join(raw), len(passages))
        if refused or not valid:
            # Nothing grounded came back: never present it as an answer.
            stream.answer = _handoff(hits, min(conf, JUDGED_UNANSWERED))
            yield ("\n\n" if released else "") + stream.answer.answer
            return
        stream.answer = Answer(
            answer=text.strip(),
            citations=[
                Citation(hits[n - 1].source, hits[n - 1].heading, hits[n - 1].url) for n in valid
            ],
            confidence=conf,
            handoff=False,
            passages=hits,
            mode="llm",
        )


def dense_midpoint(embedder: Embedder, question: str, evidence: Evidence) -> float | None:
    """The embedder's cosine for an even chance of relevance, or None where its scores mean
    nothing: no semantics (hash), or a question an English-only model cannot read."""
    midpoint: float | None = getattr(embedder, "midpoint", None)
    if (has_chinese(question) or evidence.cross_language) and not embedder.multilingual:
        return None
    return midpoint


def _handoff(hits: list[SearchHit], conf: float) -> Answer:
    text = HANDOFF_TEXT
    if hits:
        text += " Pages that might be related: " + "; ".join(
            f"{h.title} › {h.heading}" for h in hits[:2]
        )
    return Answer(
        answer=text, citations=[], confidence=conf, handoff=True, passages=hits, mode="handoff"
    )
