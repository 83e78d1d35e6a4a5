"""Phrasings and template shapes found in a second development set of real reports
(eval/bug-reports-extra.jsonl); the examples here are written for the tests, not taken from it."""

from __future__ import annotations

from typing import Any

import pytest

from bot.triage.extractor import extract
from bot.triage.logs import log_lines
from bot.triage.priority import prioritise
from bot.triage.subject import subject_line


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a doubt about the hosted service, with the connection errors that raised it
        (
            "Socket errors since this morning\n\nWe keep getting `ECONNREFUSED wss://rt.example.io`"
            " on every client. The dashboard is slow too. Is something wrong with the backend?",
            "outage",
        ),
        ("Is your API down? Our calls to create rooms all fail with 503", "outage"),
        # a server of one's own that clients cannot reach stays a bug
        ("我们自己部署的服务器，Android 客户端连不上，报错 1006，日志里一直在重连", "bug"),
        # asking where the docs are is a question, even when titled "Support for X?"
        (
            "Support for read receipts?\n\nI can't find any documentation about read receipts "
            "in this SDK. Is it documented anywhere?",
            "question",
        ),
        # feature asks without the word "feature"
        ("Could you add noise suppression to the Web SDK?", "feature"),
        (
            "Share screen audio\n\nToday only the microphone is sent. We need a way to send the "
            "audio of a shared tab as well.",
            "feature",
        ),
        ("能不能为 SIP 网关做一个适配？我们想接入自己的话机", "feature"),
        ("支持 WebTransport 传输\n\n目前只有 WebSocket，后续有计划吗？", "feature"),
        # a failure plus "anyone else seen this?" is a report, not a how-to
        ("部署后创建会议一直转圈\n\n页面提示出错了，日志在哪里看？有人遇到过吗？", "bug"),
        ("会议页面加载失败，有人遇到过吗？", "bug"),
        # a page's progress bar is no status request, even on the ticket form
        ("提交工单的页面进度条一直不动，点提交没反应", "bug"),
    ],
)
def test_kinds_of_report_shapes(triage: Any, text: str, kind: str) -> None:
    assert triage(text).kind == kind


def test_a_black_frame_in_place_of_the_video_is_a_failure(triage: Any) -> None:
    text = (
        "Remote participant shows a black frame\n\nSometimes a black frame is drawn instead of "
        "the remote video; the track is subscribed but the view is just a black rectangle."
    )
    assert triage(text).kind == "bug"


@pytest.mark.parametrize(
    "text",
    [
        "When the app resumes I get this error and the call drops:\n```\nsocket closed: 1006\n```",
        "These errors just started appearing in the console:\n\n```\nrt: transport closed\n```",
        "sdk: 10:21:07.114 [Debug] [rtc] onIceState: failed",
    ],
)
def test_logs_announced_by_a_sentence_or_tagged_with_a_time(text: str) -> None:
    assert log_lines(text)


def test_a_template_heading_ending_in_a_colon_announces_no_log() -> None:
    assert log_lines("### Log File:\n\n### screenshot:\n") is None


@pytest.mark.parametrize(
    ("text", "field"),
    [
        # "复现步骤：" alone on its line, the steps in prose below it
        (
            "视频首帧黑屏\n\n复现步骤：\n两台手机分别连 wifi 和 4g，互相呼叫，对方画面是黑的。",
            "repro_steps",
        ),
        ("创建房间没反应\n\n页面能打开，但是输入房间名以后点“创建”没有任何反应。", "repro_steps"),
        (
            "部署后创建会议报错\n\n用 docker 部署完，打开网页，创建会议，页面提示出错了。",
            "repro_steps",
        ),
        (
            "Ringtone on the wrong device\n\nOnce the call is answered only the speaker works.",
            "repro_steps",
        ),
        (
            "Expected Behavior:\n- The connection resumes by itself.\n\nActual: it stays down.",
            "expected",
        ),
        ("#### Android API\n\n31\n\n#### Device\nPixel 6", "os_version"),
    ],
)
def test_template_shapes_and_triggers(text: str, field: str) -> None:
    assert getattr(extract(text), field)


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        # "end call for everyone" is what the host does, not who is affected
        ("The app crashes when the host taps End call for everyone", "P2"),
        # waiting, then retrying works: a workaround
        (
            "Remote video stays black after a quick reconnect; if I wait 5 seconds before "
            "rejoining, everything works",
            "P3",
        ),
        ("跨网第一次呼叫黑屏，挂断后再呼叫一次就正常了", "P3"),
        # going back to the old version is no workaround: it names a regression
        (
            "After upgrading to 4.2 remote video stays black; if we downgrade to 4.1, it works",
            "P2",
        ),
        # a realtime connection that never comes back is a core function lost
        ("After backgrounding the app the connection never reconnects, even after connect()", "P2"),
        # some device models fail, others work: a device defect, not configuration
        ("部分机型进房后本地预览黑屏，报错 errCode=-1301，其他机型正常", "P2"),
    ],
)
def test_severity_of_report_shapes(text: str, priority: str) -> None:
    assert prioritise(text, kind="bug").priority == priority


@pytest.mark.parametrize(
    ("line", "subject"),
    [
        ("App crashes after upgrading to 3.2.0. Hi Team,", "App crashes after upgrading to 3.2.0."),
        ("Support for read receipts?. Hello, I can't find the docs", "Support for read receipts?"),
        ("支持 WebTransport 传输. 您好，又来打扰了。", "支持 WebTransport 传输."),
        ("首次呼叫黑屏，第二次正常. 复现步骤：", "首次呼叫黑屏，第二次正常."),
        ("远端黑屏. sdk: 10:21:07.", "远端黑屏."),
        (
            "部署以后创建会议页面报错了. 用 docker 部署完，打开网页创建会议，"
            "页面提示出错，然后一直转圈",
            "部署以后创建会议页面报错了.",
        ),
        (
            "Crash when calling e.g. join() on a room with more than 50 users and leaving "
            "quickly. It happens on Android only",
            "Crash when calling e.g. join() on a room with more than 50 users and leaving quickly.",
        ),
    ],
)
def test_the_subject_is_the_title_not_the_body_run_into_it(line: str, subject: str) -> None:
    assert subject_line(line) == subject


def test_the_follow_up_quotes_the_title_not_the_template_run_into_it(triage: Any) -> None:
    asked = triage("跨网视频首次黑屏，第二次以后正常. 复现步骤：").follow_up or ""
    assert "复现步骤：”" not in asked and "“跨网视频首次黑屏" in asked, asked
