"""The words of the "Report a bug" modal, in English and Chinese (the reporter's language)."""

from __future__ import annotations

# (field, multiline, required); the labels are below, per language
TEXT_FIELDS = (
    ("summary", False, True),
    ("sdk", False, False),
    ("sdk_version", False, False),
    ("platform", False, False),
    ("os_version", False, False),
    ("device", False, False),
    ("repro_steps", True, False),
    ("expected", True, False),
    ("actual", True, False),
    ("impact", True, False),
)
SEVERITY = "severity"
PRODUCTION = "production"
FILES = "files"

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "summary": "Summary",
        "sdk": "SDK",
        "sdk_version": "SDK version",
        "platform": "Platform",
        "os_version": "OS version",
        "device": "Device",
        "repro_steps": "Steps to reproduce",
        "expected": "Expected",
        "actual": "Actual",
        "impact": "Impact (how many users, since when)",
        SEVERITY: "How bad is it?",
        PRODUCTION: "Is production affected?",
        FILES: "Logs, screenshots (optional)",
    },
    "zh": {
        "summary": "问题概述",
        "sdk": "SDK",
        "sdk_version": "SDK 版本",
        "platform": "平台",
        "os_version": "系统版本",
        "device": "设备型号",
        "repro_steps": "复现步骤",
        "expected": "预期结果",
        "actual": "实际结果",
        "impact": "影响范围（多少用户、从何时开始）",
        SEVERITY: "严重程度",
        PRODUCTION: "是否影响生产环境？",
        FILES: "日志、截图（可选）",
    },
}

# value -> words; the values are what bot.triage.priority.StatedImpact understands
SEVERITY_OPTIONS: dict[str, dict[str, str]] = {
    "en": {
        "down": "Production down for all users",
        "some": "Production, some users affected",
        "workaround": "A core feature broken, workaround exists",
        "minor": "Minor or cosmetic",
    },
    "zh": {
        "down": "生产环境不可用，所有用户受影响",
        "some": "生产环境，部分用户受影响",
        "workaround": "核心功能异常，但有临时解决办法",
        "minor": "轻微问题或界面瑕疵",
    },
}
PRODUCTION_OPTIONS: dict[str, dict[str, str]] = {
    "en": {"yes": "Yes", "no": "No, not yet in production"},
    "zh": {"yes": "是", "no": "否，尚未上线"},
}

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Report a bug",
        "submit": "Open ticket",
        "close": "Cancel",
        "summary_needed": "A one-line summary is needed.",
        "files_hint": "Up to {count} files of {mb} MB each; logs are redacted (tokens and keys "
        "removed) before they are kept. More can be attached in the thread later.",
        "top": ":beetle: Bug report from <@{user}>: {summary}",
        "attached": "Attached to the ticket: {names}.",
        "not_attached": "Not attached: {names} — please post them in this thread.",
        "failed": ":warning: Sorry — your bug report could not be filed. Please post it in "
        "your support channel and an engineer will pick it up.",
    },
    "zh": {
        "title": "提交问题",
        "submit": "创建工单",
        "close": "取消",
        "summary_needed": "请用一句话概述问题。",
        "files_hint": "最多 {count} 个文件，每个不超过 {mb} MB；日志中的令牌和密钥"
        "会先被脱敏再保存。之后也可以在讨论串中补充附件。",
        "top": ":beetle: <@{user}> 提交的问题：{summary}",
        "attached": "已附加到工单：{names}。",
        "not_attached": "未能附加：{names}，请在此讨论串中直接发送。",
        "failed": ":warning: 抱歉，问题未能提交。请直接在支持频道中描述，工程师会跟进。",
    },
}


def lang_of(value: object) -> str:
    return "zh" if value == "zh" else "en"


def label(name: str, lang: str) -> str:
    return LABELS[lang_of(lang)][name]


def word(name: str, lang: str, **values: object) -> str:
    return WORDS[lang_of(lang)][name].format(**values)
