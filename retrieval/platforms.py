"""Which SDK platform a page or a question is about, from plain words in it."""

from __future__ import annotations

import re


def word_pattern(*alternatives: str) -> re.Pattern[str]:
    """Whole words by ASCII boundaries: ``\\b`` fails in "Android端" (CJK counts as a word
    character), and Chinese questions glue platform names to the next word."""
    return re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(alternatives) + r")(?![A-Za-z0-9])", re.I)


# Order matters: "react native" must win over "react", "flutter" over "dart" etc.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("react-native", word_pattern(r"react[\s_-]?native", "rn")),
    ("flutter", word_pattern("flutter")),
    ("android", word_pattern("android", "kotlin", "安卓")),
    ("ios", word_pattern("ios", "swift", "objective-c", "xcode")),
    ("web", word_pattern("javascript", "web", "browser", "js")),
]


def platform_of(text: str) -> str | None:
    """The first platform named in ``text`` (paths count: ``docs/android/...``)."""
    text = text.replace("/", " ").replace("_v2", " ")
    for name, pattern in _PATTERNS:
        if pattern.search(text):
            return name
    return None
