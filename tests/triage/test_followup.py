"""Follow-up questions: in the reporter's words and language, never internal field names."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.triage.followup import KB_COLLECT_LOGS, follow_up_message, language
from bot.triage.models import FIELD_NAMES, BugFields

URL = "https://docs.example.com/troubleshooting/collect-logs"
SNAKE_CASE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _internal_names(message: str) -> list[str]:
    """Field names as the code spells them: ``repro_steps``, or a line labelled "actual:"."""
    found = SNAKE_CASE.findall(message.replace(URL, "").replace(KB_COLLECT_LOGS, ""))
    for line in message.splitlines():
        label = re.match(r"\d+\.\s*([^:：]+)[:：]", line)
        if label and label.group(1).strip().lower() in ("actual", "expected", "summary", "sdk"):
            found.append(label.group(1))
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_internal_field_names_in_any_language(lang: str) -> None:
    message = follow_up_message(list(FIELD_NAMES), fields=BugFields(), lang=lang, logs_url=URL)
    assert message is not None
    assert not _internal_names(message)
    assert message.count("\n") == len(FIELD_NAMES) + 1  # head, one line each, tail
    assert URL in message


def test_chinese_follow_up_reads_like_a_support_engineer(triage: Any) -> None:
    result = triage("安卓端偶尔闪退，小米 13")
    message = result.follow_up
    assert result.kind == "bug" and message is not None
    head, *asks, tail = message.splitlines()
    assert head.startswith("您好，关于您反馈的“安卓端偶尔闪退")
    assert "麻烦" in head
    assert [line.split(".", 1)[0] for line in asks] == [str(n) for n in range(1, len(asks) + 1)]
    assert any(line.startswith(f"{n}. SDK 版本号：") for n, line in enumerate(asks, 1))
    steps = next(line for line in asks if "复现步骤" in line)
    assert "出现闪退之前做了哪些操作" in steps  # the reporter's own word for it
    logs = next(line for line in asks if "日志" in line)
    assert "adb logcat" in logs and "20 MB" in logs
    assert "我先帮您把工单提上去" in tail
    # full-width punctuation after each label, no English left in the sentences
    assert all("：" in line for line in asks)
    assert not re.search(r"[A-Za-z]{4,}", head.replace("SDK", ""))
    assert not _internal_names(message)


def test_english_follow_up_uses_the_reporters_words(triage: Any) -> None:
    result = triage("Our iOS app crashes when leaving a room")
    message = result.follow_up
    assert message is not None
    assert message.startswith("To get “Our iOS app crashes when leaving a room” to an engineer")
    assert "SDK version: the exact version" in message
    assert "Podfile.lock" in message  # the iOS place, not every file
    assert not _internal_names(message)


def test_english_steps_are_asked_about_the_symptom() -> None:
    message = follow_up_message(
        ["repro_steps"], fields=BugFields(summary="Video freezes after backgrounding")
    )
    assert message and "what you do right before it freezes" in message


def test_outage_follow_up_says_it_is_being_handled() -> None:
    fields = BugFields(summary="线上所有用户都登录不上了")
    zh = follow_up_message(["sdk_version", "platform"], fields=fields, lang="zh", kind="outage")
    assert zh and zh.startswith("收到，您反馈的“线上所有用户都登录不上了”我们已经按线上紧急故障")
    assert "不用等信息齐全" in zh
    en = follow_up_message(["platform"], fields=BugFields(summary="Logins fail"), kind="outage")
    assert en and "production outage" in en and "open the ticket anyway" not in en


def test_mini_program_hints() -> None:
    message = follow_up_message(
        ["sdk_version", "os_version", "logs"],
        fields=BugFields(summary="小程序拉流黑屏", platform="Mini Program"),
        lang="zh",
        logs_url=URL,
    )
    assert message and "基础库版本" in message and "vConsole" in message


@pytest.mark.parametrize(
    ("summary", "lang", "quoted"),
    [
        ("升级到 4.2.1 之后，安卓端进房后对方听不到声音，iOS 正常，华为和小米都能复现", "zh",
         "安卓端进房后对方听不到声音"),
        ("since this morning none of our users can log in, every login returns NC-1001. This "
         "is our production app!", "en",
         "since this morning none of our users can log in, every login returns NC-1001"),
        ("After upgrading to 4.2 on a Pixel 7 with Android 14 and the newest WebView, the app "
         "crashes when the user rejoins a room", "en",
         "the app crashes when the user rejoins a room"),
    ],
)  # fmt: skip
def test_a_long_first_sentence_is_quoted_by_its_problem(
    summary: str, lang: str, quoted: str
) -> None:
    message = follow_up_message(["os_version"], fields=BugFields(summary=summary), lang=lang)
    assert message and f"“{quoted}”" in message


def test_greeting_is_not_quoted() -> None:
    message = follow_up_message(["platform"], fields=BugFields(summary="hi, our calls drop"))
    assert message and message.startswith("To get “our calls drop”")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("安卓端进房后听不到声音", "zh"),
        (
            "调用 joinChannel 后回调 onError(17)\nE/agora: joinChannel failed code=17 reason=token",
            "zh",
        ),
        ("The send button shows 发送失败 when I tap it twice", "en"),
        ("App crashes on join", "en"),
    ],
)
def test_language(text: str, lang: str) -> None:
    assert language(text) == lang
