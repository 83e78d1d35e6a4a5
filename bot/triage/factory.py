"""Build the configured triage engine from settings."""

from __future__ import annotations

from typing import Literal

from bot.errors import ConfigError
from bot.settings import Settings
from bot.triage.engine import TriageEngine
from bot.triage.offline import OfflineEngine
from bot.triage.redactor import Redactor
from retrieval.llm import ChatModel

EngineChoice = Literal["auto", "offline", "llm"]


def redactor_from(settings: Settings) -> Redactor:
    """The redaction policy the settings ask for (secrets are always redacted)."""
    return Redactor(emails=settings.redact_emails, phones=settings.redact_phones)


def build_engine(
    settings: Settings, *, engine: EngineChoice = "auto", chat: ChatModel | None = None
) -> TriageEngine:
    """``auto``: the LLM engine when an endpoint is configured, else the offline rules.
    ``chat``: the process's chat model (built from the settings when not given)."""
    offline = OfflineEngine(
        max_upload_mb=settings.max_upload_mb,
        redactor=redactor_from(settings),
    )
    if engine == "offline" or (engine == "auto" and not settings.llm_configured):
        return offline
    if engine == "llm" and not settings.llm_configured:
        raise ConfigError("--engine llm needs OPENAI_BASE_URL or OPENAI_API_KEY")
    from bot.chat import build_chat_model
    from bot.triage.llm import LLMEngine

    return LLMEngine(chat=chat or build_chat_model(settings), fallback=offline)
