"""Template structure in a report: headings, ``Label: value`` lines and placeholders.

GitHub issue templates (``**Describe the bug**``, ``### Steps to reproduce``, ``- OS: [e.g.
iOS 8.1]``) and Chinese bracket templates (``【机型】：所有``) give the most reliable field
values, provided unfilled placeholders are not taken for values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "[e.g. iOS 8.1]", "(e.g. Samsung S8)", "<e.g. 12>", "[例如 ...]"
_PLACEHOLDER_SPAN = re.compile(
    r"[\[(<]\s*(?:e\.?\s?g\.?|eg|ex\.?|example|for example|such as|例如|比如|"
    r"如)[\s:：,.][^\])>\n]{0,200}[\])>]",
    re.I,
)
_EMPTY_VALUES = {
    "",
    "-",
    "--",
    ".",
    "..",
    "...",
    "n/a",
    "na",
    "none",
    "nil",
    "null",
    "tbd",
    "todo",
    "unknown",
    "?",
    "x",
    "xx",
    "xxx",
    "no",
    "nothing",
    "无",
    "暂无",
    "没有",
    "未知",
    "不知道",
    "/",
}

_HEADING = re.compile(
    r"^\s{0,3}(?:#{1,6}\s*(?P<h1>[^\n#]+?)\s*#*\s*$"
    r"|\*\*(?P<h2>[^*\n]{2,80}?)\*\*\s*:?\s*$"
    r"|__(?P<h3>[^_\n]{2,80})__\s*:?\s*$)",
    re.M,
)
# "- OS: Android 14", "**iOS version:** 14.4", "3. **Android Version:** 7.0.0", "【机型】：所有"
_LABEL_LINE = re.compile(
    r"^\s*(?:[-*+]\s+|\d{1,2}[.)]\s+)?(?:\*\*|__)?(?:【(?P<zh>[^】\n]{1,30})】|"
    r"(?P<cjk>[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z0-9 ]{0,15}?)|"
    r"(?P<label>[A-Za-z][\w /&()'-]{1,50}?))"
    r"[ \t]*(?:\*\*|__)?[ \t]*[:：][ \t]*(?:\*\*|__)?[ \t]*(?P<value>[^\n]*)$",
    re.M,
)


_BOLD_LABEL = re.compile(r"(?m)^\s*(?:\*\*|__)[^*_\n]{1,60}[:：]")


# Template guidance: HTML comments, and code blocks that still say "paste output here".
_TEMPLATE_BLOCK = re.compile(
    r"<!--.*?(?:-->|\Z)|```[^\n]*\n(?:(?!```).)*?(?i:paste (?:\w+ )?(?:output|here|logs?))"
    r"(?:(?!```).)*(?:```|\Z)",
    re.S,
)


# "【机型】：如iPhone 7 Plus" — Chinese templates show examples after 如 ("e.g.")
_ZH_EXAMPLE_VALUE = re.compile(r"([】:：]\s*)(?:如|例如|比如)(?!果|何|此|下|上)[^\n]*")


# Default text of the GitHub bug template that reporters leave in place.
_TEMPLATE_LINE = re.compile(
    r"(?im)^[^\n]*(?:a clear and concise description|add any other context|"
    r"if applicable, add screenshots|please complete the following information|"
    r"'\.{3,}'|'…'|\[screenshot (?:image )?link\])[^\n]*$"
    r"|^\s*steps to reproduce the behaviou?r:?\s*$"
)


def strip_placeholders(text: str) -> str:
    """The text with unfilled template placeholders and template guidance removed."""
    if any(
        k in text for k in ("'...", "concise", "context", "applicable", "behavior", "behaviour")
    ):
        text = _TEMPLATE_LINE.sub("", text)
    if "<!--" in text or "```" in text:
        text = _TEMPLATE_BLOCK.sub("", text)
    if "如" in text:
        text = _ZH_EXAMPLE_VALUE.sub(r"\1", text)
    return _PLACEHOLDER_SPAN.sub("", text)


_ZH_EXAMPLE = re.compile(r"^(?:如|例如|比如)(?!果|何|此|下|上)\S")


def is_empty_value(value: str) -> bool:
    """True for template leftovers and non-answers ("N/A", ".", "无", "如iPhone 7 Plus")."""
    cleaned = strip_placeholders(value).strip().strip("*_`[]()<>\"' ").strip()
    return cleaned.lower() in _EMPTY_VALUES or bool(_ZH_EXAMPLE.match(cleaned))


@dataclass(frozen=True)
class Section:
    heading: str
    body: str


def sections(text: str) -> list[Section]:
    """Markdown-heading sections (heading text lower-cased) in order; text before the first
    heading is a section with heading ''."""
    found: list[Section] = []
    last_heading = ""
    last_end = 0
    for match in _HEADING.finditer(text):
        body = text[last_end : match.start()].strip()
        if body or last_heading:
            found.append(Section(last_heading, body))
        last_heading = (match.group("h1") or match.group("h2") or match.group("h3") or "").strip()
        last_heading = last_heading.strip("*_: ").lower()
        last_end = match.end()
    tail = text[last_end:].strip()
    if tail or last_heading:
        found.append(Section(last_heading, tail))
    return found


@dataclass(frozen=True)
class Labelled:
    label: str
    value: str


def labelled_lines(text: str) -> list[Labelled]:
    """``Label: value`` lines (label lower-cased, placeholders removed, empty values kept)."""
    found = []
    for match in _LABEL_LINE.finditer(text):
        label = match.group("zh") or match.group("cjk") or match.group("label") or ""
        label = label.strip().lower()
        value = strip_placeholders(match.group("value")).strip().strip("*_ ").strip()
        found.append(Labelled(label, value))
    return found


def section_matching(text_sections: list[Section], pattern: re.Pattern[str]) -> str | None:
    """The first non-empty body of a section whose heading matches."""
    for section in text_sections:
        if section.heading and pattern.search(section.heading):
            # a bold "**Label:** value" line starts the next template field
            body = _BOLD_LABEL.split(section.body, maxsplit=1)[0]
            body = strip_placeholders(body).strip()
            if body and not is_empty_value(body):
                return body
    return None


def label_matching(lines: list[Labelled], pattern: re.Pattern[str]) -> str | None:
    """The first non-empty value of a ``Label: value`` line whose label matches."""
    for line in lines:
        if pattern.search(line.label) and not is_empty_value(line.value):
            return line.value
    return None
