"""Whether two messages are about the same thing: the content words they share."""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{2,}|\d+\.\d+[\w.]*|[\u4e00-\u9fff]{2,}")
# Words too common in support messages to say what one is about (shared with the known
# issues' matching).
COMMON_WORDS = frozenset(
    [
        "the", "and", "for", "with", "that", "this", "when", "after", "from", "our",
        "app", "sdk", "have", "has", "was", "are", "not", "but", "its", "you",
        "your", "can", "get", "any", "how", "what", "why", "does", "did", "about",
        "also", "just", "still", "into", "them", "they", "then", "there", "here", "some",
        "more", "very", "version", "issue",
    ]
)  # fmt: skip
_STOP = COMMON_WORDS | frozenset(
    [
        "really", "please", "thanks", "hello", "problem", "bug", "error", "我们", "这个", "那个",
        "一个", "问题", "没有", "现在", "然后", "就是", "还是", "可以",
    ]
)  # fmt: skip


def words(text: str) -> set[str]:
    """Content words (Chinese as character pairs), for telling whether two messages are
    about the same thing."""
    out: set[str] = set()
    for word in _WORD.findall(text):
        if word[0] >= "\u4e00":
            out.update(word[i : i + 2] for i in range(len(word) - 1))
        else:
            out.add(word.lower())
    return out - _STOP


def relatedness(text: str, earlier: str, *, cap: int = 10) -> float:
    """How much ``text`` and ``earlier`` are about the same thing: the words they share, as
    a share of the shorter one's (at most ``cap``), so a long message that repeats a few
    key words of a short subject still counts as related."""
    mine, theirs = words(text), words(earlier)
    if not mine or not theirs:
        return 0.0
    return min(1.0, len(mine & theirs) / min(len(mine), len(theirs), cap))
