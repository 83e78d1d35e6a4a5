"""Fakes for the conversation service's collaborators (the docs bot and intake)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.conversation.types import Upload
from bot.errors import IndexUnavailable, InvalidInput
from retrieval.followup import with_earlier_question
from retrieval.types import Answer, Citation, SearchHit


class FakeAnswerer:
    """Answers from a dict of keyword -> (answer, source, heading); anything else is a handoff."""

    def __init__(
        self, answers: dict[str, tuple[str, str, str]] | None = None, *, broken: bool = False
    ) -> None:
        self.answers = answers or {}
        self.broken = broken
        self.asked: list[str] = []
        self.contexts: list[list[str]] = []  # the earlier messages each question came with

    def ask(self, question: str, *, context: Sequence[str] = ()) -> Answer:
        self.asked.append(question)
        self.contexts.append(list(context))
        if self.broken:
            raise IndexUnavailable("the search index is unavailable")
        for keyword, (text, source, heading) in self.answers.items():
            if keyword in question.lower():
                hit = SearchHit(source=source, heading=heading, text=text, score=0.9)
                return Answer(
                    text,
                    [Citation(source, heading, f"https://docs.example/{source}")],
                    0.9,
                    False,
                    [hit],
                )
        miss = SearchHit(source="faq/misc.yaml", heading="Other", text="...", score=0.1)
        searched = with_earlier_question(question, context)  # as the knowledge base reports it
        return Answer("", [], 0.1, True, [miss], question=searched)


@dataclass
class FakeResult:
    kind: str
    priority: str = "P3"
    reason: str = "fake reason"
    ticket_ref: str | None = None
    fields: Any = None


@dataclass
class FakeFields:
    values: dict[str, str] = field(default_factory=dict)

    def model_dump(self) -> dict[str, str]:
        return dict(self.values)


@dataclass
class FakeStep:
    open_ticket: bool
    message: str
    missing: list[str]
    state: dict[str, Any]
    result: Any


class FakeIntake:
    """Kinds by keyword; a bug needs 'version' and 'android' before it opens."""

    def redact(self, text: str) -> str:
        return text.replace("secret-token", "[redacted]")

    def read_upload(self, upload: Upload) -> Any:
        if len(upload.data) > 1000:
            raise InvalidInput(f"{upload.filename} is too large")
        return upload.data.decode()

    def classify(self, text: str, *, tier: str, context: Sequence[str]) -> FakeResult:
        lowered = text.lower()
        for word, kind in [("crash", "bug"), ("down", "outage"), ("upgrade", "upgrade"),
                           ("please add", "feature"), ("status", "status")]:  # fmt: skip
            if word in lowered:
                ref = next((w for w in text.split() if w.upper().startswith("SUP-")), None)
                return FakeResult(
                    kind=kind, ticket_ref=ref, priority="P4" if kind == "feature" else "P2"
                )
        return FakeResult(kind="question")

    def step(
        self, state: dict[str, Any] | None, text: str, *, tier: str, attachments: Sequence[Any],
        go_ahead: bool = False,
    ) -> FakeStep:  # fmt: skip
        if "just a question" in text.lower():  # intake's own reading: not part of a report
            return FakeStep(False, "", [], dict(state or {}), FakeResult(kind="question"))
        seen = " ".join([*(state or {}).get("texts", []), text])
        missing = [
            f
            for f, word in [("sdk_version", "version"), ("platform", "android")]
            if word not in seen
        ]
        new_state = {
            "texts": [*(state or {}).get("texts", []), text],
            "rounds": (state or {}).get("rounds", 0) + 1,
        }
        fields = FakeFields(
            {"summary": seen[:80], **({"platform": "Android"} if "android" in seen else {})}
        )
        result = FakeResult(kind="bug", priority="P2", reason="crash for some users", fields=fields)
        done = not missing or go_ahead or new_state["rounds"] > 2
        return FakeStep(done, "Which SDK version and platform?", missing, new_state, result)
