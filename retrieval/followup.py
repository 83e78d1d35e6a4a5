"""A follow-up question ("and on Android?", "what about the size limit?", "那 iOS 呢？") means
nothing alone: it is asked together with the question before it."""

from __future__ import annotations

import re
from collections.abc import Sequence

_FOLLOW_UP = re.compile(
    r"^\s*(?:(?:and|also|what about|how about|same (?:for|on|with|in)|but what|or|then)\b"
    r"|那|还有|如果是|换成|同样)",
    re.I,
)
_WORD = re.compile(r"[A-Za-z0-9_]+|[\u3400-\u9fff]")
MAX_WORDS = 8  # longer, and it says enough by itself
MIN_EARLIER_WORDS = 3  # "thanks!" is not the question being followed up
MAX_EARLIER_CHARS = 1000  # of a long earlier message, its start: the follow-up must fit after it


def with_earlier_question(question: str, context: Sequence[str]) -> str:
    """``question``, preceded by the latest earlier message that asks something when
    ``question`` is a short follow-up to it; otherwise ``question`` unchanged."""
    words = _WORD.findall(question)
    if not context or len(words) > MAX_WORDS or not _FOLLOW_UP.match(question):
        return question
    for earlier in reversed(context):
        if len(_WORD.findall(earlier)) >= MIN_EARLIER_WORDS:
            return f"{earlier.strip()[:MAX_EARLIER_CHARS]}\n{question.strip()}"
    return question
