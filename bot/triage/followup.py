"""What is still missing from a report, and one short message asking for all of it.

The hints are concrete for the reporter's platform (where the SDK version is written, where
the logs are) and point to the knowledge-base page on collecting logs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.triage.models import BugFields, Kind

KB_COLLECT_LOGS = "knowledge_base/docs/troubleshooting/collect-logs.md"

REQUIRED: dict[str, tuple[str, ...]] = {
    "bug": ("sdk_version", "platform", "os_version", "repro_steps", "actual", "logs"),
    "outage": ("sdk_version", "platform", "impact", "actual"),
}

_LABELS = {
    "en": {
        "summary": "A one-line summary",
        "sdk": "Which SDK",
        "sdk_version": "SDK version",
        "platform": "Platform",
        "os_version": "OS version",
        "device": "Device model",
        "repro_steps": "Steps to reproduce",
        "expected": "Expected behaviour",
        "actual": "What happens instead",
        "logs": "Logs",
        "impact": "Impact",
    },
    "zh": {
        "summary": "一句话描述问题",
        "sdk": "使用的 SDK",
        "sdk_version": "SDK 版本",
        "platform": "平台",
        "os_version": "系统版本",
        "device": "机型",
        "repro_steps": "复现步骤",
        "expected": "期望结果",
        "actual": "实际现象",
        "logs": "日志",
        "impact": "影响范围",
    },
}

_SDK_VERSION_HINT = {
    "Android": "the dependency line in your app's build.gradle (e.g. "
    "`io.vendor:sdk-android:4.2.1`), or run `./gradlew app:dependencies`",
    "iOS": "Podfile.lock or Package.resolved (Xcode › Package Dependencies)",
    "Flutter": "pubspec.lock, or `flutter pub deps`",
    "React Native": "`npm ls` for the SDK package, or package-lock.json",
    "Web": "`npm ls` for the SDK package, or package.json / package-lock.json",
    "Electron": "`npm ls` for the SDK package, or package-lock.json",
    "Node.js": "`npm ls` for the SDK package, or package-lock.json",
    "Unity": "Packages/manifest.json or Window › Package Manager",
}
_OS_HINT = {
    "Android": "Settings › About phone › Android version",
    "iOS": "Settings › General › About › iOS Version",
    "Web": "browser and version (open chrome://version or About in the browser menu) and the OS",
    "macOS": "Apple menu › About This Mac",
    "Windows": "run `winver`",
}
_LOG_HINT = {
    "Android": "`adb logcat -d > logcat.txt` right after it happens",
    "iOS": "the Xcode console (or Console.app for a device), saved to a file",
    "Web": "the browser console (F12 › Console › Save as…)",
    "Flutter": "`flutter logs`, or logcat / the Xcode console for the native side",
    "React Native": "Metro output plus logcat / the Xcode console",
}
_HINT_ZH = {
    "sdk_version": (
        "准确的版本号（如 4.2.1）：见 build.gradle / Podfile.lock / package.json / pubspec.lock"
    ),
    "os_version": "系统及版本，如 Android 14、iOS 17.4（设置 › 关于本机）",
    "platform": "Android、iOS、Web、小程序、Flutter、React Native、Unity、Electron 或服务端",
    "repro_steps": "触发问题的步骤（1. 2. 3.）或最小代码片段",
    "actual": "看到的报错信息、错误码、崩溃或异常现象",
    "expected": "期望的结果",
    "impact": "影响多少用户、是否线上、从什么时候开始",
    "device": "机型，如 小米 13、iPhone 14",
    "summary": "一句话描述问题",
    "sdk": "SDK 包名",
}
_HINT = {
    "platform": "Android, iOS, Web, Flutter, React Native, Unity, Electron or server — and the "
    "framework if any",
    "repro_steps": "the steps that trigger it (1., 2., 3.) or a minimal code snippet",
    "actual": "the error message, crash or wrong behaviour you see",
    "expected": "what you expected to happen",
    "impact": "how many users are affected, production or development, and since when",
    "device": "device model(s), e.g. Pixel 7 or iPhone 14",
    "summary": "one line on what goes wrong",
    "sdk": "the SDK package name",
}

_CJK = re.compile(r"[\u4e00-\u9fff]")


def language(text: str) -> str:
    """'zh' when the text is mostly Chinese, else 'en'."""
    cjk = len(_CJK.findall(text))
    return "zh" if cjk and cjk >= len(re.findall(r"[A-Za-z]+", text)) else "en"


def missing_fields(kind: Kind, fields: BugFields, *, waived: Iterable[str] = ()) -> list[str]:
    """Required fields for ``kind`` that are empty and not waived (e.g. logs refused)."""
    skip = set(waived)
    return [
        name for name in REQUIRED.get(kind, ()) if not getattr(fields, name) and name not in skip
    ]


def is_enough(kind: Kind, fields: BugFields) -> bool:
    """Whether an engineer could start: bugs need summary + platform + (version or logs) +
    (steps or actual behaviour); outages need a summary; other kinds need nothing."""
    if kind == "bug":
        return bool(
            fields.summary
            and fields.platform
            and (fields.sdk_version or fields.logs)
            and (fields.repro_steps or fields.actual)
        )
    if kind == "outage":
        return bool(fields.summary)
    return True


def _platform_key(platform: str | None, table: dict[str, str]) -> str | None:
    for name in (platform or "").split(", "):
        if name in table:
            return name
    return None


def hint(
    field: str, *, platform: str | None, logs_url: str = KB_COLLECT_LOGS, max_upload_mb: int = 20
) -> str:
    """A concrete hint for one field on ``platform``."""
    if field == "sdk_version":
        key = _platform_key(platform, _SDK_VERSION_HINT)
        where = (
            _SDK_VERSION_HINT[key]
            if key
            else "your dependency file (build.gradle, Podfile.lock, package.json, pubspec.lock)"
        )
        return f"the exact version (e.g. 4.2.1) — see {where}"
    if field == "os_version":
        key = _platform_key(platform, _OS_HINT)
        return (
            _OS_HINT[key] if key else "OS name and version, e.g. Android 14, iOS 17.4, Windows 11"
        )
    if field == "logs":
        key = _platform_key(platform, _LOG_HINT)
        how = f"{_LOG_HINT[key]}; " if key else ""
        return (
            f"{how}how to collect them: {logs_url} — attach .log/.txt/.gz/.zip up to "
            f"{max_upload_mb} MB (tokens and keys are redacted automatically)"
        )
    return _HINT.get(field, field)


def follow_up_message(
    missing: list[str],
    *,
    fields: BugFields,
    lang: str = "en",
    logs_url: str = KB_COLLECT_LOGS,
    max_upload_mb: int = 20,
) -> str | None:
    """One short message asking for every missing field at once, or ``None``."""
    if not missing:
        return None
    labels = _LABELS.get(lang, _LABELS["en"])
    lines = []
    for name in missing:
        if lang == "zh" and name in _HINT_ZH:
            text = _HINT_ZH[name]
        elif lang == "zh" and name == "logs":
            text = (
                f"日志获取方法见 {logs_url}；可上传 .log/.txt/.gz/.zip，最大 {max_upload_mb} MB"
                "（token、密钥会被自动脱敏）"
            )
        else:
            text = hint(
                name, platform=fields.platform, logs_url=logs_url, max_upload_mb=max_upload_mb
            )
        lines.append(f"• {labels[name]}：{text}" if lang == "zh" else f"• {labels[name]}: {text}")
    if lang == "zh":
        head = "为了让工程师尽快处理，请在一条消息里补充以下信息："
        tail = "如果某项无法提供，直接说明即可（例如“没有日志”），我会先提交工单。"
    else:
        head = "To get this to an engineer, please send these in one reply:"
        tail = (
            "If you can't get something, just say so (e.g. \"no logs\") and I'll open the "
            "ticket anyway."
        )
    return "\n".join([head, *lines, tail])
