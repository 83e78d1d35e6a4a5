"""The triage engine and bug intake, as the conversation service uses them."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.conversation.types import Upload
from bot.triage.attachments import read_attachment
from bot.triage.engine import TriageEngine, TriageRequest
from bot.triage.followup import KB_COLLECT_LOGS
from bot.triage.intake import IntakeDecision, IntakeSession
from bot.triage.models import Attachment, Tier, TriageResult
from bot.triage.redactor import DEFAULT_REDACTOR, Redactor

log = logging.getLogger("deskbot.conversation")


class TriageIntake:
    """Implements ``bot.conversation.requests.Intake`` with ``bot.triage``."""

    def __init__(
        self,
        *,
        engine: TriageEngine,
        max_upload_bytes: int,
        redactor: Redactor = DEFAULT_REDACTOR,
        logs_url: str | dict[str, str] = KB_COLLECT_LOGS,
        router: TriageEngine | None = None,
    ) -> None:
        self.engine = engine
        # Which way each turn goes is read by fast rules (every turn pays for it); the report
        # itself by the configured engine (an LLM, when there is one).
        self.router = router or engine
        self.max_upload_bytes = max_upload_bytes
        self.redactor = redactor
        # the page on collecting logs that follow-ups point to, or one per language
        self.logs_url = logs_url

    def redact(self, text: str) -> str:
        return self.redactor.redact(text)

    def read_upload(self, upload: Upload) -> Attachment:
        """Unpack and redact a log; InvalidInput (too large, zip bomb, binary) for the user."""
        return read_attachment(
            upload.filename, upload.data, max_bytes=self.max_upload_bytes, redactor=self.redactor
        )

    def classify(self, text: str, *, tier: str, context: Sequence[str]) -> TriageResult:
        request = TriageRequest(
            text=text or "(attachment)", tier=_tier(tier), context=list(context)
        )
        return self.router.triage(request)

    def step(
        self,
        session: IntakeSession,
        text: str,
        *,
        attachments: Sequence[Attachment] = (),
        go_ahead: bool = False,
    ) -> IntakeDecision:
        decision = session.step(
            text,
            engine=self.router,
            attachments=attachments,
            go_ahead=go_ahead,
            logs_url=self.logs_url,
        )
        if decision.action == "open" and self.engine is not self.router:
            try:
                decision = session.reread(self.engine, decision)
            except Exception:  # the rules' reading stands; the ticket must open
                log.warning(
                    "re-reading the report with the configured engine failed", exc_info=True
                )
        return decision


def _tier(tier: str) -> Tier:
    return tier if tier in ("free", "basic", "pro", "enterprise") else "pro"  # type: ignore[return-value]
