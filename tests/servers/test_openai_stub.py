from __future__ import annotations

import json
from typing import Any

import openai
import pytest

from tests.servers.openai_stub import OpenAIStub


@pytest.fixture
def stub() -> Any:
    with OpenAIStub(reply="hello there") as server:
        yield server


def _client(stub: OpenAIStub, **kwargs: Any) -> openai.OpenAI:
    return openai.OpenAI(base_url=stub.base_url, api_key="test", max_retries=0, **kwargs)


def test_plain_completion_is_answered_and_recorded(stub: OpenAIStub) -> None:
    client = _client(stub)
    result = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert result.choices[0].message.content == "hello there"
    assert stub.requests[0]["messages"][0]["content"] == "hi"


def test_streaming_ends_and_assembles(stub: OpenAIStub) -> None:
    client = _client(stub)
    stream = client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert text == "hello there"


def test_callable_reply_with_tool_calls(stub: OpenAIStub) -> None:
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "f", "arguments": json.dumps({"x": 1})},
    }
    stub.set_reply(lambda body: {"content": None, "tool_calls": [call]})
    result = _client(stub).chat.completions.create(
        model="m", messages=[{"role": "user", "content": "hi"}]
    )
    calls = result.choices[0].message.tool_calls
    assert calls is not None
    assert calls[0].model_dump()["function"]["arguments"] == '{"x": 1}'


def test_error_status_and_models(stub: OpenAIStub) -> None:
    client = _client(stub)
    assert [m.id for m in client.models.list()] == ["stub-model"]
    stub.set_status(500)
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    stub.set_status(429)
    with pytest.raises(openai.RateLimitError):
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])


def test_delay_makes_client_time_out(stub: OpenAIStub) -> None:
    stub.set_delay(1.0)
    client = _client(stub, timeout=0.2)
    with pytest.raises(openai.APITimeoutError):
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
