"""Bug intake as a pure state machine over a conversation.

The conversation service keeps one :class:`IntakeSession` per thread (``to_json`` /
``from_json`` to store it), calls :meth:`IntakeSession.step` with each user message and acts
on the returned :class:`IntakeDecision`:

- ``answer``: a question — let the docs bot answer it (no ticket).
- ``ask``: send ``message`` (one follow-up asking for every missing field at once).
  For bugs, ``lookup_query`` is what to search the knowledge base with: when it documents a
  known issue, show that answer and offer to open the ticket.
- ``open``: open a ticket of ``kind`` at ``priority`` with ``reason``, ``fields`` and the
  ``missing`` fields marked; ``message`` (if any) is a note to send along.
- ``update``: the ticket is already open; append the message and the merged fields.
- ``status``: look up ``ticket_ref`` (for the asker's own account only).
- ``reply``: small talk; acknowledge and offer help.

At most ``max_rounds`` rounds of questions; a field once given is never asked again; a user
who says "go ahead anyway" or refuses logs is respected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

from bot.triage import signals as s
from bot.triage.engine import TriageEngine, TriageRequest
from bot.triage.followup import follow_up_message, is_enough, language, missing_fields
from bot.triage.models import Attachment, BugFields, Kind, Priority, Tier, TriageResult
from bot.triage.priority import PriorityDecision, prioritise
from bot.triage.redactor import DEFAULT_REDACTOR

IntakeAction = Literal["answer", "ask", "open", "update", "status", "reply"]

_TICKET_KINDS: tuple[Kind, ...] = ("bug", "outage", "feature", "upgrade")
_BARE_VERSION = re.compile(r"(?<![\w.])v?(\d+\.\d+(?:\.\d+)?(?:[-.][\w.]+)?)(?![\w.])")
_DONT_KNOW_VERSION = re.compile(
    r"(?i)\b(?:don'?t|do not) know (?:the |which |what )?(?:sdk )?version|不知道版本|版本不清楚"
)


class IntakeDecision(BaseModel):
    """What to do after one user message."""

    action: IntakeAction
    kind: Kind
    priority: Priority
    reason: str
    fields: BugFields
    missing: list[str] = Field(default_factory=list)
    message: str | None = None
    ticket_ref: str | None = None
    rounds: int = 0
    lookup_query: str | None = Field(
        default=None,
        description="For bugs/outages: what to search the knowledge base for a known issue "
        "(summary, error codes, SDK version), already redacted.",
    )
    triage: TriageResult


class IntakeSession(BaseModel):
    """Everything intake remembers about one conversation (JSON-serialisable)."""

    tier: Tier = "pro"
    kind: Kind | None = None
    priority: Priority | None = None
    reason: str | None = None
    fields: BugFields = Field(default_factory=BugFields)
    rounds: int = 0
    max_rounds: int = 2
    asked: list[str] = Field(default_factory=list)
    declined: list[str] = Field(default_factory=list)
    transcript: list[str] = Field(default_factory=list, description="Redacted user messages.")
    attachment_names: list[str] = Field(default_factory=list)
    opened: bool = False

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, data: str) -> IntakeSession:
        return cls.model_validate_json(data)

    def step(
        self,
        text: str,
        *,
        engine: TriageEngine,
        attachments: Sequence[Attachment] = (),
    ) -> IntakeDecision:
        """Take one user message (plus attachments) and decide the next action."""
        request = TriageRequest(
            text=text or "(attachment)",
            tier=self.tier,
            context=list(self.transcript),
            attachments=list(attachments),
        )
        result = engine.triage(request)
        clean = DEFAULT_REDACTOR.redact(text)
        self.transcript.append(clean)
        self.attachment_names.extend(a.name for a in attachments)
        self._update_kind(result.kind)
        self._merge(result, clean)
        assert self.kind is not None
        if s.REFUSE_LOGS.search(clean) and "logs" not in self.declined:
            self.declined.append("logs")
        if _DONT_KNOW_VERSION.search(clean) and "sdk_version" not in self.declined:
            self.declined.append("sdk_version")
        decision = self._priority()
        self.priority, self.reason = decision.priority, decision.reason
        action, message = self._next(clean, result)
        return IntakeDecision(
            action=action,
            kind=self.kind,
            priority=decision.priority,
            reason=decision.reason,
            fields=self.fields,
            missing=missing_fields(self.kind, self.fields) if self.kind in _TICKET_KINDS else [],
            message=message,
            ticket_ref=result.ticket_ref,
            rounds=self.rounds,
            lookup_query=self._lookup_query(result) if self.kind in ("bug", "outage") else None,
            triage=result,
        )

    # -- internals -------------------------------------------------------------------------

    def _update_kind(self, kind: Kind) -> None:
        """A thread keeps its ticket kind; only a bug can escalate to an outage, and a
        question or small talk can turn into a report."""
        if self.kind in (None, "question", "other", "status"):
            self.kind = kind
        elif self.kind == "bug" and kind == "outage":
            self.kind = "outage"

    def _merge(self, result: TriageResult, clean: str) -> None:
        fields = result.fields
        if "sdk_version" in self.asked and not self.fields.sdk_version and not fields.sdk_version:
            # an answer to "which SDK version?" may be a bare "2.3"
            match = _BARE_VERSION.search(clean)
            if match and not re.search(r"(?i)(?:android|ios|api)\s*v?$", clean[: match.start()]):
                fields = fields.model_copy(update={"sdk_version": match.group(1)})
        if self.fields.summary and self.kind in _TICKET_KINDS:
            # later turns answer questions; they do not replace the summary
            fields = fields.model_copy(update={"summary": None})
        self.fields = self.fields.merged(fields)

    def _priority(self) -> PriorityDecision:
        assert self.kind is not None
        joined = "\n".join(self.transcript)
        return prioritise(joined, kind=self.kind, tier=self.tier, has_logs=bool(self.fields.logs))

    def _lookup_query(self, result: TriageResult) -> str:
        parts = [self.fields.summary or "", *result.error_codes[:3]]
        if self.fields.sdk_version:
            parts.append(self.fields.sdk_version)
        return " ".join(p for p in parts if p)[:300]

    def _follow_up(self, missing: list[str]) -> str | None:
        return follow_up_message(
            missing, fields=self.fields, lang=language(" ".join(self.transcript))
        )

    def _next(self, clean: str, result: TriageResult) -> tuple[IntakeAction, str | None]:
        kind = self.kind
        assert kind is not None
        if self.opened:
            return "update", None
        if kind == "question":
            return "answer", None
        if kind == "other":
            return "reply", None
        if kind == "status":
            if result.ticket_ref:
                return "status", None
            return "status", "Which ticket do you mean? Please give its reference, e.g. SUP-1042."
        if kind in ("feature", "upgrade"):
            self.opened = True
            return "open", None
        missing = missing_fields(kind, self.fields, waived=self.declined)
        go_ahead = bool(s.GO_AHEAD.search(clean))
        refused_only_logs = missing == [] or (
            "logs" in self.declined and is_enough(kind, self.fields) and self.rounds >= 1
        )
        if not missing or go_ahead or refused_only_logs or self.rounds >= self.max_rounds:
            self.opened = True
            return "open", None
        if kind == "outage":
            # production is down: open now, ask for the rest in the same breath
            self.opened = True
            return "open", self._follow_up(missing)
        if self.rounds >= 1 and is_enough(kind, self.fields):
            self.opened = True
            return "open", None
        self.rounds += 1
        self.asked.extend(name for name in missing if name not in self.asked)
        return "ask", self._follow_up(missing)
