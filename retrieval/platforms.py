"""Which SDK platform a page or a question is about, from plain words in it."""

from __future__ import annotations

import re

# Order matters: "react native" must win over "react", "flutter" over "dart" etc.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("react-native", re.compile(r"react[\s_-]?native|\brn\b", re.I)),
    ("flutter", re.compile(r"\bflutter\b", re.I)),
    ("android", re.compile(r"\bandroid\b|\bkotlin\b", re.I)),
    ("ios", re.compile(r"\bios\b|\bswift\b|\bobjective-c\b|\bxcode\b|\bios_v2\b", re.I)),
    ("web", re.compile(r"\bjavascript\b|\bweb\b|\bbrowser\b|\bjs\b", re.I)),
]


def platform_of(text: str) -> str | None:
    """The first platform named in ``text`` (paths count: ``docs/android/...``)."""
    text = text.replace("/", " ").replace("_v2", " ")
    for name, pattern in _PATTERNS:
        if pattern.search(text):
            return name
    return None
