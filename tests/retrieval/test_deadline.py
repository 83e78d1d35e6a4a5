"""One deadline per chat turn, a breaker, and the extractive answer when the model hangs —
against a real OpenAI-compatible server (tests/servers/openai_stub.py)."""

from __future__ import annotations

import time

import pytest

from retrieval.llm import (
    CircuitBreaker,
    Deadline,
    GuardedChat,
    LLMError,
    LLMTimeout,
    OpenAIChat,
    deadline_scope,
)
from tests.servers.openai_stub import OpenAIStub


def _guarded(stub: OpenAIStub, *, failures: int = 3) -> GuardedChat:
    adapter = OpenAIChat(model="stub-model", api_key="k", base_url=stub.base_url, timeout=20)
    adapter.warm_up()
    return GuardedChat(adapter, timeout=20, breaker=CircuitBreaker(failures=failures))


@pytest.mark.slow
def test_a_hanging_model_costs_the_turn_only_its_deadline_across_calls() -> None:
    with OpenAIStub(reply="never", delay=30) as stub:
        chat = _guarded(stub, failures=10)
        started = time.monotonic()
        with deadline_scope(Deadline.after(1.5)):
            with pytest.raises(LLMTimeout):
                list(chat.stream("s", "rewrite this"))
            with pytest.raises(LLMTimeout):  # the second call of the turn gets no time
                list(chat.stream("s", "answer this"))
        assert time.monotonic() - started < 2.5


@pytest.mark.slow
def test_a_slow_stream_is_cut_at_the_deadline() -> None:
    with OpenAIStub(reply="word " * 200, token_delay=0.2) as stub:
        chat = _guarded(stub)
        started = time.monotonic()
        pieces: list[str] = []
        with deadline_scope(Deadline.after(1.0)), pytest.raises(LLMTimeout):
            pieces.extend(chat.stream("s", "u"))
        assert 0 < len(pieces) < 200 and time.monotonic() - started < 2.0


@pytest.mark.slow
def test_the_breaker_skips_the_model_after_repeated_failures() -> None:
    with OpenAIStub(reply="x", status=500) as stub:
        chat = _guarded(stub, failures=2)
        for _ in range(2):
            with pytest.raises(LLMError):
                list(chat.stream("s", "u"))
        calls = len(stub.requests)
        with pytest.raises(LLMTimeout, match="skipped"):
            list(chat.stream("s", "u"))
        assert len(stub.requests) == calls  # not even tried


TOKENS = """# Renewing an expired token

When a token has expired, call `renewToken()` with a fresh token from your server. An expired
token cannot be renewed on the client alone: your server signs the new one.
"""


@pytest.mark.slow
def test_a_turn_with_a_hanging_model_still_gets_the_extractive_answer(kb_over) -> None:  # type: ignore[no-untyped-def]
    with OpenAIStub(reply="never", delay=30) as stub:
        kb = kb_over({"auth/tokens.md": TOKENS}, llm=_guarded(stub))
        started = time.monotonic()
        with deadline_scope(Deadline.after(2.0)):
            answer = kb.ask("How do I renew an expired token?")
        assert time.monotonic() - started < 3.0
        assert stub.requests, "the model was asked (and hung)"
        assert answer.mode == "extractive" and "renewToken" in answer.answer
