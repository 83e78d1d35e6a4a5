"""LLM triage through any OpenAI-compatible endpoint (LangChain structured output).

This adapter is the only module that touches LangChain. The model only ever sees text that
went through the redactor; on a timeout, an HTTP error or an unusable answer it falls back to
the offline engine, so triage always answers.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Literal

from pydantic import Field

from bot.triage.engine import TriageRequest
from bot.triage.models import FIELD_NAMES, BugFields, Kind, TriageResult
from bot.triage.offline import OfflineEngine
from bot.triage.priority import apply_tier, detect_signals

log = logging.getLogger(__name__)

_SEVERITY_TO_PRIORITY = {"critical": "P1", "high": "P2", "normal": "P3", "low": "P4"}

SYSTEM_PROMPT = """You triage support messages sent to an SDK vendor (IM, real-time voice/video).
Return the requested JSON only.
kind: question (how-to, integration), bug, outage (production down or most users affected),
feature (request for new capability), upgrade (plan, billing, quota), status (asks about an
existing ticket), other.
severity: critical = production down / data loss / security / most users, no workaround;
high = crash or core feature broken for some users, or a regression, or a launch blocker;
normal = bug with a workaround or limited scope, or a how-to blocked by an error;
low = question, cosmetic, docs, feature request.
Fields: copy only what the text states; null when absent. Template placeholders such as
"[e.g. iOS 8.1]" are not values. logs: the log lines or stack trace quoted from the text.
Text marked [REDACTED:...] was removed on purpose; never guess it."""


class LLMTriage(BugFields):
    """The schema the model fills: the bug-report fields plus kind and severity. Inheriting
    keeps it flat (small models handle flat schemas better) without restating the fields."""

    kind: Literal["question", "bug", "outage", "feature", "upgrade", "status", "other"]
    severity: Literal["critical", "high", "normal", "low"]
    severity_reason: str = Field(description="One short line.")
    ticket_ref: str | None = Field(default=None, description="e.g. SUP-1042 when named")


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
    """Structured-output triage with the offline engine as the safety net."""

    name = "llm"

    def __init__(
        self,
        *,
        model: str,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 20.0,
        fallback: OfflineEngine | None = None,
        method: Literal["json_schema", "function_calling"] = "json_schema",
        chat_model: Any = None,
    ) -> None:
        self.model = model
        self.base_url = base_url
        self.api_key = api_key
        self.timeout = timeout
        self.fallback = fallback or OfflineEngine()
        self.method = method
        self._chat_model = chat_model
        self._runnable: Any = None

    def _structured(self) -> Any:
        if self._runnable is None:
            chat = self._chat_model
            if chat is None:
                from langchain_openai import ChatOpenAI  # heavy: imported on first use

                chat = ChatOpenAI(
                    model=self.model,
                    base_url=self.base_url,
                    api_key=self.api_key or "not-needed",  # type: ignore[arg-type]
                    timeout=self.timeout,
                    max_retries=0,
                    temperature=0,
                )
            self._runnable = chat.with_structured_output(LLMTriage, method=self.method)
        return self._runnable

    def triage(self, request: TriageRequest) -> TriageResult:
        title, text, attached = self.fallback.prepare(request)  # redacted before anything else
        context = [self.fallback.redactor.redact(c[-4000:]) for c in request.context[-6:]]
        messages = [
            ("system", SYSTEM_PROMPT),
            ("human", _prompt(title, text, context, attached)),
        ]
        try:
            answer = self._structured().invoke(messages)
            if isinstance(answer, dict):
                answer = LLMTriage.model_validate(answer)
            if not isinstance(answer, LLMTriage):
                raise TypeError(f"unexpected structured output {type(answer).__name__}")
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
                name: (redact(value).strip() or None) if isinstance(value, str) else None
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
