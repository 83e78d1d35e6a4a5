"""What a conversation remembers between turns, as one typed value.

The service reads it once at the start of a turn (:func:`load`) and writes it once at the end
(:func:`dump`); the transitions in :mod:`bot.conversation.machine` are the only place that
decides how it changes.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from bot.triage.intake import IntakeSession

log = logging.getLogger("deskbot.conversation")

# What the bot asked last, so the next message can be read as the answer to it.
Awaiting = Literal["details", "known_issue", "sign_in", "person"]
Lang = Literal["en", "zh"]


class KnownIssue(BaseModel):
    """A known issue the bot offered for the report in progress."""

    key: str  # stable id: source#heading#bullet, so it is offered once
    text: str
    source: str
    heading: str
    url: str | None = None


class ConversationState(BaseModel):
    """The conversation's memory. ``report`` is the bug report being taken (``opened`` once
    its ticket exists); ``awaiting`` is what the bot's last message asked for."""

    version: Literal[2] = 2
    lang: Lang = "en"
    report: IntakeSession | None = None
    awaiting: Awaiting | None = None
    known_issue: KnownIssue | None = None  # offered for the report in progress
    offered: list[str] = Field(default_factory=list)  # known-issue keys already offered
    lookups: int = 0  # known-issue searches for the report in progress (at most two)
    topic_start: int = 0  # index of the first user message of the current topic
    on_ticket: bool = False  # new detail goes to the conversation's open ticket
    solved: bool = False

    @property
    def reporting(self) -> bool:
        """A report is being taken and has no ticket yet."""
        return self.report is not None and not self.report.opened


def load(raw: dict[str, Any] | None) -> ConversationState:
    """The stored state; an unreadable or older one starts afresh (never fails a turn)."""
    if not raw or raw.get("version") != 2:
        return ConversationState()
    try:
        return ConversationState.model_validate(raw)
    except ValidationError:
        log.warning("conversation state unreadable; starting afresh")
        return ConversationState()


def dump(state: ConversationState) -> dict[str, Any]:
    return state.model_dump(mode="json")
