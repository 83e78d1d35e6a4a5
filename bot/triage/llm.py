"""LLM triage through the chat model seam (:mod:`retrieval.llm`, structured output).

The model only ever sees text that went through the redactor; on a timeout, an HTTP error or
an unusable answer it falls back to the offline engine, so triage always answers.
"""

from __future__ import annotations

import json
import logging
from typing import Literal

from pydantic import Field

from bot.triage.engine import TriageRequest
from bot.triage.models import FIELD_NAMES, BugFields, Kind, TriageResult
from bot.triage.offline import OfflineEngine
from bot.triage.priority import apply_tier, detect_signals
from bot.triage.sections import is_empty_value
from retrieval.llm import ChatModel, OpenAIChat

log = logging.getLogger(__name__)

_SEVERITY_TO_PRIORITY = {"critical": "P1", "high": "P2", "normal": "P3", "low": "P4"}

_RULES = """You triage support messages sent to an SDK vendor (IM, real-time voice/video).
Messages come in English or Chinese (often Chinese prose around English logs and API names:
read it as one report). Return the requested JSON only.
kind: question (how-to, integration, capability), bug, outage (a vendor-hosted service down
or degraded for everyone, or most users failing in production), feature (request for a new
capability: "please add", "希望支持", "建议增加", "能不能加一个…选项"), upgrade (plan,
pricing, quota, licence, invoice, renewal: "怎么收费", "报价", "续费", "发票", "升级套餐",
"提升并发上限"), status (asks about an existing ticket), other (a test post, an empty
template, a rant without a symptom).
severity: critical = production down / data loss / security / most users, no workaround;
high = crash or core feature broken for some users, or a regression, or a launch blocker;
normal = bug with a workaround or limited scope, a build or integration error, or a how-to
blocked by an error; low = question, cosmetic, docs, feature request, pricing ask.
Urgency words ("urgent", "ASAP", "急急急", "十万火急", "尽快") never raise severity on their own;
stated impact does ("线上", "生产环境", "所有用户都…", "大面积", "in production", "all users").
Fields: copy only what the text states, in the reporter's own words and language; null when
absent. Template leftovers are not values: "[e.g. iOS 8.1]", "如iPhone 7 Plus",
"2000XXXXXX", "错误码xxxx", a choice nobody picked ("每次 / 偶尔", "Android/iOS"), guidance
("请在附件中上传日志"), steps made of dots ("1. 打开 ... 页面"), and a version in a template
title when the rest of the template was left unfilled. A browser or framework version is not
the SDK version. In "【iOS】-【16.4.1】" the number is the OS version when the body states the
SDK version elsewhere.
A file path or stack frame that merely implies a platform does not name the platform.
logs: the log lines, stack trace, error code or SDK error message quoted from the text, or the
name of an attached log file ("[crashLog.txt]"); a screenshot is not a log.
Text marked [REDACTED:...] was removed on purpose; never guess it."""

# Worked cases in the prompt, written for deskbot (not taken from any vendor's tracker).
EXAMPLES: tuple[tuple[str, dict[str, object]], ...] = (
    (
        "急急急！！！iOS 端登录报错 6017，怎么回事？",
        {
            "kind": "bug",
            "severity": "high",
            "severity_reason": "login fails with 6017; urgency words only, no stated impact",
            "summary": "iOS 端登录报错 6017",
            "platform": "iOS",
            "actual": "登录报错 6017",
            "logs": "报错 6017",
        },
    ),
    (
        "线上所有用户都登录不上了，从今天上午 10 点开始，报错 code=10006",
        {
            "kind": "outage",
            "severity": "critical",
            "severity_reason": "every user in production cannot log in",
            "summary": "线上所有用户都登录不上",
            "actual": "登录失败，code=10006",
            "logs": "code=10006",
            "impact": "线上所有用户，从今天上午 10 点开始",
        },
    ),
    (
        "【Android/iOS】-【3.2.1000】【一句话描述，如登录失败】\n【问题描述】\n如登录失败，错误码xxxx\n"
        "【设备型号】\n如小米 12\n【出现频率】\n每次 / 偶尔\n【复现步骤】\n1. 打开 ... 页面\n"
        "2. 出现问题",
        {
            "kind": "other",
            "severity": "low",
            "severity_reason": "the template was submitted without any content",
        },
    ),
    (
        "【iOS】-【16.4.1】：【启动崩溃】\n【问题描述】：一打开会话页就闪退\n"
        "【SDK】：Chat SDK 7.2.1\n【设备型号】：iPhone 12\n[crash-0412.log]",
        {
            "kind": "bug",
            "severity": "high",
            "severity_reason": "crash on opening a core page on one iOS version",
            "summary": "一打开会话页就闪退",
            "sdk": "Chat SDK",
            "sdk_version": "7.2.1",
            "platform": "iOS",
            "os_version": "iOS 16.4.1",
            "device": "iPhone 12",
            "repro_steps": "一打开会话页就闪退",
            "actual": "闪退",
            "logs": "[crash-0412.log]",
        },
    ),
    (
        "私有化部署版本怎么收费？有没有报价单",
        {
            "kind": "upgrade",
            "severity": "low",
            "severity_reason": "pricing question for the account team",
            "summary": "私有化部署版本怎么收费",
        },
    ),
    (
        "能不能加一个屏幕共享时隐藏通知栏的选项？",
        {
            "kind": "feature",
            "severity": "low",
            "severity_reason": "feature request",
            "summary": "屏幕共享时隐藏通知栏的选项",
        },
    ),
)


