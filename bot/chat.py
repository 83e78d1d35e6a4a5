"""The process's chat model: the OpenAI-compatible adapter behind the guard (one deadline per
turn, a circuit breaker), shared by the docs answers and the triage engine."""

from __future__ import annotations

from bot.settings import Settings
from retrieval.llm import CircuitBreaker, GuardedChat, OpenAIChat

BREAKER_FAILURES = 3  # failed calls in a row before the model is skipped for a while
TURN_RESERVE = 1.5  # seconds of a turn kept for search and the extractive answer


def build_chat_model(settings: Settings) -> GuardedChat | None:
    """The guarded chat model, or ``None`` (extractive answers, rule-based triage) when no
    endpoint is configured."""
    if not settings.llm_configured:
        return None
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    adapter = OpenAIChat(
        model=settings.llm_model,
        api_key=key,
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout,
    )
    breaker = CircuitBreaker(failures=BREAKER_FAILURES, cooldown=settings.llm_cooldown)
    return GuardedChat(adapter, timeout=settings.llm_timeout, breaker=breaker)


def model_seconds(turn_deadline: float) -> float:
    """How long the model calls of one turn may take together: the turn's deadline less what
    the rest of the turn needs."""
    return max(0.5, turn_deadline - min(TURN_RESERVE, turn_deadline / 4))
