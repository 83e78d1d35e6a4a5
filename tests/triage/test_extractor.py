from __future__ import annotations

from typing import Any

import pytest

from bot.triage.extractor import extract
from bot.triage.sections import is_empty_value, strip_placeholders


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("We are on 4.2.1 and calls drop", "4.2.1"),
        ("Using v2.14.2 of the client", "2.14.2"),
        ('implementation "io.livekit:livekit-android:2.5.0"', "2.5.0"),
        ('"dependencies": {"stream-chat": "^8.1.0", "react": "18.2.0"}', "8.1.0"),
        ("LiveKit SDK version: 2.14.2", "2.14.2"),
        ("### OpenIM SDK Version\n3.8.2\n### Device Model\nPixel 2", "3.8.2"),
        ("GetStream Chat version: 4.0-beta.1", "4.0-beta.1"),
        ("【Android】-【4.9.1】：群消息已读回执", "4.9.1"),
    ],
)
def test_sdk_version_formats(text: str, version: str) -> None:
    assert extract(text).sdk_version == version


def test_tool_and_os_versions_are_not_sdk_versions() -> None:
    fields = extract("Xcode 15.2, iOS 17.4, react-native 0.72.4, Android Studio 4.1.1")
    assert fields.sdk_version is None
    assert fields.os_version is not None and "iOS 17.4" in fields.os_version


def test_github_template_with_placeholders() -> None:
    text = (
        "**Describe the bug**\nThe app crashes when I leave a room.\n\n"
        "**To Reproduce**\n1. Join a room\n2. Tap leave\n3. See crash\n\n"
        "**Expected behavior**\nThe room closes without a crash.\n\n"
        "**Device Info:**\n - Device: [e.g. Pixel 7]\n - OS: [e.g. Android 12]\n"
        " - SDK version: [e.g. 1.0.0]\n"
    )
    fields = extract(text, title="Crash on leave")
    assert fields.device is None
    assert fields.os_version is None
    assert fields.sdk_version is None
    assert fields.repro_steps and "Tap leave" in fields.repro_steps
    assert fields.expected and "without a crash" in fields.expected
    assert fields.summary == "Crash on leave"


def test_filled_template() -> None:
    text = (
        "## What did you do?\nConnected a user, closed the app, waited an hour and restarted it.\n"
        "## What did you expect to happen?\nThe token provider is called to refresh the token.\n"
        "## What happened instead?\nEvery request fails with 401.\n"
        "**GetStream Chat version:** 4.14.0\n**iOS version:** 15.5\n"
        "**Device:** iPod touch 7th gen\n"
    )
    fields = extract(text)
    assert fields.sdk_version == "4.14.0"
    assert fields.platform == "iOS"
    assert fields.os_version == "iOS 15.5"
    assert fields.device == "iPod touch 7th gen"
    assert fields.actual == "Every request fails with 401."
    assert fields.repro_steps and "restarted" in fields.repro_steps


def test_chinese_report() -> None:
    text = (
        "【问题描述】：Android 端加入房间后偶现崩溃\n"
        "【SDK 版本】：5.1.2\n"
        "【系统版本】：Android 13\n"
        "【机型】：小米 13\n"
        "【复现步骤】：1、登录 2、加入房间 3、切到后台再回来\n"
        "【影响范围】：线上部分用户\n"
    )
    fields = extract(text)
    assert fields.sdk_version == "5.1.2"
    assert fields.platform == "Android"
    assert fields.os_version == "Android 13"
    assert fields.device == "小米 13"
    assert fields.repro_steps and "加入房间" in fields.repro_steps
    assert fields.impact == "线上部分用户"


def test_logs_and_platforms_from_attachment() -> None:
    log = (
        "2024-05-01 12:00:01.123 I/RtcEngine: sdk version 3.7.0 build 1204\n"
        "2024-05-01 12:00:02.001 E/RtcEngine: onError code=1501 reason=CAMERA_DISABLED\n"
        "Build fingerprint: 'google/panther/panther:14/UQ1A/1:user/release-keys'\n"
        "Android 14\n"
    )
    fields = extract("Camera does not start", attachments=[log])
    assert fields.sdk_version == "3.7.0"
    assert fields.logs and "onError code=1501" in fields.logs
    assert fields.platform == "Android"


@pytest.mark.parametrize("value", ["[e.g. iOS 8.1]", "N/A", ".", "-", "无", "(e.g. Samsung S8)"])
def test_placeholders_are_not_values(value: str) -> None:
    assert is_empty_value(value)


def test_strip_placeholders_keeps_real_brackets() -> None:
    assert (
        strip_placeholders("[io.livekit:livekit-android:1.5.1]")
        == "[io.livekit:livekit-android:1.5.1]"
    )


def test_stack_trace_is_logs(triage: Any) -> None:
    result = triage(
        "Crash while joining\n\njava.lang.NoSuchMethodError: No virtual method getX()\n"
        "\tat live.hms.Foo.toDictionary(Foo.kt:19)"
    )
    assert result.fields.logs and "NoSuchMethodError" in result.fields.logs
    assert "java.lang.NoSuchMethodError" in result.error_codes


