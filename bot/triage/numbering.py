"""Numbered steps written inline ("1. join 2. go to background 3. come back") set out one per
line, so that Markdown shows a list of steps, not one item holding them all."""

from __future__ import annotations

import re

# A step number: "2." "2、" "2)" "2）" after a space or CJK punctuation, not inside "4.3.0".
_NUMBER = re.compile(r"(?:(?<=\s)|(?<=[。；;，,：:]))(\d{1,2})\s*[.、)）](?!\d)\s*")
# A sentence's end: a Chinese full stop, or "." "!" "?" before a space (not "room.leave()")
_SENTENCE_END = re.compile(r"[。！？]|[.!?](?=\s)")


def _step_numbers(text: str) -> tuple[int, list[re.Match[str]]] | None:
    """Where the inline steps 2, 3… of ``text`` start (after "1." at ``begin``), or None
    unless they run 1, 2, 3… in order."""
    head = re.match(r"\s*1\s*[.、)）](?!\d)\s*", text)
    begin = head.end() if head else 0
    expected, cuts = 2, []
    for match in _NUMBER.finditer(text, begin):
        if int(match.group(1)) == expected:
            cuts.append(match)
            expected += 1
    # "1." may have been cut off with a "Steps:" label; then "2." and "3." must both follow
    if len(cuts) < (1 if head else 2):
        return None
    return begin, cuts


def through_last_step(text: str) -> str:
    """Inline numbered steps without what follows the last one's sentence: "1. join 2. leave
    3. it crashes. 30% of users are affected" -> "1. join 2. leave 3. it crashes" (the rest
    is the report's impact or a note, not a step). Unchanged unless the numbers run 1, 2, 3…"""
    found = _step_numbers(text)
    if found is None:
        return text
    last = found[1][-1]
    end = _SENTENCE_END.search(text, last.end())
    if end is None or not text[end.end() :].strip():
        return text
    return text[: end.start()].rstrip()


def one_per_line(text: str) -> str:
    """``text`` with inline numbered steps on lines of their own; unchanged unless the numbers
    run 1, 2, 3… in order (a version "4.3.0" or a count "2 users" is never a step)."""
    if "\n" in text.strip() and re.search(r"(?m)^\s*2\s*[.、)）]", text):
        return text  # already one per line
    found = _step_numbers(text)
    if found is None:
        return text
    begin, cuts = found
    items, start = [], begin
    for match in cuts:
        items.append(text[start : match.start()].strip())
        start = match.end()
    items.append(text[start:].strip())
    return "\n".join(f"{n}. {item}" for n, item in enumerate(items, start=1))
