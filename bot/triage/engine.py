"""The one interface both triage engines implement, and what they take."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pydantic import BaseModel, Field

from bot.triage.models import Attachment, Tier, TriageResult


class TriageRequest(BaseModel):
    """One incoming message with what the conversation already knows."""

    text: str
    tier: Tier = "pro"
    title: str = Field(default="", description="Issue title / subject line, if separate.")
    context: list[str] = Field(
        default_factory=list, description="Earlier messages of the same thread, oldest first."
    )
    attachments: list[Attachment] = Field(default_factory=list)


@runtime_checkable
class TriageEngine(Protocol):
    """Classify, extract, prioritise and say what is missing — for one message."""

    name: str

    def triage(self, request: TriageRequest) -> TriageResult:
        """Never raises for content; raises ``InvalidInput`` only for unusable input."""
        ...
