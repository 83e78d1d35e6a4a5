"""The shipped fake chat model behaves as the seam promises: replies in order, a default, a
structured answer checked against its schema, failures and a hanging model."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from retrieval.fake_chat import FakeChat, Scripted
from retrieval.llm import GuardedChat, LLMError, LLMTimeout


class Verdict(BaseModel):
    answered: bool


def test_replies_in_order_then_the_default() -> None:
    chat = FakeChat("first answer", default="ok")
    assert "".join(chat.stream("sys", "q1")) == "first answer"
    assert "".join(chat.stream("sys", "q2")) == "ok"
    assert [c["user"] for c in chat.calls] == ["q1", "q2"]


def test_structured_answers_are_checked_against_the_schema() -> None:
    chat = FakeChat('{"answered": true}', "not json")
    assert chat.structured("sys", "q", Verdict) == Verdict(answered=True)
    with pytest.raises(LLMError):
        chat.structured("sys", "q", Verdict)


def test_a_failure_and_a_hanging_model() -> None:
    chat = FakeChat(Scripted(RuntimeError("down")), Scripted("late", delay=5.0))
    with pytest.raises(RuntimeError):
        list(chat.stream("sys", "q"))
    with pytest.raises(LLMTimeout):
        list(chat.stream("sys", "q", timeout=0.05))


def test_it_serves_behind_the_guard() -> None:
    guarded = GuardedChat(FakeChat("through the guard"))
    assert "".join(guarded.stream("sys", "q")) == "through the guard"
