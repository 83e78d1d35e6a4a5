"""The answerability model: a probability from corpus-independent signals, and the model's
own judgment of the passages when an LLM is configured."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from retrieval import OpenAIChat
from retrieval.answerability import FEATURES, Answerability, default_model, features
from retrieval.evidence import Evidence
from tests.servers.openai_stub import OpenAIStub

QUESTION = "How long does an access token last?"


def evidence(**changes: object) -> Evidence:
    """A question well covered by its best passages, as the search reports it."""
    base = Evidence(
        dense_top=0.62,
        lexical_top=9.0,
        coverage=0.9,
        unknown_terms=[],
        best_coverage=0.8,
        focus_found=1.0,
        absent_terms=[],
        dense_gap=0.2,
        lexical_share=1.1,
        agreement=1.0,
        terms=5,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def fixed(probability: float, *, handoff_below: float, llm_gate: float) -> Answerability:
    """A model that gives every question ``probability``: for testing what is done with it."""
    from math import log

    n = len(FEATURES)
    return Answerability(
        weights=(0.0,) * n,
        intercept=log(probability / (1 - probability)),
        mean=(0.0,) * n,
        scale=(1.0,) * n,
        handoff_below=handoff_below,
        llm_gate=llm_gate,
    )


def llm_for(stub: OpenAIStub) -> OpenAIChat:
    return OpenAIChat(model="stub-model", api_key="test", base_url=stub.base_url, timeout=5.0)


def test_shipped_model_reads_its_features_and_thresholds() -> None:
    model = default_model()
    assert len(model.weights) == len(FEATURES)
    assert 0.0 < model.llm_gate <= model.handoff_below < 1.0
    with pytest.raises(ValueError, match="features"):
        Answerability.from_dict({**model.to_dict(), "features": ["coverage"]})


@pytest.mark.parametrize("midpoint", [0.45, None])
def test_a_covered_question_is_likelier_answered_than_one_naming_what_no_page_has(
    midpoint: float | None,
) -> None:
    model = default_model()
    covered = model.probability(evidence(), midpoint=midpoint)
    named = evidence(  # "Is there a Tizen SDK?": only "SDK" is found, loosely
        unknown_terms=["tizen"],
        name_terms=["tizen"],
        absent_terms=["tizen"],
        focus_found=0.0,
        coverage=0.3,
        best_coverage=0.2,
        dense_top=0.45,
        dense_gap=0.05,
    )
    assert 0.0 <= model.probability(named, midpoint=midpoint) < covered <= 1.0
    assert covered > model.handoff_below > model.probability(named, midpoint=midpoint)


def test_coverage_of_the_questions_words_raises_the_probability() -> None:
    model = default_model()
    low = model.probability(evidence(coverage=0.3, best_coverage=0.2), midpoint=0.45)
    high = model.probability(evidence(coverage=0.95, best_coverage=0.9), midpoint=0.45)
    assert low < high


def test_dense_scores_are_ignored_where_the_embedder_cannot_read_the_question() -> None:
    a = features(evidence(dense_top=0.9, dense_gap=0.5), midpoint=None)
    b = features(evidence(dense_top=0.1, dense_gap=0.0), midpoint=None)
    assert a == b


def test_without_a_model_a_doubtful_question_is_handed_off(docs: Path, make_kb) -> None:
    kb = make_kb()
    kb.ingest([docs])
    kb.answerer.answerability = fixed(0.3, handoff_below=0.5, llm_gate=0.2)
    answer = kb.ask(QUESTION)
    assert answer.handoff and answer.confidence == pytest.approx(0.3)


def test_with_a_model_a_doubtful_question_is_its_call(docs: Path, make_kb) -> None:
    """Between the LLM gate and the threshold the model reads the passages first: its grounded
    answer is given (the confidence is still the retrieval's probability)."""
    with OpenAIStub(reply="Access tokens expire after 24 hours [1].") as stub:
        kb = make_kb(llm=llm_for(stub))
        kb.ingest([docs])
        kb.answerer.answerability = fixed(0.3, handoff_below=0.5, llm_gate=0.2)
        answer = kb.ask(QUESTION)
    assert not answer.handoff and answer.mode == "llm"
    assert answer.confidence == pytest.approx(0.3)


@pytest.mark.parametrize(
    "reply",
    ["NOT_IN_DOCS", "The passages do not say how long an access token lasts."],
    ids=["not-in-docs", "not-answered-in-words"],
)
def test_a_model_that_finds_no_answer_hands_off(docs: Path, make_kb, reply: str) -> None:
    """A model that says the passages do not answer (the agreed NOT_IN_DOCS, or in its own words,
    citing nothing) hands off, however sure retrieval was; the confidence then says so."""
    with OpenAIStub(reply=reply) as stub:
        kb = make_kb(llm=llm_for(stub))
        kb.ingest([docs])
        kb.answerer.answerability = fixed(0.9, handoff_below=0.5, llm_gate=0.2)
        answer = kb.ask(QUESTION)
    assert answer.handoff and answer.citations == []
    assert answer.confidence < 0.5
    assert len(stub.requests) == 1


def test_below_the_gate_the_model_is_not_asked(docs: Path, make_kb) -> None:
    with OpenAIStub(reply="Access tokens expire after 24 hours [1].") as stub:
        kb = make_kb(llm=llm_for(stub))
        kb.ingest([docs])
        kb.answerer.answerability = fixed(0.1, handoff_below=0.5, llm_gate=0.2)
        answer = kb.ask(QUESTION)
    assert answer.handoff and stub.requests == []


def test_a_doubtful_question_is_handed_off_when_the_model_fails(docs: Path, make_kb) -> None:
    """The extractive fallback has only retrieval's word: below the threshold, a person."""
    with OpenAIStub(status=500) as stub:
        kb = make_kb(llm=llm_for(stub))
        kb.ingest([docs])
        kb.answerer.answerability = fixed(0.3, handoff_below=0.5, llm_gate=0.2)
        doubtful = kb.ask(QUESTION)
        kb.answerer.answerability = fixed(0.8, handoff_below=0.5, llm_gate=0.2)
        sure = kb.ask(QUESTION)
    assert doubtful.handoff
    assert not sure.handoff and sure.mode == "extractive"


def test_evidence_names_the_focus_words_no_passage_holds(docs: Path, make_kb) -> None:
    kb = make_kb()
    kb.ingest([docs])
    _, covered = kb.searcher.rank("How long does an access token last before it expires?")
    assert covered.focus_found == 1.0 and covered.absent_terms == []
    assert covered.best_coverage <= covered.coverage
    _, uncovered = kb.searcher.rank("Is there a Tizen build for Bixby smartwatches?")
    assert {"tizen", "bixby"} <= set(uncovered.absent_terms)
    assert uncovered.focus_found < 1.0


def test_a_word_the_glossary_carries_across_is_not_absent(kb_over) -> None:
    """An English question over Chinese docs is searched by the glossary's Chinese: its English
    words missing from the docs say nothing about whether they answer it."""
    kb = kb_over({"b.md": "# 消息撤回\n\n两分钟内的消息可以撤回。"})
    _, evidence = kb.searcher.rank("how do I recall a message?")
    assert evidence.cross_language and evidence.absent_terms == []
