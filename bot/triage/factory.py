"""Build the configured triage engine from settings."""

from __future__ import annotations

from typing import Literal

from bot.errors import ConfigError
from bot.settings import Settings
from bot.triage.engine import TriageEngine
from bot.triage.offline import OfflineEngine
from bot.triage.redactor import Redactor

EngineChoice = Literal["auto", "offline", "llm"]


def redactor_from(settings: Settings) -> Redactor:
    """The redaction policy the settings ask for (secrets are always redacted)."""
    return Redactor(emails=settings.redact_emails, phones=settings.redact_phones)


def build_engine(settings: Settings, *, engine: EngineChoice = "auto") -> TriageEngine:
    """``auto``: the LLM engine when an endpoint is configured, else the offline rules."""
    offline = OfflineEngine(
        max_upload_mb=settings.max_upload_mb,
        redactor=redactor_from(settings),
    )
    if engine == "offline" or (engine == "auto" and not settings.llm_configured):
        return offline
    if engine == "llm" and not settings.llm_configured:
        raise ConfigError("--engine llm needs OPENAI_BASE_URL or OPENAI_API_KEY")
    from bot.triage.llm import LLMEngine

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return LLMEngine(
        model=settings.llm_model,
        base_url=settings.openai_base_url,
        api_key=key,
        timeout=settings.llm_timeout,
        fallback=offline,
    )
