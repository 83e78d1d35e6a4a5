"""SDK and OS versions in free text, package manifests and template fields.

A version number is only an SDK version when its context says so: ``LiveKit SDK version:
2.14.2``, ``v2.14.2``, ``io.livekit:livekit-android:2.5.0``, ``"stream-chat": "^8.1.0"``, a
``### SDK Version`` heading above it, or a bracket in the title (``【4.9.1】``). Numbers after
an OS name are OS versions; after a tool name (Xcode, react-native, Android Studio) they are
ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.triage.lexicon import OS_BEFORE_VERSION, OS_VERSION, SDK_WORDS

_VERSION = re.compile(
    r"(?<![\w.#=/-])(?<!\d:)(?P<v>v|V)?(?P<num>\d{1,4}\.\d{1,4}(?:\.\d{1,6}){0,2}"
    r"(?:[-+](?:alpha|beta|rc|dev|preview|snapshot|SNAPSHOT|b|a)[.\w]*)?)"
    r"(?![\w]|\.\d|\s?(?:MB|KB|GB|ms|fps|kbps|Mbps|Hz|px|dp|sec|%|x\b))"
)
_MAVEN = re.compile(
    r"(?<![\w.-])(?P<group>[a-z][\w-]{0,60}(?:\.[\w-]{1,60}){1,8}):(?P<artifact>[\w.-]{1,80}):"
    r"(?P<v>\d+\.\d+[\w.-]*)"
)
_PACKAGE_JSON = re.compile(
    r"[\"'](?P<name>@?[\w./-]+)[\"']\s*:\s*[\"'][\^~>=<v ]*(?P<v>\d+\.\d+[\w.-]*)[\"']"
)
_PACKAGE_PLAIN = re.compile(
    r"(?<![\w@/.-])(?P<name>@?[a-z][\w./-]{1,80})"
    r"\s*(?:@|:|==|>=|\s)\s*[\^~]?v?(?P<v>\d+\.\d+(?:\.\d+)?[\w.-]*)"
)
_UPGRADE = re.compile(
    r"(?i)\b(?:upgrad\w*|updat\w*|bump\w*|migrat\w*|升级|更新)\b[^\n]{0,100}?\bto\s+v?(?P<v>\d+\.\d+(?:\.\d+)?)"
)
_TITLE_BRACKET = re.compile(r"[\[【(]\s*v?(?P<v>\d+\.\d+(?:\.\d+)?[\w.-]*)\s*[\]】)]")
# Names that carry versions but are not the SDK under report.
_NOT_SDK_PACKAGES = re.compile(
    r"(?i)^(?:react|react-native|react-dom|react-navigation[\w-]*|@react-navigation/[\w-]+|"
    r"react-native-[\w-]+|typescript|webpack|babel[\w/-]*|@babel/[\w-]+|node|npm|yarn|"
    r"flutter|dart|kotlin|gradle|com\.android\.tools\.build:gradle|androidx[\w.:-]*|expo|"
    r"next|vue|angular|electron|jest|eslint[\w-]*|@types/[\w-]+|version|sdk|node_modules[\w/.-]*)$"
)
_TOOL_BEFORE = re.compile(
    r"(?i)(?<![\w-])(?:xcode|swift|kotlin|java|jdk|gradle|agp|android studio|studio|node|npm|"
    r"yarn|python|react|react-native|flutter|dart|cocoapods|pod|chrome|safari|firefox|edge|"
    r"electron|unity|webview|typescript|api|build|http|tls|ssl|opengl|gles|cuda|rn|go|golang|"
    r"openssl|cmake|ndk|compile ?sdk|target ?sdk|min ?sdk)"
    r"\s*(?:version|ver\.?|版本)?\s*[:：]?\s*[\^~>=v]*\s*$"
)
_HEADING_SDK = re.compile(r"(?i)(?:sdk|version|package|library|版本)")
_HEADING_NOT_SDK = re.compile(
    r"(?i)\b(?:os|operating|system|android version|ios version|xcode|swift|node)\b|系统"
)


@dataclass(frozen=True)
class SdkVersion:
    version: str
    sdk: str | None
    strength: int  # 3 manifest/label, 2 context word, 1 bare


def _line_context(text: str, start: int) -> tuple[str, str]:
    """(text of this line before ``start``, the previous non-empty line)."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    previous = ""
    cursor = line_start - 1
    while cursor > 0:
        prev_start = text.rfind("\n", 0, cursor) + 1
        candidate = text[prev_start:cursor].strip()
        if candidate:
            previous = candidate
            break
        cursor = prev_start - 1
    return before, previous


_NOT_NAME = re.compile(
    r"(?i)to|from|on|with|using|upgrading|updating|upgraded|updated|the|"
    r"(?:升级|更新|升|降级|回退|切换|换)(?:到|至|成)?|使用|用的是|用了|集成了?"
)


