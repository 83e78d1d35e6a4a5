"""Where a report's problem happens: the platforms it names, the OS version, the device."""

from __future__ import annotations

import re

from bot.triage.lexicon import DEVICE, DEVICE_LABEL, OS_LABEL, PLATFORMS
from bot.triage.sections import (
    Labelled,
    Section,
    clipped,
    is_empty_value,
    label_matching,
    section_matching,
    word_count,
)
from bot.triage.versions import os_versions

_CHECKBOX_UNCHECKED = re.compile(r"(?m)^\s*[-*]\s*\[ \][^\n]*$")
# "机型：小米 13，Android 14，SDK 版本 4.2.1": the SDK version written on the device's line
_OTHER_FACT = re.compile(r"(?i)\bsdk\b|版本|\bversion\b")


def platforms(text: str) -> str | None:
    scan = _CHECKBOX_UNCHECKED.sub("", text)
    found = [name for name, pattern in PLATFORMS if pattern.search(scan)]
    return ", ".join(found[:3]) if found else None


_DEVICE_INLINE = re.compile(
    r"(?:机型|设备型号|手机型号|设备)[ \t]*[:：][ \t]*(?P<v>[^，,。；;\n]{2,30})"
)


def device_of(labels: list[Labelled], parts: list[Section], text: str) -> str | None:
    value = label_matching(labels, DEVICE_LABEL) or section_matching(parts, DEVICE_LABEL)
    first = value.splitlines()[0].strip().lstrip("-*• ").strip() if value else ""
    # a "Device Info" heading holds label lines, not a model name
    labelled = bool(re.match(r"[-*]?\s*[\w ]{1,30}[:：]", first))
    # "iPhone 14 Pro，iOS 16.3": the OS version has its own field
    first = ", ".join(
        part
        for part in re.split(r"[，,；;、]\s*", first)
        if part and not os_versions(part) and not _OTHER_FACT.search(part)
    ).strip()
    if first and not labelled and not re.fullmatch(r"(?i)all|any|所有|全部|各种", first):
        return clipped(first, 80)
    inline = _DEVICE_INLINE.search(text)
    if inline and not is_empty_value(inline.group("v")):
        return clipped(inline.group("v").strip(), 80)
    match = DEVICE.search(text)
    return match.group(0) if match else None


# "Safari 17", "Chrome 120.0": in a web app the browser's version is what the OS version is
# asked for (bot.triage.followup asks a web report for its browser and version)
_BROWSER = re.compile(
    r"(?i)(?<![\w.-])(?P<name>chrome|chromium|safari|firefox|edge|opera)"
    r"[ \t]*v?(?P<ver>\d{2,3}(?:\.\d{1,5}){0,3})(?![\w.])"
)


def os_version_of(labels: list[Labelled], parts: list[Section], text: str) -> str | None:
    found = os_versions(text)
    if found:
        return ", ".join(found[:3])
    value = label_matching(labels, OS_LABEL) or section_matching(parts, OS_LABEL)
    if value and re.search(r"\d", value) and word_count(value) <= 6:
        return clipped(value.splitlines()[0], 60)
    browser = _BROWSER.search(text)
    if browser:
        return f"{browser.group('name').capitalize()} {browser.group('ver')}"
    return None
