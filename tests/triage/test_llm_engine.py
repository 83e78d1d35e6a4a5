from __future__ import annotations

import json
from typing import Any

import pytest

from bot.triage.engine import TriageEngine, TriageRequest
from bot.triage.llm import LLMEngine
from bot.triage.offline import OfflineEngine
from tests.servers.openai_stub import OpenAIStub

SECRET_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJlLXNlY3JldC12YWx1ZQ"
MESSAGE = (
    "Our Android app crashes in production when joining a room. SDK 2.14.2, Android 14.\n"
    f"Authorization: Bearer {SECRET_TOKEN}\n"
    "contact: ops@example.com, password=hunter2hunter2\n"
    "E/RtcEngine: onError code=1501"
)
ANSWER = {
    "kind": "bug",
    "severity": "high",
    "severity_reason": "crash when joining in production",
    "ticket_ref": None,
    "summary": "Android app crashes when joining a room",
    "sdk": "Video SDK",
    "sdk_version": "2.14.2",
    "platform": "Android",
    "os_version": "Android 14",
    "device": None,
    "repro_steps": "Join a room",
    "expected": None,
    "actual": "App crashes",
    "logs": "E/RtcEngine: onError code=1501",
    "impact": "production",
}


def _engine(stub: OpenAIStub, timeout: float = 5.0) -> LLMEngine:
    return LLMEngine(model="stub-model", base_url=stub.base_url, api_key="test", timeout=timeout)


def test_llm_engine_uses_structured_output_and_never_sees_secrets() -> None:
    with OpenAIStub(reply=json.dumps(ANSWER)) as stub:
        engine = _engine(stub)
        assert isinstance(engine, TriageEngine)
        result = engine.triage(
            TriageRequest(text=MESSAGE, tier="pro", context=["hi, mail me at a@b.io"])
        )
        sent = json.dumps(stub.requests)
    assert result.engine == "llm"
    assert result.kind == "bug" and result.priority == "P2"
    assert result.fields.sdk_version == "2.14.2"
    assert "logs" not in result.missing
    assert stub.requests and "response_format" in stub.requests[0]
    for secret in (SECRET_TOKEN, "ops@example.com", "hunter2hunter2", "a@b.io"):
        assert secret not in sent
    assert "[REDACTED:" in sent


def test_llm_output_is_redacted_too() -> None:
    leaky = dict(ANSWER, logs=f"token={SECRET_TOKEN}")
    with OpenAIStub(reply=json.dumps(leaky)) as stub:
        result = _engine(stub).triage(TriageRequest(text="crash on join, Android"))
    assert SECRET_TOKEN not in (result.fields.logs or "")


@pytest.mark.slow
def test_timeout_falls_back_to_offline_and_still_answers() -> None:
    with OpenAIStub(reply=json.dumps(ANSWER), delay=1.5) as stub:
        result = _engine(stub, timeout=0.3).triage(TriageRequest(text=MESSAGE))
    offline = OfflineEngine().triage(TriageRequest(text=MESSAGE))
    assert result.engine == "offline-fallback"
    assert "LLM unavailable" in result.reason
    assert (result.kind, result.priority, result.fields) == (
        offline.kind,
        offline.priority,
        offline.fields,
    )


@pytest.mark.parametrize("status", [500, 429])
def test_http_errors_fall_back(status: int) -> None:
    with OpenAIStub(status=status) as stub:
        result = _engine(stub).triage(TriageRequest(text=MESSAGE))
    assert result.engine == "offline-fallback"
    assert result.kind == "bug"


def test_unusable_answer_falls_back() -> None:
    def reply(body: dict[str, Any]) -> str:
        return "sorry, I cannot do JSON"

    with OpenAIStub(reply=reply) as stub:
        result = _engine(stub).triage(TriageRequest(text=MESSAGE))
    assert result.engine == "offline-fallback"


def test_function_calling_method_with_tool_calls() -> None:
    def reply(body: dict[str, Any]) -> dict[str, Any]:
        name = body["tools"][0]["function"]["name"]
        call = {
            "id": "c1",
            "type": "function",
            "function": {"name": name, "arguments": json.dumps(ANSWER)},
        }
        return {"content": None, "tool_calls": [call]}

    with OpenAIStub(reply=reply) as stub:
        engine = LLMEngine(
            model="m", base_url=stub.base_url, api_key="k", method="function_calling"
        )
        result = engine.triage(TriageRequest(text=MESSAGE))
    assert result.engine == "llm"
    assert result.fields.platform == "Android"


def test_attachments_and_context_are_redacted_before_the_llm() -> None:
    from bot.triage.models import Attachment

    log = Attachment(
        name="app.log",
        size=100,
        text=f"E/Auth: Bearer {SECRET_TOKEN}\nI/Db: postgres://u:pa55word99@db/x\nuser 13812345678",
    )
    with OpenAIStub(reply=json.dumps(ANSWER)) as stub:
        _engine(stub).triage(
            TriageRequest(
                text="crash on join", attachments=[log], context=["call me: +1 415-555-0132"]
            )
        )
        sent = json.dumps(stub.requests, ensure_ascii=False)
    for secret in (SECRET_TOKEN, "pa55word99", "13812345678", "415-555-0132"):
        assert secret not in sent


ZH_MESSAGE = "线上所有用户都登录不上了，从今天上午 10 点开始，报错 code=10006\n急急急"
ZH_ANSWER = {
    "kind": "outage",
    "severity": "critical",
    "severity_reason": "线上所有用户无法登录",
    "ticket_ref": None,
    "summary": "线上所有用户都登录不上",
    "sdk": None,
    "sdk_version": None,
    "platform": None,
    "os_version": None,
    "device": "如iPhone 7 Plus",
    "repro_steps": None,
    "expected": None,
    "actual": "登录失败，code=10006",
    "logs": "code=10006",
    "impact": "线上所有用户",
}


def test_prompt_carries_the_chinese_cases() -> None:
    with OpenAIStub(reply=json.dumps(ZH_ANSWER, ensure_ascii=False)) as stub:
        _engine(stub).triage(TriageRequest(text=ZH_MESSAGE))
        system, human = stub.requests[0]["messages"][:2]
    for case in ("急急急", "如iPhone 7 Plus", "【iOS】-【16.4.1】", "怎么收费", "希望支持"):
        assert case in system["content"]
    assert "线上所有用户都登录不上了" in human["content"]


def test_chinese_report_through_the_llm() -> None:
    with OpenAIStub(reply=json.dumps(ZH_ANSWER, ensure_ascii=False)) as stub:
        result = _engine(stub).triage(TriageRequest(text=ZH_MESSAGE, tier="pro"))
    assert result.engine == "llm"
    assert (result.kind, result.priority) == ("outage", "P1")
    assert result.fields.device is None  # the model copied a template example: dropped
    assert result.fields.impact == "线上所有用户"
    assert result.missing == ["sdk_version", "platform"]
    # asked in Chinese, as an outage already being handled
    assert result.follow_up and result.follow_up.startswith("收到，您反馈的“线上所有用户都登录不上")
    assert "SDK 版本号" in result.follow_up and "sdk_version" not in result.follow_up


def test_chinese_fallback_keeps_the_offline_reading() -> None:
    with OpenAIStub(status=500) as stub:
        result = _engine(stub).triage(TriageRequest(text=ZH_MESSAGE))
    assert result.engine == "offline-fallback"
    assert (result.kind, result.priority) == ("outage", "P1")
