"""The triage engine and intake state machine, as the conversation service uses them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.conversation.types import Upload
from bot.triage.attachments import read_attachment
from bot.triage.engine import TriageEngine, TriageRequest
from bot.triage.intake import IntakeDecision, IntakeSession
from bot.triage.models import Attachment, TriageResult
from bot.triage.redactor import DEFAULT_REDACTOR, Redactor

_TICKET_KINDS = ("bug", "outage", "feature", "upgrade")


@dataclass(frozen=True)
class IntakeStep:
    """What the service does next: ask (``message``) or open the ticket (``result``)."""

    open_ticket: bool
    message: str | None
    missing: list[str]
    state: dict[str, Any]
    result: IntakeDecision


class TriageIntake:
    """Implements ``bot.conversation.service.Intake`` with ``bot.triage``."""

    def __init__(
        self, *, engine: TriageEngine, max_upload_bytes: int, redactor: Redactor = DEFAULT_REDACTOR
    ) -> None:
        self.engine = engine
        self.max_upload_bytes = max_upload_bytes
        self.redactor = redactor

    def redact(self, text: str) -> str:
        return self.redactor.redact(text)

    def read_upload(self, upload: Upload) -> Attachment:
        """Unpack and redact a log; InvalidInput (too large, zip bomb, binary) for the user."""
        return read_attachment(
            upload.filename, upload.data, max_bytes=self.max_upload_bytes, redactor=self.redactor
        )

    def classify(self, text: str, *, tier: str, context: Sequence[str]) -> TriageResult:
        request = TriageRequest(text=text, tier=tier, context=list(context))  # type: ignore[arg-type]
        return self.engine.triage(request)

    def step(
        self,
        state: dict[str, Any] | None,
        text: str,
        *,
        tier: str,
        attachments: Sequence[Any],
        go_ahead: bool = False,
    ) -> IntakeStep:
        session = IntakeSession.model_validate(state) if state else IntakeSession(tier=tier)  # type: ignore[arg-type]
        if go_ahead and not text:
            text = "Please go ahead and open the ticket anyway."
        decision = session.step(text, engine=self.engine, attachments=list(attachments))
        opened = decision.action in ("open", "update") or go_ahead
        if opened and decision.kind not in _TICKET_KINDS:
            # "Open a ticket" under an answer: a question for a person, not a bug report.
            decision = decision.model_copy(update={"kind": "question", "missing": []})
        return IntakeStep(
            open_ticket=opened,
            message=decision.message,
            missing=list(decision.missing),
            state=session.model_dump(mode="json"),
            result=decision,
        )