def _sdk_name(context: str) -> str | None:
    """'LiveKit SDK version: ' -> 'LiveKit SDK'; 'GetStream Chat version:' -> 'GetStream Chat'."""
    # only the clause the version belongs to: "crashes in a room. SDK 2.1" -> "SDK"
    context = re.split(r"[.!?;,](?:\s|$)|[，。；！？、]", context)[-1]
    # "【SDK 版本】：IMSDK " -> "IMSDK ": the value after a label, not the label
    context = re.split(r"[:：]\s*(?=\S)", context)[-1]
    cleaned = re.sub(r"[*_`#>\-\[\]【】]+", " ", context)
    cleaned = re.sub(r"(?i)\b(?:version|ver\.?|of the|of|v)\b\s*[:：]?\s*$", "", cleaned.strip())
    cleaned = re.sub(r"(?i)\b(?:version|ver)\b", "", cleaned)
    cleaned = re.sub(r"版本\s*[:：]?\s*$", "", cleaned)
    words = [
        w
        for w in re.split(r"[\s:：,;()，、；。]+", cleaned)
        if w and not re.fullmatch(r"[\d.]+", w) and len(re.findall(r"[\u4e00-\u9fff]", w)) <= 6
    ]
    if not words:
        return None
    tail = words[-3:]
    # the name after the last verb or preposition: "升级到 Chat SDK", "to Chat SDK" -> "Chat
    # SDK"; "fails on iOS 17 with SDK" -> "SDK" (not "iOS with SDK")
    cut = max((i + 1 for i, w in enumerate(tail[:-1]) if _NOT_NAME.fullmatch(w)), default=0)
    tail = tail[cut:]
    name = " ".join(tail).strip(" .:")
    if not name or re.fullmatch(r"(?i)(?:the|a|on|in|with|using|latest|sdk|to|from|is|i'm)", name):
        return None
    return name[:60]


def sdk_versions(text: str, *, title: str = "") -> list[SdkVersion]:
    """All SDK version candidates, strongest first."""
    found: list[SdkVersion] = []
    for match in _MAVEN.finditer(text):
        found.append(SdkVersion(match.group("v"), match.group("artifact"), 3))
    for match in _PACKAGE_JSON.finditer(text):
        if not _NOT_SDK_PACKAGES.match(match.group("name")):
            found.append(SdkVersion(match.group("v"), match.group("name"), 3))
    for match in _PACKAGE_PLAIN.finditer(text):
        name = match.group("name")
        # a package-looking name: scoped, dashed, underscored or with "sdk" in it
        if not re.search(r"[-_/]|sdk", name) or name.endswith((".", "/", "-")):
            continue
        if not _NOT_SDK_PACKAGES.match(name) and not _MAVEN.match(text, match.start()):
            found.append(SdkVersion(match.group("v"), name, 2))
    for match in _UPGRADE.finditer(text):
        found.append(SdkVersion(match.group("v"), None, 2))
    if title:
        for match in _TITLE_BRACKET.finditer(title):
            found.append(SdkVersion(match.group("v"), None, 2))
    for match in _VERSION.finditer(text):
        before, previous = _line_context(text, match.start())
        version = match.group("num")
        if OS_BEFORE_VERSION.search(before) or _TOOL_BEFORE.search(before):
            continue
        if SDK_WORDS.search(before):
            found.append(SdkVersion(version, _sdk_name(before), 2))
        elif match.group("v"):
            found.append(SdkVersion(version, None, 2))
        elif not before.strip(" -*_`>[") and previous and _HEADING_SDK.search(previous):
            if not _HEADING_NOT_SDK.search(previous):
                found.append(SdkVersion(version, _sdk_name(previous), 3))
        elif version.count(".") == 2 and not re.search(r"(?i)\b(?:ip|address|host)\b", before):
            found.append(SdkVersion(version, None, 1))
    found.sort(key=lambda item: -item.strength)
    return found


def os_versions(text: str) -> list[str]:
    """'Android 14', 'iOS 15.5', 'Android API 30' ... in order of appearance, deduplicated."""
    seen: list[str] = []
    if "安卓" in text or "鸿蒙" in text:
        text = text.replace("安卓", " Android ").replace("鸿蒙", " HarmonyOS ")
    for match in OS_VERSION.finditer(text):
        name = match.group("os")
        lowered = name.lower()
        if lowered.startswith("api"):
            if len(match.group("ver")) < 2:
                continue
            label = f"Android API {match.group('ver')}"
        else:
            canonical = {
                "ios": "iOS",
                "ipados": "iPadOS",
                "macos": "macOS",
                "android": "Android",
                "windows": "Windows",
                "harmonyos": "HarmonyOS",
            }.get(lowered, name)
            label = f"{canonical} {match.group('ver')}"
        if label not in seen:
            seen.append(label)
    return seen


# Chinese vendor titles: "【iOS】-【13.1.1】：【Crash】", "【Android】-【4.9.1】【进房失败】".
_PLATFORM_THEN_VERSION = re.compile(
    r"【\s*(?P<os>iOS|Android|HarmonyOS|Windows|macOS|Mac)\s*】\s*[-–—_]?\s*"
    r"【\s*v?(?P<ver>\d{1,2}(?:\.\d{1,4}){0,3})\s*】",
    re.I,
)
# Major versions each OS has shipped (and the next few); anything else is not an OS version.
_OS_MAJORS = {
    "ios": range(5, 30),
    "android": range(4, 20),
    "harmonyos": range(2, 8),
    "windows": range(7, 12),
    "macos": range(10, 30),
    "mac": range(10, 30),
}
_CANONICAL_OS = {"ios": "iOS", "android": "Android", "harmonyos": "HarmonyOS", "mac": "macOS"}


def bracketed_version(text: str) -> tuple[str, str] | None:
    """(OS name, number) of a "【iOS】-【13.1.1】" title: the template asks for the SDK version
    there, but a reporter sometimes writes the OS version instead."""
    match = _PLATFORM_THEN_VERSION.search(text)
    if not match:
        return None
    name = match.group("os")
    return _CANONICAL_OS.get(name.lower(), name), match.group("ver")


def plausible_os_version(os_name: str, version: str) -> bool:
    """Whether ``version`` could be a release of ``os_name``: "iOS 13.1.1" yes,
    "Android 4.9" no."""
    major, _, rest = version.partition(".")
    majors = _OS_MAJORS.get(os_name.lower())
    if majors is None or not major.isdigit() or int(major) not in majors:
        return False
    if os_name.lower() == "android" and int(major) == 4:
        return rest.split(".")[0] in {"0", "1", "2", "3", "4"}
    return True
