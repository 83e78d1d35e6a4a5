"""Is the reported problem a known issue the docs already describe?

Release notes and known-issue pages share a report's vocabulary ("crash", "video", "after the
app returns from the background") without describing the same problem. A known issue is
offered only when one *item* of such a page (a bullet or a table row) matches the report on
all three counts:

- **platform**: when both name platforms they overlap; an item for a cross-platform framework
  (Flutter, React Native, …) is for apps on that framework, whatever devices it also names;
- **product**: a real-time (calls, video, audio) item is not offered for a messaging report,
  nor the reverse;
- **symptom**: the same error code, or several distinctive words in common of which at least
  one names a symptom (black, green, frozen, crash, echo, …).

An item under a "Fixed in X" heading is offered only to a report on an older version.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.conversation.overlap import COMMON_WORDS
from retrieval.tokenizer import stem_word
from retrieval.types import SearchHit

_KNOWN_HEADING = re.compile(r"(?i)known issue|已知问题|\bfixed\b|修复|问题汇总")
_KNOWN_SOURCE = re.compile(r"(?i)release[-_ ]?notes|known[-_ ]?issues|changelog")
_FIXED_HEADING = re.compile(
    r"(?i)\bfixed in\b[^\d]*(\d+\.\d+(?:\.\d+)?)|(\d+\.\d+(?:\.\d+)?)\s*修复"
)
_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,2}[.)])\s+(?P<text>\S.{15,})$")
_ROW = re.compile(r"^\s*\|(?P<text>.+)\|\s*$")
# A sub-heading inside a passage: "### Fixed in 2.14.1", or the chunker's plain short line.
_SUBHEADING = re.compile(r"^\s*(?:#{2,6}\s+)?([^\s|>].{2,78}?)\s*#*\s*$(?<![.。:：;；,，)）])")
_IDENT = re.compile(r"\b[a-z]+[A-Z][A-Za-z0-9]*\b|\b[A-Z][a-z]+[A-Z][A-Za-z0-9]*\b")
_MENTION = re.compile(r"(?i)known issue|已知问题")
# Error codes ("NR-7003", "100018") and exception names ("IllegalStateException").
_CODE = re.compile(
    r"\b[A-Z]{1,5}-?\d{3,6}\b|\b\d{5,6}\b|\b(?:[A-Z][a-z0-9]+){2,}(?:Exception|Error)\b"
)
_VERSION = re.compile(r"\d+\.\d+(?:\.\d+)?")

_FRAMEWORKS = {
    "flutter": re.compile(r"(?i)\bflutter\b"),
    "react-native": re.compile(r"(?i)react[\s-]?native|\bRN\b"),
    "unity": re.compile(r"(?i)\bunity\b"),
    "electron": re.compile(r"(?i)\belectron\b"),
}
_NATIVE = {
    "android": re.compile(
        r"(?i)android|安卓|\bpixel\b|galaxy|samsung|三星|xiaomi|小米|hyperos|miui|huawei|华为|"
        r"oppo|vivo|honor|荣耀|one ?ui|logcat"
    ),
    "ios": re.compile(r"(?i)\bios\b|iphone|ipad|airpods|xcode|swift|苹果"),
    "web": re.compile(r"(?i)\bweb\b|browser|浏览器|safari|chrome|firefox|\bedge\b|javascript"),
    "harmony": re.compile(r"(?i)harmony|鸿蒙"),
}
_RTC = re.compile(
    r"(?i)\b(?:video|audio|call|room|camera|microphone|mic|screen ?shar\w*|publish\w*|"
    r"subscrib\w*|track|codec|simulcast|earpiece|bluetooth|airpods|echo|recording|1080p|720p|"
    r"h\.?264|vp[89]|rtc)\b|音视频|视频|音频|通话|房间|摄像头|麦克风|推流|拉流|屏幕共享|听筒|回声"
)
_CHAT = re.compile(
    r"(?i)\b(?:messag\w*|chat|push|notification\w*|conversation\w*|group|typing|receipt\w*|"
    r"badge|unread|history|offline messages?)\b|消息|推送|通知|会话|群|已读|角标|未读|历史"
)
# Symptom words, as stems ("freez" for freezes, "duplic" for duplicated), and in Chinese.
_SYMPTOM = re.compile(
    r"(?i)^(?:crash\w*|freez\w*|frozen|froze|black|green|stuck|echo\w*|silen\w*|mute\w*|"
    r"earpiec\w*|leak\w*|memor\w*|twice|duplic\w*|badg\w*|fail\w*|error\w*|except\w*|"
    r"miss\w*|lost|blank|flicker\w*|lag\w*|chopp\w*|distort\w*|nois\w*|hang\w*|drop\w*|"
    r"disconnect\w*|timeout|delay\w*|slow\w*|garbl\w*|reset)$|崩溃|闪退|黑屏|绿屏|花屏|冻结|卡住|"
    r"卡顿|回声|无声|没有声音|听不到|泄漏|重复|失败|报错|异常|丢失|角标|延迟|断开"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9.+-]*[A-Za-z0-9]|\d+p\b|[\u4e00-\u9fff]+")
_STOP = COMMON_WORDS | frozenset(
    [
        "apps", "only", "all", "one", "use", "used", "using", "than", "sdks", "versions",
        "issues", "known", "fixed", "workaround", "default", "see", "below", "above", "while",
        "other", "same", "new", "latest", "android", "ios", "web", "flutter", "react", "native",
        "platform", "device", "devices", "phone", "phones", "user", "users", "nimbus", "rtc",
        "chat",
    ]
)  # fmt: skip
MIN_SHARED = 3  # distinctive words in common, one of them a symptom, when no code is shared


@dataclass(frozen=True)
class Match:
    """One known-issue item that matches the report."""

    key: str
    text: str
    source: str
    heading: str
    title: str
    url: str | None
    fixed_in: str | None  # the version that fixed it, for items under "Fixed in X"


@dataclass(frozen=True)
class Report:
    """What the matcher reads of a report."""

    text: str
    platform: str | None = None
    sdk_version: str | None = None
    error_codes: Sequence[str] = ()


def is_known_issue_section(source: str, heading: str, text: str) -> bool:
    """A release note or known-issue section, or a passage that says it describes one."""
    return bool(
        _KNOWN_HEADING.search(heading) or _KNOWN_SOURCE.search(source) or _MENTION.search(text)
    )


def find_known_issue(report: Report, hits: Iterable[SearchHit]) -> Match | None:
    """The best-matching known-issue item among ``hits``, or None."""
    best: tuple[float, Match] | None = None
    mine = _platforms(f"{report.platform or ''} {report.text}")
    product = product_of(report.text)
    codes = {c.upper() for c in [*report.error_codes, *_CODE.findall(report.text)]}
    terms = _terms(report.text)
    for hit in hits:
        listed = bool(_KNOWN_HEADING.search(hit.heading) or _KNOWN_SOURCE.search(hit.source))
        if not listed and not _MENTION.search(hit.text):
            continue
        page_product = product_of(f"{hit.title} {hit.heading}")
        items = _items(hit.text) if listed else [("", m) for m in _mentions(hit.text)]
        for subheading, item in items:
            # "### Fixed in 2.14.1" inside the passage, or the passage's own heading
            fixed = _fixed_in(subheading) or _fixed_in(hit.heading)
            if fixed and report.sdk_version and not _older(report.sdk_version, fixed):
                continue  # fixed in a version the reporter already has
            score = _score(item, mine, product or None, page_product, codes, terms, report.text)
            score *= 1.0 if listed else 0.8  # the release notes are the page to point to
            if score and (best is None or score > best[0]):
                heading = " › ".join(h for h in (hit.heading, subheading) if h)
                key = hashlib.sha1(
                    f"{hit.source}#{heading}#{item}".encode(), usedforsecurity=False
                ).hexdigest()[:16]
                best = (score, Match(key, item, hit.source, heading, hit.title, hit.url, fixed))
    return best[1] if best else None


def _score(
    item: str,
    mine: frozenset[str],
    product: str | None,
    page_product: str | None,
    codes: set[str],
    terms: set[str],
    terms_text: str,
) -> float:
    theirs = _platforms(item)
    if mine and theirs and not mine & theirs:
        return 0.0
    item_product = product_of(item) or page_product
    if product and item_product and product != item_product:
        return 0.0
    shared_codes = codes & _item_codes(item)
    shared = terms & _item_terms(item)
    symptoms = [w for w in shared if _SYMPTOM.search(w)]
    if shared_codes:
        return 10.0 + len(shared)
    if _item_idents(item) & _idents_of(terms_text) and len(shared) >= MIN_SHARED:
        return 5.0 + len(shared)  # the same API or browser feature ("IndexedDB") and more
    if len(shared) >= MIN_SHARED and symptoms:
        return float(len(shared) + len(symptoms))
    return 0.0


@functools.lru_cache(maxsize=8192)
def _item_terms(item: str) -> frozenset[str]:
    return frozenset(_terms(item))


@functools.lru_cache(maxsize=8192)
def _item_idents(item: str) -> frozenset[str]:
    return _idents_of(item)


@functools.lru_cache(maxsize=256)
def _idents_of(text: str) -> frozenset[str]:
    """API and feature names written in mixed case: createCameraTrack, setBadge, IndexedDB."""
    return frozenset(m.lower() for m in _IDENT.findall(text))


@functools.lru_cache(maxsize=8192)
def _item_codes(item: str) -> frozenset[str]:
    return frozenset(c.upper() for c in _CODE.findall(item))


@functools.lru_cache(maxsize=8192)
def _platforms(text: str) -> frozenset[str]:
    frameworks = {name for name, pattern in _FRAMEWORKS.items() if pattern.search(text)}
    if frameworks:
        return frozenset(frameworks)  # "Flutter on Xiaomi HyperOS" is a Flutter app's problem
    return frozenset(name for name, pattern in _NATIVE.items() if pattern.search(text))


def product_of(text: str) -> str:
    """ "rtc" or "chat" when the text is about one of the two, else ""."""
    rtc, chat = len(_RTC.findall(text)), len(_CHAT.findall(text))
    if rtc > chat:
        return "rtc"
    return "chat" if chat > rtc else ""


def _terms(text: str) -> set[str]:
    out: set[str] = set()
    for word in _WORD.findall(text.replace("`", " ")):
        if word[0] >= "\u4e00":
            out.update(word[i : i + 2] for i in range(len(word) - 1))  # Chinese: bigrams
            continue
        lowered = word.lower().rstrip(".")
        if len(lowered) >= 3 and lowered not in _STOP:
            out.add(stem_word(lowered))  # "crashes"/"crash", "switching"/"switch"
    return out


@functools.lru_cache(maxsize=4096)
def _items(text: str) -> list[tuple[str, str]]:
    """(sub-heading, item) for each bullet and table row (a table's header and separator
    rows left out); the sub-heading is the passage's latest ``###`` line above the item."""
    items: list[tuple[str, str]] = []
    heading = ""
    for line in text.splitlines():
        if bullet := _ITEM.match(line):
            items.append((heading, bullet.group("text").strip()))
        elif row := _ROW.match(line):
            cells = [c.strip() for c in row.group("text").split("|")]
            if any(cells) and not all(set(c) <= set("-: ") for c in cells):
                items.append((heading, " | ".join(c for c in cells if c)))
        elif found := _SUBHEADING.match(line):
            heading = found.group(1).strip()
    return items


def _mentions(text: str) -> list[str]:
    """Paragraphs and bullets of a guide that say they describe a known issue."""
    parts = [p.strip() for p in re.split(r"\n\s*\n|\n(?=\s*[-*+] )", text)]
    return [re.sub(r"^[-*+]\s+", "", p) for p in parts if p and _MENTION.search(p)]


def _fixed_in(heading: str) -> str | None:
    match = _FIXED_HEADING.search(heading)
    return (match.group(1) or match.group(2)) if match else None


def _older(version: str, than: str) -> bool:
    mine = _VERSION.search(version)
    if mine is None:
        return True
    a = [int(p) for p in mine.group(0).split(".")]
    b = [int(p) for p in than.split(".")]
    return a < b
