"""Documents to chunks: one chunk per heading section, long sections split at paragraph
boundaries, fenced code blocks never split, FAQ pairs kept one per chunk."""

from __future__ import annotations

import hashlib
import re

from retrieval.platforms import platform_of
from retrieval.types import Chunk, Document, Section

_FENCE = re.compile(r"^\s*(```+|~~~+)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")
DEFAULT_MAX_CHARS = 1500
MERGE_CHARS = 1000
# Only this much of a chunk is embedded: MiniLM reads ~256 word pieces and indexing time grows
# with length, while the lexical index still sees the whole text.
EMBED_CHARS = 600
_CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def chunk_document(
    doc: Document,
    *,
    url_base: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    merge_chars: int = MERGE_CHARS,
) -> list[Chunk]:
    """Split ``doc`` into chunks carrying title, heading path, URL and metadata."""
    chunks: list[Chunk] = []
    page_url = doc.url or _page_url(url_base, doc.source)
    metadata = dict(doc.metadata)
    platform = metadata.get("platform") or platform_of(doc.source + " " + doc.title)
    if platform:
        metadata["platform"] = platform
    metadata.setdefault("kind", doc.kind)
    seen: dict[str, int] = {}
    pieces: list[tuple[Section, str]] = []
    summary = _summary(doc)
    if summary:
        # The page's own description says what it answers: give it to the intro chunk.
        intro = doc.sections[0] if doc.sections and not doc.sections[0].heading_path else None
        pieces.append((intro or Section((), ""), summary + ("\n\n" + intro.text if intro else "")))
    for section in doc.sections[
        1 if summary and doc.sections and not doc.sections[0].heading_path else 0 :
    ]:
        texts = [section.text] if doc.kind == "faq" else _split(section.text, max_chars)
        pieces.extend((section, text) for text in texts)
    if doc.kind != "faq":
        pieces = _merge_small(pieces, limit=merge_chars)
    for section, piece in pieces:
        if not piece.strip() and not section.heading_path:
            continue
        url = f"{page_url}#{section.anchor}" if page_url and section.anchor else page_url
        digest = _hash(doc.source, doc.title, "\x1f".join(section.heading_path), piece)
        seen[digest] = seen.get(digest, 0) + 1
        chunk_id = digest[:20] if seen[digest] == 1 else f"{digest[:20]}-{seen[digest]}"
        chunks.append(
            Chunk(
                id=chunk_id,
                source=doc.source,
                title=doc.title,
                heading_path=section.heading_path,
                text=piece.strip(),
                url=url,
                metadata=metadata,
                content_hash=digest,
            )
        )
    return chunks


def page_summary(doc: Document, *, limit: int = EMBED_CHARS) -> str:
    """One text for the whole page (title, description, its headings): the page-level vector
    that answers 'which page is about this?' better than any single section."""
    headings = list(dict.fromkeys(h for s in doc.sections for h in s.heading_path))
    parts = [doc.title, _summary(doc), "; ".join(headings)]
    return "\n".join(p for p in parts if p)[:limit]


def _summary(doc: Document) -> str:
    parts = [
        doc.metadata.get(key, "").strip()
        for key in ("description", "meta_description", "summary", "meta_keywords", "keywords")
    ]
    return "\n".join(p for p in parts if p)


def _merge_small(pieces: list[tuple[Section, str]], *, limit: int) -> list[tuple[Section, str]]:
    """Fold short neighbouring sections under the same top-level heading into one chunk (the
    sub-heading stays in the text), so a page of one-line sections is not a swarm of chunks."""
    out: list[tuple[Section, str]] = []
    for section, text in pieces:
        if out:
            head, body = out[-1]
            same_top = head.heading_path[:1] == section.heading_path[:1]
            deeper = len(section.heading_path) >= len(head.heading_path)
            title = section.heading_path[-1] if section.heading_path else ""
            merged = f"{body}\n\n{title}\n{text}".strip() if title else f"{body}\n\n{text}"
            if same_top and deeper and head.heading_path and len(merged) <= limit:
                out[-1] = (head, merged)
                continue
        out.append((section, text))
    return out


