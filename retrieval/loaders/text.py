"""Plain text: one document, one section; the chunker splits it at paragraphs."""

from __future__ import annotations

from pathlib import Path

from retrieval.loaders.common import LoadError
from retrieval.types import Document, Section


def load_text(path: Path, *, source: str, root: Path) -> Document:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise LoadError("binary file")
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not UTF-8 text: {exc.reason}") from exc
    lines = raw.strip().splitlines()
    title = path.stem.replace("_", " ").replace("-", " ")
    if len(lines) > 1 and 0 < len(lines[0]) <= 80 and not lines[1].strip():
        title, raw = lines[0].strip(), "\n".join(lines[2:])
    return Document(source=source, title=title, sections=[Section((), raw.strip())])
