"""Words that name platforms, operating systems, devices and tools in SDK bug reports."""

from __future__ import annotations

import re

_CJK_LATIN = re.compile(r"(?<=[\u4e00-\u9fff])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[\u4e00-\u9fff])")


def spaced(text: str) -> str:
    """Insert a space where Chinese meets Latin ("android部分" -> "android 部分") so that
    ``\b`` word boundaries work in mixed text (CJK characters count as word characters)."""
    return _CJK_LATIN.sub(" ", text)


# (canonical name, pattern). Frameworks first: "Flutter on Android" is a Flutter report.
PLATFORMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("React Native", r"(?i)\breact[\s-]?native\b|\bexpo\b|\bRN\s?0\.\d+"),
        (
            "Flutter",
            r"(?i)(?<![\w-])flutter(?![\w-])|(?<![.\w])Dart\b|was called on null|Tried calling:",
        ),
        ("Unity", r"\bUnity(?:3D)?\b"),
        ("uni-app", r"(?i)\buni-?app\b"),
        ("Electron", r"(?i)\belectron\b"),
        ("HarmonyOS", r"\bHarmonyOS\b|\bOpenHarmony\b|\bArkTS\b|鸿蒙"),
        (
            "Android",
            r"(?i)/data/app/|\bapex/com\.android|/system/lib|"
            r"\bandroid\b|\blogcat\b|\b[VDIWEFA]/[\w.]+\(\s*\d+\):|\bkotlin\b|\bgradle\b|\bapk\b|安卓",
        ),
        (
            "iOS",
            r"(?i:\bios\b)|\biPadOS\b|\biPhone\b|\biPad\b|\biPod\b|\bXcode\b|\bCocoaPods\b|"
            r"\bpod install\b|\bPodfile\b|苹果",
        ),
        ("macOS", r"(?i)\bmac\s?os\b|\bOS X\b"),
        ("Windows", r"\bWindows\b"),
        ("Linux", r"(?i)\b(?:linux|ubuntu|debian|centos)\b"),
        ("Mini Program", r"小程序|微信开发者工具|(?i:\bmini ?program\b)"),
        (
            "Web",
            r"\bH5\b|"
            r"\bWeb\b(?!\s+unchecked)|(?i:\b(?:chrome|safari|firefox|edge)\s+(?:browser|\d))"
            r"|(?i:\bweb\s?(?:app|sdk|page|client))|(?i:\bbrowser\s+\w+\s+\d)",
        ),
        ("Node.js", r"(?i)\bnode\.?js\b|\bnode\s+v?\d+\.\d"),
        ("server", r"(?i)\bserver[\s-]sdk\b|\bgolang\b|\bgo sdk\b|服务端"),
    )
)

# "Android 14", "iOS 15.5", "Android version: 7.0.0", "API 30", "Windows 11"
OS_VERSION = re.compile(
    r"(?i)(?<![\w.:-])(?P<os>android|ios|ipados|macos|mac os x?|os x|windows|ubuntu|debian|centos|"
    r"harmonyos|watchos|tvos|api(?:\s?level)?)"
    r"(?:[ \t]?(?:version|ver\.?|版本))?[ \t]*[:：]?[ \t]*v?"
    r"(?P<ver>\d{1,2}(?:\.\d{1,3}){0,2})(?!\w|\.\d)"
    r"(?!\s*(?:sdk|SDK))"
)
OS_LABEL = re.compile(
    r"(?i)^(?:os|operating system|os version|operating system version|system version|"
    r"(?:android|ios|ipados|macos|windows) version|platform version|系统版本|系统|操作系统|"
    r"android api(?: level)?|api level)$"
)

DEVICE_LABEL = re.compile(
    r"(?i)^(?:device(?: model| name| info)?|model|phone|vendor and model|机型|设备|手机型号)$"
)
DEVICE = re.compile(
    r"\b(?:iPhone\s?(?:\d{1,2}|SE|X[RS]?)(?:\s?(?:Pro Max|Pro|Max|Plus|mini))?"
    r"|iPad(?:\s(?:Pro|Air|mini))?(?:\s\d+)?|iPod touch(?:\s\d+\w*\sgen)?"
    r"|Pixel\s?\d+[a]?(?:\s?(?:Pro|XL))?"
    r"|(?:Samsung\s)?Galaxy\s[A-Z]\d{1,3}\w*|Samsung\s[A-Z]{1,2}\d{1,3}\w*"
    r"|(?:Huawei|HUAWEI|Honor|HONOR|Xiaomi|Redmi|OPPO|vivo|OnePlus|Nokia|Motorola|Sony)\s[\w-]{2,12}(?:\s(?:Pro|Lite))?)"
    # 小米 13, 华为 Mate 40, 红米 K60, 荣耀 X40, 一加 11, 三星 S23
    r"|(?:华为|荣耀|小米|红米|魅族|一加|三星|真我|努比亚|中兴|联想)\s?[A-Za-z]{0,6}\s?\d{1,3}[A-Za-z]?"
    r"(?:\s?(?:Pro\+?|Ultra|Max|Plus|Lite|mini))?"
)

# Version numbers that belong to tools, not to the SDK.
TOOL_BEFORE_VERSION = re.compile(
    r"(?i)(?:xcode|swift|kotlin|java|jdk|gradle|agp|android studio|studio|node|npm|yarn|python|"
    r"react|react-native|react-navigation[\w-]*|flutter|dart|cocoapods|pod|chrome|safari|"
    r"firefox|edge|electron|unity|webview|typescript|api|build|xcode version|rn)"
    r"\s*(?:version|ver\.?)?\s*[:：]?\s*[\^~>=v]*\s*$"
)
OS_BEFORE_VERSION = re.compile(
    r"(?i)(?:android|ios|ipados|macos|mac os x?|os x|windows|ubuntu|debian|centos|harmonyos|"
    r"os|api level|api)\s*(?:version|ver\.?|版本)?\s*[:：]?\s*v?$"
)
SDK_WORDS = re.compile(
    r"(?i)(?:sdk|version|ver\.?|release|package|library|lib|framework|版本|\bv)\s*[:：]?\s*[\^~>=]*\s*$"
)
