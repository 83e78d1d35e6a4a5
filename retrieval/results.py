"""What a ranked list becomes before anyone sees it: copies of one passage merged, one hit
per section and a few per page, and the hits the callers get."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

from retrieval.types import Chunk, SearchHit


@dataclass
class Ranked:
    """A chunk with its fused score and, for confidence and debugging, its raw signals."""

    chunk: Chunk
    score: float
    dense: float
    lexical: float


def merge_copies(
    ranked: list[Ranked], platform: str | None, *, key: Callable[[Chunk], str]
) -> list[Ranked]:
    """The same passage on several pages (a shared fragment each platform's page imports, an
    FAQ repeated per SDK) is one result, with the best score among its copies, cited from the
    copy that fits the question: the named platform's, else the shared one (no platform)."""
    groups: dict[str, list[Ranked]] = {}
    for r in ranked:
        groups.setdefault(key(r.chunk), []).append(r)
    if len(groups) == len(ranked):
        return ranked

    def fit(r: Ranked) -> int:
        chunk_platform = r.chunk.metadata.get("platform")
        if platform and chunk_platform == platform:
            return 0
        return 1 if not chunk_platform else 2

    merged = []
    for copies in groups.values():
        best = max(copies, key=lambda r: r.score)
        pick = min(copies, key=lambda r: (fit(r), -r.score))
        merged.append(best if pick is best else dataclasses.replace(pick, score=best.score))
    return merged


# A folder that holds a translation: docs/zh/..., zh-CN/..., i18n/zh-Hans/...
_TRANSLATION_DIR = re.compile(r"(?:^|/)(?:zh|cn|zh[-_](?:cn|hans|hant|tw))(?=/)", re.I)


def original_of(source: str) -> str | None:
    """The page that ``source`` translates, by path ("docs/zh/a.md" -> "docs/a.md"); None for
    a page that is not under a translation folder."""
    original = _TRANSLATION_DIR.sub("", source, count=1).lstrip("/")
    return original if original != source else None


def lift_translations(ranked: list[Ranked], *, translated: Callable[[Ranked], bool]) -> None:
    """For a question in the translations' language: a translated page ranks as high as the
    page it translates, through its best section, so the user reads their own language where
    the docs have it (and the original where they do not)."""
    best: dict[str, float] = {}
    for r in ranked:
        best[r.chunk.source] = max(best.get(r.chunk.source, 0.0), r.score)
    lifted: set[str] = set()
    for r in sorted(ranked, key=lambda r: -r.score):
        source = r.chunk.source
        original = original_of(source)
        if original is None or source in lifted or not translated(r):
            continue
        lifted.add(source)  # only the page's best section
        if best.get(original, 0.0) > r.score:
            r.score = best[original] * (1 + 1e-6)


def dedupe(ranked: list[Ranked], *, k: int, max_per_source: int) -> list[Ranked]:
    """Best chunk per section, at most ``max_per_source`` sections per page, so the top k
    shows k different places to read rather than k pieces of one page."""
    out: list[Ranked] = []
    sections: set[tuple[str, tuple[str, ...]]] = set()
    per_source: dict[str, int] = {}
    for r in ranked:
        key = (r.chunk.source, r.chunk.heading_path)
        if key in sections or per_source.get(r.chunk.source, 0) >= max_per_source:
            continue
        sections.add(key)
        per_source[r.chunk.source] = per_source.get(r.chunk.source, 0) + 1
        out.append(r)
        if len(out) >= k:
            break
    return out


def to_hit(r: Ranked) -> SearchHit:
    return SearchHit(
        source=r.chunk.source,
        heading=r.chunk.heading,
        text=r.chunk.text,
        score=round(float(r.score), 6),
        url=r.chunk.url,
        title=r.chunk.title,
        chunk_id=r.chunk.id,
        metadata=dict(r.chunk.metadata),
    )
