"""The values that cross the retrieval boundary: plain dataclasses, no library types."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Section:
    """One heading's worth of a document, before chunking."""

    heading_path: tuple[str, ...]
    text: str
    anchor: str | None = None


@dataclass(frozen=True)
class Document:
    """A loaded file: its title, sections in order and free-form metadata."""

    source: str
    title: str
    sections: list[Section]
    metadata: dict[str, str] = field(default_factory=dict)
    kind: Literal["doc", "faq"] = "doc"
    url: str | None = None


@dataclass(frozen=True)
class Chunk:
    """The unit that is embedded, indexed and cited."""

    id: str
    source: str
    title: str
    heading_path: tuple[str, ...]
    text: str
    url: str | None
    metadata: dict[str, str]
    content_hash: str

    @property
    def heading(self) -> str:
        return " › ".join(self.heading_path) if self.heading_path else self.title

    @property
    def context(self) -> str:
        """Title and heading path, prepended to the text for both indexes."""
        parts = [self.title, *self.heading_path]
        seen: list[str] = []
        for part in parts:
            if part and part not in seen:
                seen.append(part)
        return " > ".join(seen)


@dataclass(frozen=True)
class SearchHit:
    source: str
    heading: str
    text: str
    score: float
    url: str | None = None
    title: str = ""
    chunk_id: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Citation:
    source: str
    heading: str
    url: str | None = None


@dataclass(frozen=True)
class Answer:
    answer: str
    citations: list[Citation]
    confidence: float
    handoff: bool
    passages: list[SearchHit] = field(default_factory=list)
    mode: Literal["extractive", "llm", "handoff"] = "extractive"
    # The question as it was searched: a follow-up ("and on Android?") joined to, or rewritten
    # with, the question it follows up. Empty when not known.
    question: str = ""


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass
class IngestReport:
    files: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    embedded: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "chunks": self.chunks,
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "embedded": self.embedded,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class SearchFilters:
    """Metadata constraints; ``None`` means unconstrained."""

    product: str | None = None
    platform: str | None = None
    sdk_version: str | None = None

    def is_empty(self) -> bool:
        return self.product is None and self.platform is None and self.sdk_version is None
