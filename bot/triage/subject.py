"""A ticket's subject: the report's own first line, without what is not the problem."""

from __future__ import annotations

import re

_GREETING_HEAD = re.compile(
    r"^\s*(?:hi|hello|hey|dear \w+|good (?:morning|afternoon|evening))(?:\s+(?:there|team|all|"
    r"folks|guys))?\s*[,!.:，！。]+\s*|^\s*(?:你好|您好|哈喽|hello)[,!.，！。\s]*",
    re.I,
)


# A title run into the template under it: "Firebase crash. ## What did you do?", "Hide the
# buttons. **Is your feature request related to a problem?", "Crashes on 4.4.2. 1."
_TEMPLATE_TAIL = re.compile(
    r"\s+(?:#{1,6}\s|\*\*[^*]{0,80}[?？:：](?:\*\*|$))|(?<=[.!?。！？])\s+\d{1,2}\.\s*$|"
    r"(?<=[.。])\s*【[^】]{1,20}】[:：]?\s*$|(?<=[.。])\s*(?:【[^】]{0,20}】[-\s:：]*)*【[^】]*$|"
    # GitHub's default issue templates' prompts, their markup already gone
    r"(?i:(?<=[.!?])\s+(?:is your feature request related to a problem|describe the (?:bug|"
    r"solution)|what did you (?:do|expect)|to reproduce\b|steps to reproduce\b).*$)"
)
_HEADING_ONLY = re.compile(
    r"(?:【[^】]{1,20}】\s*[:：]?|\[[^\]]{1,30}\]|[\w\s]{1,30}[:：]|describe the bug|"
    r"to reproduce|bug report|expected behaviou?r|what did you do\??)",
    re.I,
)


def subject_line(*sources: str, limit: int = 200) -> str | None:
    """The first line of ``sources`` that says something: never a greeting, a template's
    heading ("【当前现象】", "**Describe the bug**") or the template run into a title."""
    for source in sources:
        for line in source.strip().splitlines():
            line = _GREETING_HEAD.sub("", line).strip()
            line = _TEMPLATE_TAIL.split(line)[0]
            line = re.sub(r"^[#>*\s:：,，、;；-]+|[*_`\s]+$", "", line).strip()
            if line and not _HEADING_ONLY.fullmatch(line):
                return line[:limit]
    return None
