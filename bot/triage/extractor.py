"""Bug-report fields from free text, template sections and attachments (no model needed)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.triage import signals as s
from bot.triage.deployment import server_platform, server_side
from bot.triage.environment import device_of, os_version_of, platforms
from bot.triage.lexicon import spaced
from bot.triage.logs import error_codes, error_lines, log_lines
from bot.triage.models import BugFields
from bot.triage.reproduction import LEAD_LABEL, repro_steps
from bot.triage.sections import (
    NEXT_LABEL,
    Labelled,
    Section,
    is_empty_value,
    label_matching,
    labelled_lines,
    placeholder_marks,
    section_matching,
    sections,
    strip_placeholders,
)
from bot.triage.sections import clipped as _short
from bot.triage.sections import word_count as _words
from bot.triage.subject import (
    first_sentence,
    says_nothing,
    without_trailing_environment,
    without_vague_lead,
)
from bot.triage.versions import (
    SdkVersion,
    bracketed_version,
    plausible_os_version,
    sdk_versions,
)

_EXPECTED_HEAD = re.compile(r"(?i)expect|should happen|期望|预期")
_ACTUAL_HEAD = re.compile(
    r"(?i)\bactual|what happened|instead|current behaviou?r|observed|实际|当前现象|现象|问题描述"
)
# a template with both "实际结果" and "问题描述" states the actual behaviour in the former
_ACTUAL_STRONG_HEAD = re.compile(r"(?i)\bactual|what happened|instead|observed|实际")
_SDK_HEAD = re.compile(r"(?i)集成包|\bsdk\b(?!.*version)|\bpackage\b|\blibrary\b")
_IMPACT_HEAD = re.compile(r"(?i)impact|affected|how many|影响")
_FAILURE = s.FAILURE
_EXPECT_INLINE = re.compile(
    r"(?i)\b(?:expected(?: result| behaviou?r| output)?[ \t]*[:：][ \t]*|"
    r"i (?:would )?expect(?:ed)?\s+(?:it\s+|"
    r"that\s+)?|"
    r"it should\s+|期望|预期|"
    r"(?:正常|按理|理论上|本来|按道理)(?:情况下|来说|讲)?[，,]?(?:应该|应当)(?:是)?)"
    rf"(?P<v>[^\n]{{4,200}}?){NEXT_LABEL}"
)
_ACTUAL_INLINE = re.compile(
    r"(?i)\b(?:actual(?: result| behaviou?r| output)?|instead)[ \t]*[:：,][ \t]*"
    rf"(?P<v>[^\n]{{4,200}}?){NEXT_LABEL}"
)
_IMPACT = re.compile(
    r"(?i)\b(?:all|every|most|many|some|several|"
    r"\d+%?\s*(?:of\s+)?(?:our\s+)?)\s*(?:of\s+)?(?:our\s+|the\s+)?"
    # "30% of our production users", "all Android users"
    r"(?:(?!(?:users|customers|clients|devices|rooms|calls|times?)\b)[a-z]+\s+){0,2}"
    r"(?:users|customers|clients|devices|rooms|calls)\b|\bin production\b|\bproduction\b|\bprod\b|"
    r"\blive (?:app|users|traffic)\b|\b\d+\s*(?:-|to|of)\s*\d+\s*(?:times|"
    r"attempts)?\b(?=[^\n]{0,20}\b(?:of|attempts|times)\b)|"
    r"\b\d\s*(?:-\s*\d\s*)?(?:of|out of)\s*\d+\b|\bevery time\b|"
    r"\bsince\s+(?:\d{1,2}:\d{2}(?:\s?(?:[AaPp][Mm]|UTC|GMT))?|yesterday|today|last\s+\w+|"
    r"v?\d[\w.]*|\w+day|this morning|the (?:update|upgrade|release))|\b(?:a few|\d+) (?:hours|days|"
    r"weeks) ago\b|"
    r"线上|生产环境|正式环境|大面积|已(?:经)?上线|"
    r"(?:所有|全部|大量|大部分|很多|许多|部分|少数|个别|一半)(?:的)?(?:用户|客户|设备|机型)|"
    r"(?<!\d)\d{1,3}\s*%\s*(?:的)?(?:用户|设备)|从(?:昨天|今天|前天|上周|\d{1,2}\s*[点号日月])\S{0,10}开始"
)
_ATTACHMENT_HEAD = 16 * 1024
_MARKUP = re.compile(r"\*\*|__|^\s{0,3}#{1,6}\s*", re.M)


# "【问题描述】：", "问题：" before a summary, "急急急！！！" in front of it
_LEAD_URGENCY = re.compile(
    r"^(?:(?:十万火急|火急|急+|紧急|很急|求助|求救)[!！。，,、\s]*|(?:help|urgent)\s*[!:！：]+\s*)+",
    re.I,
)


def _sentence(line: str) -> str:
    """The first sentence of a Chinese line that names something ("版本：3.8.1，系统：…。切换
    摄像头后卡住。" -> the second), else the line."""
    if not re.search(r"[\u4e00-\u9fff]", line):
        return line
    parts = [p.strip() for p in re.split(r"(?<=[。！？!?；;])", line) if p.strip()]
    for part in parts:
        if not re.fullmatch(r"(?:[^，,。:：]{1,12}[:：][^，,。]{1,40}[，,。；;]?\s*)+", part):
            return part
    return line


def _summary(title: str, body: str) -> str | None:
    for candidate in (title, body):
        for line in candidate.splitlines():
            cleaned = _MARKUP.sub("", strip_placeholders(line)).strip(" -*#>:")
            brackets = re.findall(r"【([^【】\n]{1,80})】", cleaned)
            if re.fullmatch(r"【[^】\n]{1,12}】", cleaned):
                continue  # a template heading ("【问题描述】") introduces the summary
            if brackets and not re.sub(r"【[^【】\n]{0,80}】|[\s:：\-–—_]", "", cleaned):
                # "【iOS】-【5.2.0】：【进房后黑屏】": the template's summary slot is the longest
                cleaned = max(brackets, key=len)
            cleaned = _sentence(_LEAD_URGENCY.sub("", cleaned))
            cleaned = _LEAD_URGENCY.sub("", LEAD_LABEL.sub("", cleaned)).strip(" 。，,")
            if (
                _words(cleaned) >= 2
                and not re.fullmatch(r"(?i)describe the bug|the bug|bug", cleaned)
                and not says_nothing(cleaned)  # "something is wrong": a later line says what
            ):
                # the problem's own sentence, not the versions after it or the steps
                gist = without_trailing_environment(first_sentence(without_vague_lead(cleaned)))
                return _short(gist, 160)
    return None


def _expected(parts: list[Section], labels: list[Labelled], text: str) -> str | None:
    for value in (section_matching(parts, _EXPECTED_HEAD), label_matching(labels, _EXPECTED_HEAD)):
        if value and _words(value) >= 2:
            return _short(value, 300)
    match = _EXPECT_INLINE.search(text)
    return _short(match.group("v"), 300) if match else None


def _actual(
    parts: list[Section], labels: list[Labelled], text: str, summary: str | None
) -> str | None:
    for value in (
        section_matching(parts, _ACTUAL_STRONG_HEAD),
        label_matching(labels, _ACTUAL_STRONG_HEAD),
        section_matching(parts, _ACTUAL_HEAD),
        label_matching(labels, _ACTUAL_HEAD),
    ):
        if value and _words(value) >= 2:
            return _short(value, 400)
    match = _ACTUAL_INLINE.search(text)
    if match:
        return _short(match.group("v"), 300)
    # The description of a failure is the actual behaviour when no field names it.
    for sentence in re.split(r"(?<=[.!?])\s+|(?<=[。！？])|\n", text):
        if (
            _FAILURE.search(sentence)
            and _words(sentence) >= 3
            and not sentence.lstrip().startswith(("#", "**"))
        ):
            return _short(sentence, 300)
    if summary and _FAILURE.search(summary):
        return summary
    return None


_CJK = re.compile(r"[\u4e00-\u9fff]")
# A stack frame or a library path implies a platform but does not name it
# ("apex/com.android.runtime/lib64/bionic/libc.so (abort+180)").
_FRAME_LINE = re.compile(
    r"(?m)^[ \t]*(?:at\s+[\w$.<>/]+[.(]|#\d+\s+(?:pc\s+)?0x|\d+\s+[\w.-]+\s+0x[0-9a-f]{6,}|"
    r"=?/?(?:[\w.-]+/){2,}[\w.+-]+\.(?:so|dylib|dll|apk)\b)[^\n]*$"
)


def _impact(parts: list[Section], labels: list[Labelled], text: str) -> str | None:
    value = section_matching(parts, _IMPACT_HEAD) or label_matching(labels, _IMPACT_HEAD)
    if value:
        return _short(value, 200)
    phrases: list[str] = []
    for match in _IMPACT.finditer(text):
        phrase = _impact_clause(text, match) if _CJK.match(match.group(0)) else match.group(0)
        phrase = phrase.strip()
        # each once: "30% 用户" is inside "线上 30% 用户受影响", "production" inside "30% of
        # our production users"
        if any(phrase.lower() in p.lower() for p in phrases):
            continue
        phrases = [p for p in phrases if p.lower() not in phrase.lower()] + [phrase]
    return "; ".join(phrases[:4]) if phrases else None


def _impact_clause(text: str, match: re.Match[str]) -> str:
    """A Chinese impact word with the clause around it: "线上大约三成用户受影响", not "线上"."""
    start = max(text.rfind(mark, 0, match.start()) for mark in "，,。；;！？!?\n") + 1
    ends = [i for i in (text.find(mark, match.end()) for mark in "，,。；;！？!?\n") if i >= 0]
    clause = text[start : min(ends, default=len(text))].strip()
    return clause if len(clause) <= 40 else match.group(0)


def _title_versions(
    versions: list[SdkVersion], *, full: str, title: str
) -> tuple[list[SdkVersion], str | None]:
    """SDK versions without a vendor template's defaults, and an OS version found in the
    template's version slot.

    A title bracket's version ("【6.5.7272】") that appears nowhere else is the template's
    default when the report also left other template defaults in place. "【iOS】-【13.1.1】"
    beside an SDK version stated in the body is the iOS version written in the SDK slot.
    """
    bracket = bracketed_version(title) or bracketed_version(full[:400])
    if not versions or not (bracket or "【" in title):
        return versions, None
    os_version = None
    if bracket:
        os_name, number = bracket
        others = [v for v in versions if v.version != number and v.strength >= 2]
        if others and plausible_os_version(os_name, number):
            versions = [v for v in versions if v.version != number]
            os_version = f"{os_name} {number}"
    if placeholder_marks(full):
        body = full.split(title, 1)[1] if title and title in full else full
        in_brackets = set(re.findall(r"【\s*v?(\d+(?:\.\d+)+)\s*】", title))
        versions = [v for v in versions if not (v.version in in_brackets and v.version not in body)]
    return versions, os_version


def extract(text: str, *, title: str = "", attachments: Sequence[str] = ()) -> BugFields:
    """The bug-report fields found in ``title``/``text`` and attachment texts.

    Pass already-redacted text: the fields are quoted back to users and agents.
    """
    full = f"{title}\n\n{text}" if title else text
    if not title:
        first, _, rest = text.partition("\n")
        title, body = first, rest
    else:
        body = text
    parts = sections(full)
    labels = labelled_lines(full)
    plain = spaced(_MARKUP.sub("", strip_placeholders(full)))
    # A log file can be megabytes: read its head (versions, device, OS are logged at start-up)
    # and its error lines, not every line.
    heads = [a[:_ATTACHMENT_HEAD] for a in attachments]
    errors = [error_lines(a) or log_lines(a[:_ATTACHMENT_HEAD]) or "" for a in attachments]
    attached = "\n".join([*heads, *errors]).strip()
    versions, bracket_os = _title_versions(sdk_versions(plain, title=title), full=full, title=title)
    if not versions and attached:
        versions = sdk_versions(attached)
    sdk_name = label_matching(labels, _SDK_HEAD) or section_matching(parts, _SDK_HEAD)
    if sdk_name and (_words(sdk_name) > 6 or re.fullmatch(r"[\d.\s-]+", sdk_name)):
        sdk_name = None
    named = next((v.sdk for v in versions if v.sdk), None)
    summary = _summary(title, body)
    logs = log_lines(full)
    attached_logs = "\n".join(e for e in errors if e) or (_short(heads[0], 2000) if heads else "")
    if attached_logs:
        logs = "\n".join(x for x in (logs, attached_logs) if x)
    # a Chinese report names its platform in its narrative; a library path in the pasted
    # crash ("apex/com.android.runtime/…/libc.so") implies one without naming it
    named_in = _FRAME_LINE.sub("", plain) if _CJK.search(plain) else plain
    platform = platforms(named_in) or (platforms(attached) if attached else None)
    os_version = (
        os_version_of(labels, parts, plain)
        or bracket_os
        or (os_version_of([], [], attached) if attached else None)
    )
    if not platform and os_version:
        # "ios9", "API 30": the OS names the platform even when no platform word matched
        platform = platforms(os_version.replace("Android API", "Android"))
    server = server_side(named_in, platform)
    platform = server_platform(named_in, platform, os_version)  # "Docker", "server API"
    return BugFields(
        summary=summary,
        sdk=(named or sdk_name),
        sdk_version=versions[0].version if versions else None,
        platform=platform,
        os_version=os_version,
        device=device_of(labels, parts, plain),
        repro_steps=repro_steps(parts, labels, strip_placeholders(full), server=server),
        expected=_expected(parts, labels, plain),
        actual=_actual(parts, labels, plain, summary),
        logs=logs,
        impact=_impact(parts, labels, plain),
    )


def codes(text: str, attachments: Sequence[str] = ()) -> list[str]:
    """Error codes in the text and in the attachments' error lines."""
    found = "\n".join([text[:_ATTACHMENT_HEAD], *(error_lines(a) or "" for a in attachments)])
    return error_codes(found)


__all__ = ["codes", "extract", "is_empty_value"]
