"""The default engine: rules only, no network, deterministic, a few milliseconds a message."""

from __future__ import annotations

from bot.errors import InvalidInput
from bot.triage.classifier import classify
from bot.triage.deployment import server_side
from bot.triage.engine import TriageRequest
from bot.triage.extractor import codes, extract
from bot.triage.followup import KB_COLLECT_LOGS, follow_up_message, language, missing_fields
from bot.triage.models import BugFields, TriageResult
from bot.triage.priority import PriorityDecision, prioritise
from bot.triage.redactor import DEFAULT_REDACTOR, Redactor

# Enough for any real report (the dev set's longest is under 2,000 characters); beyond this
# we analyse the head and the tail only, which also bounds the cost of pathological input.
TEXT_HEAD, TEXT_TAIL = 20_000, 10_000
ATTACHMENT_WINDOW = 512 * 1024


def _window(text: str, head: int, tail: int | None = None) -> str:
    tail = head if tail is None else tail
    if len(text) <= head + tail:
        return text
    return f"{text[:head]}\n...\n{text[-tail:]}"


class OfflineEngine:
    """Rules over the redacted text; see :mod:`bot.triage.signals` for the phrase tables."""

    name = "offline"

    def __init__(
        self,
        *,
        redactor: Redactor = DEFAULT_REDACTOR,
        logs_url: str = KB_COLLECT_LOGS,
        max_upload_mb: int = 20,
    ) -> None:
        self.redactor = redactor
        self.logs_url = logs_url
        self.max_upload_mb = max_upload_mb

    def prepare(self, request: TriageRequest) -> tuple[str, str, list[str]]:
        """(redacted title, redacted text, redacted attachment windows)."""
        if not request.text.strip() and not request.attachments:
            raise InvalidInput("empty message: nothing to triage")
        text = self.redactor.redact(_window(request.text, TEXT_HEAD, TEXT_TAIL))
        title = self.redactor.redact(request.title[:1000])
        # read_attachment already redacted its output; hand-built attachments are redacted here.
        attached = []
        for attachment in request.attachments:
            window = _window(attachment.text, ATTACHMENT_WINDOW)
            attached.append(window if attachment.redacted else self.redactor.redact(window))
        return title, text, attached

    def triage(self, request: TriageRequest) -> TriageResult:
        title, text, attached = self.prepare(request)
        fields = extract(text, title=title, attachments=attached)
        full = f"{title}\n\n{text}" if title else text
        kind_of = classify(
            full,
            title=title,
            context=[self.redactor.redact(c[-4000:]) for c in request.context[-6:]],
            has_logs=bool(fields.logs),
        )
        return self.finish(
            kind=kind_of.kind,
            fields=fields,
            full=full,
            tier=request.tier,
            attached=attached,
            ticket_ref=kind_of.ticket_ref,
        )

    def finish(
        self,
        *,
        kind: str,
        fields: BugFields,
        full: str,
        tier: str,
        attached: list[str],
        ticket_ref: str | None,
        engine: str = "offline",
        decision: PriorityDecision | None = None,
    ) -> TriageResult:
        """Priority, missing fields and follow-up for a kind and fields (shared with the LLM
        engine so both phrase follow-ups the same way)."""
        if decision is None:
            decision = prioritise(full, kind=kind, tier=tier, has_logs=bool(fields.logs))  # type: ignore[arg-type]
        missing = missing_fields(kind, fields)  # type: ignore[arg-type]
        follow_up = follow_up_message(
            missing,
            fields=fields,
            lang=language(full),
            logs_url=self.logs_url,
            max_upload_mb=self.max_upload_mb,
            kind=kind,  # type: ignore[arg-type]
            server=server_side(full, fields.platform),
        )
        return TriageResult(
            kind=kind,  # type: ignore[arg-type]
            priority=decision.priority,
            reason=decision.reason,
            fields=fields,
            missing=missing,
            follow_up=follow_up,
            ticket_ref=ticket_ref if kind == "status" else None,
            error_codes=codes(full, attached),
            engine=engine,
        )