def embed_text(chunk: Chunk, *, multilingual: bool = True) -> str:
    """What the dense model reads: context plus prose, with code cut to its first lines.

    An English-only model turns Chinese into [UNK] tokens that cost time and carry nothing,
    so for it only the Latin-script words (identifiers, error texts) are kept."""
    prose: list[str] = []
    in_code = False
    code_lines = 0
    for line in chunk.text.splitlines():
        if _FENCE.match(line):
            in_code = not in_code
            code_lines = 0
            continue
        if in_code:
            code_lines += 1
            if code_lines > 2:
                continue
        if line.strip():
            prose.append(line.strip())
    text = chunk.context + "\n" + " ".join(prose)
    if not multilingual:
        text = " ".join(_CJK_RUN.sub(" ", text).split())
    return text[:EMBED_CHARS]


def lexical_text(chunk: Chunk) -> str:
    return chunk.context + "\n" + chunk.text


def _split(text: str, max_chars: int) -> list[str]:
    if len(text) <= max_chars:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    blocks = [piece for block in _blocks(text) for piece in _split_block(block, max_chars)]
    for block in blocks:
        if current and size + len(block) > max_chars:
            pieces.append("\n\n".join(current))
            current, size = [], 0
        current.append(block)
        size += len(block) + 2
    if current:
        pieces.append("\n\n".join(current))
    return pieces


def _split_block(block: str, max_chars: int) -> list[str]:
    """A long table or list, split between its rows (a table's header repeated on each piece),
    so an error-code table becomes pieces a question about one code can find. Code blocks stay
    whole."""
    if len(block) <= max_chars or _FENCE.match(block):
        return [block]
    lines = block.splitlines()
    header: list[str] = []
    if len(lines) > 2 and lines[0].lstrip().startswith("|") and _TABLE_RULE.match(lines[1]):
        header, lines = lines[:2], lines[2:]
    budget = max(max_chars - sum(len(h) + 1 for h in header), max_chars // 3)
    pieces: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if pieces[-1] and size + len(line) > budget:
            pieces.append([])
            size = 0
        pieces[-1].append(line)
        size += len(line) + 1
    return ["\n".join(header + piece) for piece in pieces if piece]


def _blocks(text: str) -> list[str]:
    """Paragraphs and whole fenced code blocks, in order."""
    blocks: list[str] = []
    current: list[str] = []
    fence: str | None = None
    for line in text.splitlines():
        match = _FENCE.match(line)
        if fence is not None:
            current.append(line)
            if match and match.group(1)[0] == fence[0]:
                blocks.append("\n".join(current))
                current, fence = [], None
            continue
        if match:
            if current:
                blocks.append("\n".join(current))
            current, fence = [line], match.group(1)
            continue
        if not line.strip():
            if current:
                blocks.append("\n".join(current))
                current = []
            continue
        current.append(line)
    if current:
        blocks.append("\n".join(current))
    return [b for b in blocks if b.strip()]


def _page_url(url_base: str | None, source: str) -> str | None:
    if not url_base:
        return None
    path = re.sub(r"\.(mdx?|markdown|html?|rst|txt|ya?ml|csv)$", "", source)
    path = re.sub(r"(^|/)(index|README)$", "", path)
    return url_base.rstrip("/") + "/" + path if path else url_base.rstrip("/")


def _hash(*parts: str) -> str:
    return hashlib.sha1("\x1e".join(parts).encode("utf-8")).hexdigest()


def section_key(chunk: Chunk) -> tuple[str, tuple[str, ...]]:
    return (chunk.source, chunk.heading_path)


__all__ = ["Section", "chunk_document", "embed_text", "lexical_text"]
