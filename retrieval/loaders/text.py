"""Plain text: one document, one section; the chunker splits it at paragraphs."""

from __future__ import annotations

from pathlib import Path

from retrieval.loaders.common import read_text
from retrieval.types import Document, Section


def load_text(path: Path, *, source: str, root: Path) -> Document:
    raw = read_text(path)
    lines = raw.strip().splitlines()
    title = path.stem.replace("_", " ").replace("-", " ")
    if len(lines) > 1 and 0 < len(lines[0]) <= 80 and not lines[1].strip():
        title, raw = lines[0].strip(), "\n".join(lines[2:])
    return Document(source=source, title=title, sections=[Section((), raw.strip())])
