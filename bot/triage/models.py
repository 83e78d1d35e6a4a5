"""What triage returns: kinds, priorities, bug-report fields and results.

Everything that crosses the triage boundary is one of these pydantic models, so the
conversation service can store them (``model_dump_json``) and the CLI can print them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Kind = Literal["question", "bug", "outage", "feature", "upgrade", "status", "other"]
Priority = Literal["P1", "P2", "P3", "P4"]
Tier = Literal["free", "basic", "pro", "enterprise"]

KINDS: tuple[Kind, ...] = ("question", "bug", "outage", "feature", "upgrade", "status", "other")
PRIORITIES: tuple[Priority, ...] = ("P1", "P2", "P3", "P4")
TIERS: tuple[Tier, ...] = ("free", "basic", "pro", "enterprise")

# Order of the CLI contract in DESIGN.md.
FIELD_NAMES: tuple[str, ...] = (
    "summary",
    "sdk",
    "sdk_version",
    "platform",
    "os_version",
    "device",
    "repro_steps",
    "expected",
    "actual",
    "logs",
    "impact",
)


class BugFields(BaseModel):
    """The bug-report fields of DESIGN.md; ``None`` means not given."""

    summary: str | None = None
    sdk: str | None = None
    sdk_version: str | None = None
    platform: str | None = None
    os_version: str | None = None
    device: str | None = None
    repro_steps: str | None = None
    expected: str | None = None
    actual: str | None = None
    logs: str | None = None
    impact: str | None = None

    def present(self) -> list[str]:
        return [name for name in FIELD_NAMES if getattr(self, name)]

    def merged(self, newer: BugFields) -> BugFields:
        """Fields of ``self`` completed by ``newer``; what was already given is kept,
        except logs, which accumulate."""
        data: dict[str, Any] = self.model_dump()
        for name in FIELD_NAMES:
            value = getattr(newer, name)
            if not value:
                continue
            if not data[name]:
                data[name] = value
            elif name == "logs" and value not in data[name]:
                data[name] = f"{data[name]}\n{value}"
        return BugFields(**data)


class TriageResult(BaseModel):
    """One message triaged: the CLI contract plus what the ticket needs."""

    kind: Kind
    priority: Priority
    reason: str = Field(description="One line: why this priority; stored on the ticket.")
    fields: BugFields
    missing: list[str] = Field(default_factory=list)
    follow_up: str | None = None
    ticket_ref: str | None = Field(default=None, description="e.g. SUP-1042 for status asks.")
    error_codes: list[str] = Field(default_factory=list)
    engine: str = "offline"

    def contract(self) -> dict[str, Any]:
        """The JSON of the ``deskbot triage`` contract (plus reason/ticket_ref extras)."""
        return {
            "kind": self.kind,
            "priority": self.priority,
            "reason": self.reason,
            "fields": self.fields.model_dump(),
            "missing": list(self.missing),
            "follow_up": self.follow_up,
            "ticket_ref": self.ticket_ref,
            "error_codes": list(self.error_codes),
        }


class Attachment(BaseModel):
    """A log or text file as triage sees it: already decompressed and redacted."""

    name: str
    size: int = Field(description="Bytes received (compressed size for .gz/.zip).")
    text: str = Field(description="Redacted text content; members of a zip are concatenated.")
    members: list[str] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list, description="Binary or nested members.")
    redacted: bool = Field(default=False, description="True when built by read_attachment.")
