"""Triage and bug intake: classify, extract, prioritise, ask follow-ups (pure logic, no DB).

The conversation service uses:

- :func:`build_engine` (settings -> :class:`TriageEngine`: offline rules, or the LLM engine
  with offline fallback when an endpoint is configured) and ``engine.triage(TriageRequest)``;
- :class:`IntakeSession` (``step(text, engine=, attachments=)`` -> :class:`IntakeDecision`),
  stored on the conversation with ``to_json`` / ``from_json``;
- :func:`read_attachment` for uploads (size limit, .gz/.zip bomb checks, redaction);
- :class:`Redactor` / :func:`redact` before storing or showing any user text.

Everything here imports only pydantic and the standard library; LangChain loads lazily.
"""

from __future__ import annotations

from bot.triage.attachments import read_attachment, read_attachment_file
from bot.triage.engine import TriageEngine, TriageRequest
from bot.triage.factory import build_engine, redactor_from
from bot.triage.followup import KB_COLLECT_LOGS
from bot.triage.intake import IntakeAction, IntakeDecision, IntakeSession
from bot.triage.models import (
    FIELD_NAMES,
    KINDS,
    PRIORITIES,
    TIERS,
    Attachment,
    BugFields,
    Kind,
    Priority,
    Tier,
    TriageResult,
)
from bot.triage.offline import OfflineEngine
from bot.triage.redactor import Redactor, redact

__all__ = [
    "FIELD_NAMES",
    "KB_COLLECT_LOGS",
    "KINDS",
    "PRIORITIES",
    "TIERS",
    "Attachment",
    "BugFields",
    "IntakeAction",
    "IntakeDecision",
    "IntakeSession",
    "Kind",
    "OfflineEngine",
    "Priority",
    "Redactor",
    "Tier",
    "TriageEngine",
    "TriageRequest",
    "TriageResult",
    "build_engine",
    "read_attachment",
    "read_attachment_file",
    "redact",
    "redactor_from",
]
