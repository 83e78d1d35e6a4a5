"""Helpers shared by the loaders."""

from __future__ import annotations

import re


class LoadError(Exception):
    """A file could not be read as documentation; the message says why."""


def slugify(text: str) -> str:
    """GitHub-style heading anchor: lowercase, punctuation dropped, spaces to dashes."""
    slug = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return re.sub(r"\s+", "-", slug)
