"""A bug report taken over several messages: the facts gathered so far and what to do next.

The conversation keeps one :class:`IntakeSession` per report (it is JSON, stored in the
conversation's state) and calls :meth:`IntakeSession.step` with each message that belongs to
the report. Each step reads the *whole* report again — every message and attachment so far —
so a fact given in any form, in any message, is found and never asked for again:

- ``ask``: send ``message`` (one follow-up asking for everything still missing at once).
- ``open``: open the ticket of ``kind`` at ``priority`` with ``reason`` and ``fields``;
  ``missing`` is what the ticket still lacks, ``message`` a note to send along (an outage is
  opened at once and the rest asked for in the same breath).
- ``update``: the ticket is open already; its fields and ``missing`` are the merged ones.

Which messages belong to the report, and whether the user wants a ticket at all, is the
conversation's business (``bot.conversation``); this module only weighs the report itself. At
most ``max_rounds`` rounds of questions; a user who says "go ahead", "I don't know" or "I can't
share logs" is respected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field, PrivateAttr

from bot.triage import signals as s
from bot.triage.deployment import server_side
from bot.triage.engine import TriageEngine, TriageRequest
from bot.triage.followup import (
    KB_COLLECT_LOGS,
    follow_up_message,
    is_enough,
    language,
    missing_fields,
)
from bot.triage.models import Attachment, BugFields, Kind, Priority, Tier, TriageResult
from bot.triage.priority import prioritise
from bot.triage.redactor import DEFAULT_REDACTOR
from bot.triage.subject import subject_line

IntakeAction = Literal["ask", "open", "update"]

REPORT_KINDS: tuple[Kind, ...] = ("bug", "outage")
MAX_REPORT_CHARS = 24_000  # of the joined messages read at each step; the rest is on file
_BARE_VERSION = re.compile(r"(?<![\w.])v?(\d+\.\d+(?:\.\d+)?(?:[-.][\w.]+)?)(?![\w.])")
_DONT_KNOW = re.compile(
    r"(?i)\b(?:i )?(?:don'?t|do not) know\b|\bnot sure\b|\bno idea\b|\bcan'?t tell\b|"
    r"不知道|不清楚|不确定|没法确定"
)
_DONT_KNOW_VERSION = re.compile(
    r"(?i)\b(?:don'?t|do not) know (?:the |which |what )?(?:sdk )?version|不知道版本|版本不清楚"
)


class IntakeDecision(BaseModel):
    """What to do after one message of the report."""

    action: IntakeAction
    kind: Kind
    priority: Priority
    reason: str
    fields: BugFields
    missing: list[str] = Field(default_factory=list)
    message: str | None = None
    rounds: int = 0
    lookup_query: str | None = Field(
        default=None,
        description="What to search the docs with for a known issue (summary, error codes, "
        "versions), already redacted.",
    )
    triage: TriageResult


class IntakeSession(BaseModel):
    """Everything gathered about one report (JSON-serialisable)."""

    tier: Tier = "pro"
    kind: Kind = "bug"
    priority: Priority | None = None
    reason: str | None = None
    fields: BugFields = Field(default_factory=BugFields)
    rounds: int = 0
    max_rounds: int = 2
    asked: list[str] = Field(default_factory=list)
    declined: list[str] = Field(default_factory=list)
    transcript: list[str] = Field(default_factory=list, description="Redacted user messages.")
    attachment_names: list[str] = Field(default_factory=list)
    error_codes: list[str] = Field(default_factory=list)
    opened: bool = False
    # the language the conversation speaks, when a channel knows it ("joinRoom 失败 error code
    # NR-1003" is a Chinese speaker's); else the report's own
    reply_lang: Literal["en", "zh"] | None = None
    _logs_url: str | dict[str, str] = PrivateAttr(default=KB_COLLECT_LOGS)

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, data: str) -> IntakeSession:
        return cls.model_validate_json(data)

    # -- the report as a whole -----------------------------------------------------------------
    @property
    def text(self) -> str:
        """Every message of the report so far, oldest first."""
        return "\n\n".join(t for t in self.transcript if t)

    @property
    def lang(self) -> str:
        return self.reply_lang or language(self.text)

    @property
    def server(self) -> bool:
        """Whether the report is about the vendor's server (deploying it, running it, calling
        its API) rather than an app: it is then asked about the server."""
        return server_side(self.text, self.fields.platform)

    def missing(self, *, asking: bool = False) -> list[str]:
        """Required facts still absent. ``asking``: leave out what the user said they cannot
        give (the ticket still records it as missing; the bot does not ask again)."""
        return missing_fields(self.kind, self.fields, waived=self.declined if asking else ())

    @property
    def subject(self) -> str:
        """A one-line summary of the problem: the report's own first line — never a greeting
        or a template's heading ("【当前现象】", "**Describe the bug**")."""
        return subject_line(self.fields.summary or "", *self.transcript) or "Bug report"

    # -- one message ---------------------------------------------------------------------------
    def step(
        self,
        text: str,
        *,
        engine: TriageEngine,
        attachments: Sequence[Attachment] = (),
        go_ahead: bool = False,
        logs_url: str | dict[str, str] = KB_COLLECT_LOGS,
    ) -> IntakeDecision:
        """Take one more message (and its attachments) and decide the next action.
        ``logs_url``: the page on collecting logs that a follow-up points to (or one per
        language, e.g. ``{"en": …, "zh": …}``)."""
        self._logs_url = logs_url
        clean = DEFAULT_REDACTOR.redact(text).strip()
        if clean:
            self.transcript.append(clean)
        self.attachment_names.extend(a.name for a in attachments)
        self._note_refusals(clean)
        result = self._read(engine, attachments, clean)
        self._prioritise()
        return self._decide(result, go_ahead=go_ahead)

    def reread(self, engine: TriageEngine, decision: IntakeDecision) -> IntakeDecision:
        """Read the finished report once more with ``engine`` (an LLM, when the turns were
        read by rules): the facts it finds fill gaps, and its priority and reason are kept."""
        result = engine.triage(
            TriageRequest(text=self.text[-MAX_REPORT_CHARS:] or "-", tier=self.tier)
        )
        fields = (
            result.fields.model_copy(update={"summary": None})
            if self.fields.summary
            else result.fields
        )
        self.fields = self.fields.merged(fields)
        if self.kind == "bug" and result.kind == "outage":
            self.kind = "outage"
        if result.kind in REPORT_KINDS:
            self.priority, self.reason = result.priority, result.reason
        return decision.model_copy(
            update={
                "kind": self.kind, "priority": self.priority, "reason": self.reason,
                "fields": self.fields, "missing": self.missing(),
            }
        )  # fmt: skip

    # -- internals -----------------------------------------------------------------------------
    def _read(
        self, engine: TriageEngine, attachments: Sequence[Attachment], clean: str
    ) -> TriageResult:
        whole = self.text[-MAX_REPORT_CHARS:] or "(attachment)"
        result = engine.triage(
            TriageRequest(text=whole, tier=self.tier, attachments=list(attachments))
        )
        fields = result.fields
        if self.fields.summary:
            fields = fields.model_copy(update={"summary": None})  # the first summary stays
        if "sdk_version" in self.asked and not (self.fields.sdk_version or fields.sdk_version):
            # an answer to "which SDK version?" may be a bare "2.3"
            match = _BARE_VERSION.search(clean)
            if match and not re.search(r"(?i)(?:android|ios|api)\s*v?$", clean[: match.start()]):
                fields = fields.model_copy(update={"sdk_version": match.group(1)})
        # This reading saw the whole report, the earlier ones only its beginning: where both
        # found a fact, this one's stands ("复现步骤：1. …" in the second message replaces the
        # first message read as steps); what only an earlier one found is kept.
        self.fields = fields.merged(self.fields)
        if not self.fields.actual and self.kind in REPORT_KINDS and self.transcript:
            # A report's opening statement ("remote video goes black after …") is what happens:
            # it is the actual behaviour, however it is worded.
            self.fields = self.fields.model_copy(update={"actual": self.subject})
        for code in result.error_codes:
            if code not in self.error_codes:
                self.error_codes.append(code)
        if self.kind == "bug" and result.kind == "outage":
            self.kind = "outage"  # a report can only grow more urgent
        return result

    def _note_refusals(self, clean: str) -> None:
        if s.REFUSE_LOGS.search(clean) and "logs" not in self.declined:
            self.declined.append("logs")
        if _DONT_KNOW_VERSION.search(clean) and "sdk_version" not in self.declined:
            self.declined.append("sdk_version")
        if self.asked and _DONT_KNOW.search(clean) and len(clean) < 200:
            # "I don't know" to a question about several things: stop asking for them
            for name in self.asked:
                if name not in self.declined and not getattr(self.fields, name):
                    self.declined.append(name)

    def _prioritise(self) -> None:
        decision = prioritise(
            self.text[-MAX_REPORT_CHARS:], kind=self.kind, tier=self.tier,
            has_logs=bool(self.fields.logs),
        )  # fmt: skip
        self.priority, self.reason = decision.priority, decision.reason

    def _decision(
        self, result: TriageResult, action: IntakeAction, message: str | None
    ) -> IntakeDecision:
        assert self.priority is not None and self.reason is not None
        return IntakeDecision(
            action=action,
            kind=self.kind,
            priority=self.priority,
            reason=self.reason,
            fields=self.fields,
            missing=self.missing(),
            message=message,
            rounds=self.rounds,
            lookup_query=self._lookup_query(),
            triage=result,
        )

    def _lookup_query(self) -> str:
        parts = [self.subject, *self.error_codes[:3]]
        if self.fields.platform:
            parts.append(self.fields.platform)
        if self.fields.sdk_version:
            parts.append(self.fields.sdk_version)
        return " ".join(p for p in parts if p)[:300]

    def follow_up(
        self, missing: Sequence[str] | None = None, *, logs_url: str | None = None
    ) -> str | None:
        """The message asking for ``missing`` (default: everything still missing)."""
        wanted = list(self.missing(asking=True) if missing is None else missing)
        pages = logs_url or self._logs_url
        url = pages if isinstance(pages, str) else pages.get(self.lang, pages.get("en", ""))
        kind = self.kind if self.opened else None  # an outage opened at once says it is handled
        return follow_up_message(
            wanted, fields=self.fields, lang=self.lang, logs_url=url, kind=kind,
            server=self.server,
        )  # fmt: skip

    def _decide(self, result: TriageResult, *, go_ahead: bool) -> IntakeDecision:
        if self.opened:
            return self._decision(result, "update", None)
        missing = self.missing(asking=True)
        waited = self.rounds >= self.max_rounds
        enough = self.rounds >= 1 and is_enough(self.kind, self.fields)
        if not missing or go_ahead or waited or enough:
            self.opened = True
            return self._decision(result, "open", None)
        if self.kind == "outage":
            # production is down: open now, ask for the rest in the same breath
            self.opened = True
            return self._decision(result, "open", self.follow_up(missing))
        # Ask for what is missing; a second round asks only for what the first did not get.
        self.rounds += 1
        self.asked.extend(name for name in missing if name not in self.asked)
        return self._decision(result, "ask", self.follow_up(missing))


__all__ = ["REPORT_KINDS", "IntakeDecision", "IntakeSession"]