def _system_prompt() -> str:
    cases = "\n\n".join(
        f"Message:\n{text}\nAnswer:\n{json.dumps(answer, ensure_ascii=False)}"
        for text, answer in EXAMPLES
    )
    return f"{_RULES}\n\nWorked cases (fields not shown are null):\n\n{cases}"


SYSTEM_PROMPT = _system_prompt()


class LLMTriage(BugFields):
    """The schema the model fills: the bug-report fields plus kind and severity. Inheriting
    keeps it flat (small models handle flat schemas better) without restating the fields."""

    kind: Literal["question", "bug", "outage", "feature", "upgrade", "status", "other"]
    severity: Literal["critical", "high", "normal", "low"]
    severity_reason: str = Field(description="One short line.")
    ticket_ref: str | None = Field(default=None, description="e.g. SUP-1042 when named")


def _value(text: str) -> str | None:
    """A field value from the model, or ``None`` when it copied a template leftover."""
    text = text.strip()
    return None if not text or is_empty_value(text) else text


def _prompt(title: str, text: str, context: list[str], attached: list[str]) -> str:
    parts = []
    if context:
        parts.append("Earlier messages in this thread:\n" + "\n---\n".join(context))
    if title:
        parts.append(f"Title: {title}")
    parts.append(f"Message:\n{text}")
    for index, body in enumerate(attached, 1):
        parts.append(f"Attachment {index} (excerpt):\n{body[:6000]}")
    return "\n\n".join(parts)


class LLMEngine:
    """Structured-output triage with the offline engine as the safety net.

    ``chat``: the process's chat model (see :mod:`retrieval.llm`); without one, an
    OpenAI-compatible adapter is built from ``model``/``base_url``/``api_key``."""

    name = "llm"

    def __init__(
        self,
        *,
        chat: ChatModel | None = None,
        model: str = "gpt-4o-mini",
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 20.0,
        fallback: OfflineEngine | None = None,
        method: Literal["json_schema", "function_calling"] = "json_schema",
    ) -> None:
        self.chat: ChatModel = chat or OpenAIChat(
            model=model,
            base_url=base_url,
            api_key=api_key,
            timeout=timeout,
            structured_method=method,
        )
        self.fallback = fallback or OfflineEngine()

    def triage(self, request: TriageRequest) -> TriageResult:
        title, text, attached = self.fallback.prepare(request)  # redacted before anything else
        context = [self.fallback.redactor.redact(c[-4000:]) for c in request.context[-6:]]
        try:
            answer = self.chat.structured(
                SYSTEM_PROMPT, _prompt(title, text, context, attached), LLMTriage
            )
        except Exception as exc:  # any endpoint or parsing failure: rules still answer
            log.warning("LLM triage failed, using offline rules: %s", type(exc).__name__)
            result = self.fallback.triage(request)
            return result.model_copy(
                update={
                    "engine": "offline-fallback",
                    "reason": f"{result.reason} [LLM unavailable: {type(exc).__name__}]",
                }
            )
        return self._result(answer, request, title=title, text=text, attached=attached)

    def _result(
        self,
        answer: LLMTriage,
        request: TriageRequest,
        *,
        title: str,
        text: str,
        attached: list[str],
    ) -> TriageResult:
        redact = self.fallback.redactor.redact
        offline_fields = self.fallback.triage(request).fields
        llm_fields = BugFields(
            **{
                name: _value(redact(value)) if isinstance(value, str) else None
                for name in FIELD_NAMES
                for value in [getattr(answer, name)]
            }
        )
        fields = llm_fields.merged(offline_fields)  # the model's reading first, rules fill gaps
        full = f"{title}\n\n{text}" if title else text
        kind: Kind = answer.kind
        priority = _SEVERITY_TO_PRIORITY[answer.severity]
        decision = apply_tier(
            priority,  # type: ignore[arg-type]
            [redact(answer.severity_reason)[:200]],
            kind=kind,
            tier=request.tier,
            found=set(detect_signals(full)),
        )
        return self.fallback.finish(
            kind=kind,
            fields=fields,
            full=full,
            tier=request.tier,
            attached=attached,
            ticket_ref=answer.ticket_ref,
            engine="llm",
            decision=decision,
        )


def describe_schema() -> str:
    """The JSON schema sent to the model (for docs and tests)."""
    return json.dumps(LLMTriage.model_json_schema(), indent=2)
