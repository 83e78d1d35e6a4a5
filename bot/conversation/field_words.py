"""The details of a bug report named the way the customer reads them, in English and Chinese:
"the OS version, the steps to reproduce and logs" / "系统版本、复现步骤和日志"."""

from __future__ import annotations

from collections.abc import Sequence

FIELD_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "summary": "a one-line summary",
        "sdk": "which SDK you use",
        "sdk_version": "the SDK version",
        "platform": "the platform",
        "os_version": "the OS version",
        "device": "the device model",
        "repro_steps": "the steps to reproduce",
        "expected": "what you expected",
        "actual": "what happens instead",
        "logs": "logs",
        "impact": "how many users are affected",
    },
    "zh": {
        "summary": "问题概述",
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
# A report about the vendor's server (bot.triage.deployment) names the same details so.
SERVER_FIELD_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "sdk_version": "the server version or image tag",
        "platform": "how you deploy it",
        "os_version": "the server OS",
        "repro_steps": "the commands you ran",
        "logs": "the server logs",
    },
    "zh": {
        "sdk_version": "服务端版本号",
        "platform": "部署方式",
        "os_version": "服务器系统",
        "repro_steps": "部署步骤",
        "logs": "服务端日志",
    },
}


def field_words(names: Sequence[str], lang: str, *, server: bool = False) -> str:
    """'the OS version, the steps to reproduce and logs' / '系统版本、复现步骤和日志';
    ``server``: as a report about the vendor's server names them ('服务端日志')."""
    table = dict(FIELD_WORDS.get(lang, FIELD_WORDS["en"]))
    if server:
        table.update(SERVER_FIELD_WORDS.get(lang, SERVER_FIELD_WORDS["en"]))
    words = [table.get(n, n.replace("_", " ")) for n in names]
    if not words:
        return ""
    if lang == "zh":
        return words[0] if len(words) == 1 else "、".join(words[:-1]) + "和" + words[-1]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
