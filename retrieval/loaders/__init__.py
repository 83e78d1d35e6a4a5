"""Turn a file into a :class:`~retrieval.types.Document`, chosen by its suffix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from retrieval.loaders.common import LoadError
from retrieval.loaders.faq import load_faq_csv, load_faq_yaml
from retrieval.loaders.html import load_html
from retrieval.loaders.markdown import load_markdown
from retrieval.loaders.rst import load_rst
from retrieval.loaders.text import load_text
from retrieval.types import Document

Loader = Callable[..., Document]

LOADERS: dict[str, Loader] = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".mdx": load_markdown,
    ".html": load_html,
    ".htm": load_html,
    ".rst": load_rst,
    ".txt": load_text,
    ".yaml": load_faq_yaml,
    ".yml": load_faq_yaml,
    ".csv": load_faq_csv,
}

# Licence and provenance files sit next to docs in many repos and answer nothing.
IGNORED_NAMES = {"license", "licence", "copying", "copyright", "source", "notice", "authors"}


def is_document(path: Path) -> bool:
    # "_name.mdx" is the partials convention: fragments are inlined where they are imported.
    if path.suffix.lower() not in LOADERS or path.name.startswith((".", "_")):
        return False
    return path.stem.lower() not in IGNORED_NAMES


def load_document(path: Path, *, source: str, root: Path) -> Document:
    """Load one file; raises :class:`LoadError` with a reason when it cannot be read."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise LoadError(f"unsupported file type {path.suffix!r}")
    try:
        return loader(path, source=source, root=root)
    except LoadError:
        raise
    except (OSError, ValueError) as exc:
        raise LoadError(str(exc)) from exc


__all__ = ["LOADERS", "LoadError", "is_document", "load_document"]