def test_template_guidance_is_not_content() -> None:
    text = (
        "### What happened?\nThe call drops after 30 seconds on Android 13.\n"
        "<!-- Tell us which SDK version, e.g. 1.2.3, and your OS (Windows/Linux) -->\n"
        "### OS version\n```console\n# On Linux:\n$ cat /etc/os-release\n# paste output here\n```\n"
    )
    fields = extract(text)
    assert fields.platform == "Android"
    assert fields.sdk_version is None


def test_four_part_and_prerelease_versions() -> None:
    assert extract("### OpenIM Server Version\n3.8.3.5").sdk_version == "3.8.3.5"
    assert extract("Agora SDK 4.2.6.1 on iOS").sdk_version == "4.2.6.1"
    assert extract("server at 10.0.0.12 refuses the socket").sdk_version is None


def test_chinese_template_examples_are_not_values() -> None:
    text = (
        "【当前现象】：如聊天界面点击xxx不显示xxx\n【机型】：如iPhone 7 Plus\n"
        "【之前版本有无此问题】：如4.8.10之前没有，4.8.10有\n"
    )
    fields = extract(text)
    assert fields.device is None
    assert fields.sdk_version is None


def test_mixed_chinese_and_english_words() -> None:
    fields = extract("android部分集成后崩溃，版本4.2.1")
    assert fields.platform == "Android"
    assert fields.sdk_version == "4.2.1"


def test_error_announced_then_pasted_is_logs() -> None:
    text = (
        "After adding the package and calling registerGlobals() I get an error\n\n"
        "Your JavaScript code tried to access a native module that doesn't exist\n\n"
        "Any idea?"
    )
    fields = extract(text)
    assert fields.logs == "Your JavaScript code tried to access a native module that doesn't exist"


def test_unfilled_github_template_gives_no_fields() -> None:
    text = (
        "**Describe the bug**\nA clear and concise description of what the bug is.\n\n"
        "**To Reproduce**\nSteps to reproduce the behavior:\n\n1. Go to '...'\n"
        "2. Click on '....'\n3. Scroll down to '....'\n4. See error\n\n"
        "**Expected behavior**\nA clear and concise description of what you expected to happen.\n"
    )
    fields = extract(text, title="test")
    assert fields.repro_steps is None
    assert fields.expected is None
    assert fields.logs is None


def test_empty_numbered_template_gives_no_fields() -> None:
    text = (
        "1. **Is the bug present in the demo project?**\n\n3. **Android Version:**\n\n"
        "4. **Steps taken to reproduce the problem:**\n\n5. **Expected result:**\n\n"
        "6. **Actual result:**\n"
    )
    fields = extract(text, title="Hey")
    assert (fields.repro_steps, fields.expected, fields.os_version) == (None, None, None)


def test_scenarios_told_in_a_sentence_are_steps_to_reproduce() -> None:
    cases = {
        "It happens every time with AirPods Pro: start a call, receive a phone call, hang up.":
            "start a call, receive a phone call, hang up",
        "When a presenter shares their screen from Safari 17, viewers see the screen freeze":
            "When a presenter shares their screen from Safari 17, viewers see the screen freeze",
        "复现：进入通话 → 切到后台 → 再切回来": "进入通话 → 切到后台 → 再切回来",
    }  # fmt: skip
    for text, steps in cases.items():
        assert extract(text).repro_steps == steps, text
    assert extract("The video is blurry on some phones").repro_steps is None


def test_inline_fields_end_where_the_next_one_starts() -> None:
    # Found on a ticket page: "Expected" ran into "Actual" and the steps; the "1." closing the
    # version "5.2.1." started the steps; "iOS with SDK" was taken for the SDK's name.
    fields = extract(
        "Login fails on iOS 17 with SDK 5.2.1. Expected: login succeeds. "
        "Actual: 401 Unauthorized from /v1/token. Steps: 1. open app 2. log in"
    )
    assert fields.expected == "login succeeds."
    assert fields.actual == "401 Unauthorized from /v1/token."
    assert fields.repro_steps == "1. open app 2. log in"
    assert fields.sdk != "iOS with SDK" and fields.sdk_version == "5.2.1"
    assert extract("App crashes. SDK: the Android SDK 5.2.1").sdk == "Android SDK"


@pytest.mark.parametrize(
    ("text", "summary", "steps", "impact"),
    [
        (
            "我们的 Android 应用退出房间时崩溃了，SDK 2.14.2，Android 14，小米 13。步骤：1. 加入"
            "房间 2. 点击离开 3. 闪退。线上 30% 用户受影响，日志暂时拿不到",
            "我们的 Android 应用退出房间时崩溃了",
            "1. 加入房间 2. 点击离开 3. 闪退",
            "线上 30% 用户受影响",
        ),
        (
            "Our Android app crashes when leaving a room, SDK 2.14.2, Android 14, Pixel 7. "
            "Steps: 1. join a room 2. tap leave 3. it crashes. 30% of our production users "
            "are affected, I can't get logs right now",
            "Our Android app crashes when leaving a room",
            "1. join a room 2. tap leave 3. it crashes",
            "30% of our production users",
        ),
    ],
)
def test_a_one_message_report_splits_into_its_parts(
    text: str, summary: str, steps: str, impact: str
) -> None:
    # The summary was the whole message (or kept the versions after the problem), the last
    # step swallowed the impact after it, and the impact was "production" or said twice.
    fields = extract(text)
    assert (fields.summary, fields.repro_steps, fields.impact) == (summary, steps, impact)
    assert fields.sdk_version == "2.14.2" and fields.os_version == "Android 14"
