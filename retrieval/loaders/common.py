"""Helpers shared by the loaders."""

from __future__ import annotations

import re
from pathlib import Path

from retrieval.encoding import decode_text, marked_codec


class LoadError(Exception):
    """A file could not be read as documentation; the message says why."""


def slugify(text: str) -> str:
    """GitHub-style heading anchor: lowercase, punctuation dropped, spaces to dashes."""
    slug = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return re.sub(r"\s+", "-", slug)


def read_text(path: Path) -> str:
    """A text file's contents in the encoding it was saved in (see :mod:`retrieval.encoding`);
    :class:`LoadError` when it is not text."""
    data = path.read_bytes()
    text = decode_text(data)
    if text is None:
        if marked_codec(data) is not None:
            raise LoadError(f"not {marked_codec(data)} text despite its byte-order mark")
        raise LoadError("binary file, or text in an encoding we do not recognise (use UTF-8)")
    return text
