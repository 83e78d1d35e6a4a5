"""Template structure in a report: headings, ``Label: value`` lines and placeholders.

GitHub issue templates (``**Describe the bug**``, ``### Steps to reproduce``, ``- OS: [e.g.
iOS 8.1]``) and Chinese bracket templates (``【机型】：所有``) give the most reliable field
values, provided unfilled placeholders are not taken for values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Where an inline field's value ends: at the next field's label on the same line ("Expected:
# login succeeds. Actual: 401 …", "期望：正常退出，实际：闪退") or at the line's end.
NEXT_LABEL = (
    r"(?=\s*(?:(?i:expected(?: result| behaviou?r| output)?|actual(?: result| behaviou?r| "
    r"output)?|steps(?: to reproduce)?|to reproduce|impact|logs?)[ \t]*[:：]"
    r"|(?:期望|预期|实际|复现步骤|步骤|影响|日志)[^\n，,。:：]{0,4}[:：])|\s*\n|\s*$)"
)

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
    r"|__(?P<h3>[^_\n]{2,80})__\s*:?\s*$"
    r"|【(?P<h4>[^】\n]{1,30})】\s*[:：]?\s*$"
    # "复现步骤：" alone on its line: a Chinese label whose value is the lines below it
    r"|(?P<h5>[\u4e00-\u9fff][\u4e00-\u9fff ]{1,9})[ \t]*[:：][ \t]*$"
    # "Expected Behavior:" alone on its line: a template label over the lines below it
    r"|(?P<h6>(?i:(?:expected|actual|observed|current)(?: behaviou?r| results?| outcome)?|"
    r"steps(?: to reproduce)?|to reproduce))[ \t]*[:：][ \t]*$)",
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


# Chinese vendor templates leave other kinds of defaults behind: a choice nobody picked
# ("必现 / 偶现", "可复现 / 不可复现", "精简版 / 专业版 / 企业版"), guidance ("请在附件中添加相关
# 视频、日志"), "(如有大约概率请标明)", steps made of dots ("1. 调用 ... API") and masked ids
# ("1400XXXXXX", "错误码xxxx").
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ZH_CHOICE = re.compile(
    r"(?m)(?:(?<=】)|(?<=[:：]))[ \t]*\n?[ \t]*(?P<v>[^\n/／]{1,30}"
    r"(?:[ \t]+[/／][ \t]*[^\n/／]{1,30}|[ \t]*[/／][ \t]+[^\n/／]{1,30}){1,5})[ \t]*$"
)
_ZH_GUIDANCE = re.compile(
    r"(?m)^[ \t]*请(?:在|于)?(?:此处|这里|附件中|下方|下面)?"
    r"(?:填写|描述|提供|上传|附上|添加|补充|选择|勾选|标明|注明)[^\n]{0,60}"
    r"(?:日志|截图|视频|附件|信息|版本|步骤|说明|描述|概率)[^\n]{0,30}$"
)
_ZH_PAREN_GUIDANCE = re.compile(r"[（(](?:如有|如|例如|比如|请|注[:：])[^)）\n]{0,40}[)）]")
_DOTS_STEP = re.compile(r"(?m)^[ \t]*\d{1,2}[.)、][^\n]*(?:(?<![\w(])\.{2,}(?![\w)])|…)[^\n]*$")
_BRACKET_EXAMPLE = re.compile(
    r"[，,]\s*(?:如|例如|比如)(?!果|何|此|下|上)[^【】\[\]\n]{0,80}(?=[】\]])"
)
_MASKED = re.compile(r"(?<![A-Za-z])\d*(?:X{3,}|x{3,})(?![A-Za-z])")
_PLATFORM_WORD = (
    r"(?:Android|iOS|Web|Windows|Mac|macOS|Linux|H5|小程序|Flutter|Electron|Unity|uni-?app|RN)"
)
_PLATFORM_CHOICE = re.compile(rf"【\s*{_PLATFORM_WORD}(?:\s*[/／]\s*{_PLATFORM_WORD})+\s*】", re.I)


def _choice(match: re.Match[str]) -> str:
    """A list of alternatives nobody picked from is empty; "Android / iOS 都有" is an answer."""
    options = [o.strip() for o in re.split(r"[/／]", match.group("v")) if o.strip()]
    plain = [re.sub(r"[（(][^)）]*[)）]", "", o).strip() for o in options]
    complementary = len(plain) == 2 and (
        plain[0] in plain[1]
        or plain[1] in plain[0]
        or {plain[0][:1], plain[1][:1]} <= set("有无是否")
        or (plain[0][-1:] == plain[1][-1:] and bool(_CJK.match(plain[0][-1:])))  # 必现 / 偶现
    )
    if len(options) >= 3 or complementary:
        return ""
    return match.group(0)


def placeholder_marks(text: str) -> int:
    """How many template defaults a Chinese report left in place (0 for English text)."""
    if not _CJK.search(text):
        return 0
    found = len(_ZH_EXAMPLE_VALUE.findall(text)) if "如" in text else 0
    found += len(_ZH_GUIDANCE.findall(text)) + len(_DOTS_STEP.findall(text))
    found += len(_MASKED.findall(text)) + len(_PLATFORM_CHOICE.findall(text))
    found += len(_BRACKET_EXAMPLE.findall(text))
    found += sum(1 for m in _ZH_CHOICE.finditer(text) if not _choice(m))
    return found


def _strip_chinese_template(text: str) -> str:
    text = _ZH_PAREN_GUIDANCE.sub("", text)
    if "/" in text or "／" in text:
        text = _ZH_CHOICE.sub(_choice, text)
    text = _ZH_GUIDANCE.sub("", text)
    text = _BRACKET_EXAMPLE.sub("", text)
    text = _DOTS_STEP.sub("", text)
    text = _MASKED.sub("", text)
    if "【" in text and _PLATFORM_CHOICE.search(text):
        text = _PLATFORM_CHOICE.sub("【】", text)
    return text


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
    if _CJK.search(text):
        text = _strip_chinese_template(text)
    return _PLACEHOLDER_SPAN.sub("", text)


_ZH_HEADING = re.compile(r"【[^】\n]{0,40}】|^[ \t]*#{1,6}[^\n]*$", re.M)
_PROSE_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_TEST_POST = re.compile(
    r"(?i)^\W*(?:test(?:ing)?|测试(?:一下)?|试试|ignore|请忽略|asdf\w*|1{3,}|a{3,}|x{3,}|无|标题)\W*$"
)


def substance(text: str) -> int:
    """Words the reporter wrote (two CJK characters count as one) once template headings and
    defaults are removed; an untouched template has almost none."""
    own = _ZH_HEADING.sub(" ", strip_placeholders(text))
    cjk = len(_CJK.findall(own))
    return cjk // 2 + len(_PROSE_WORD.findall(own))


def is_empty_report(text: str, *, title: str = "") -> bool:
    """A test post ("测试", "xxxx") or a vendor template submitted without content."""
    head = title or text.split("\n", 1)[0]
    if _TEST_POST.match(head) and (not title or substance(text) <= 8):
        return True
    return placeholder_marks(text) >= 2 and substance(text) <= 6


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
        last_heading = (
            match.group("h1")
            or match.group("h2")
            or match.group("h3")
            or match.group("h4")
            or match.group("h5")
            or match.group("h6")
            or ""
        ).strip()
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


def word_count(value: str) -> int:
    """Words in ``value``, two Chinese characters counting as one."""
    cjk = len(re.findall(r"[\u4e00-\u9fff]", value))
    return len(re.findall(r"[A-Za-z0-9_]+", value)) + cjk // 2


def clipped(value: str, limit: int = 600) -> str:
    """``value`` with runs of blanks made one, cut to ``limit`` characters with an ellipsis."""
    value = re.sub(r"[ \t]+", " ", value.strip())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"
