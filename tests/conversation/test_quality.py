"""Conversation quality as developers meet it: integration questions worded as errors stay
questions, and a report is not dropped for a question about what it needs. Real triage and
intake; a fake docs bot."""

from __future__ import annotations

import pytest

from bot.context import AppContext
from tests.conversation.fakes import FakeAnswerer
from tests.conversation.test_conversations import _chat

TURN = ("Configure a TURN relay for restrictive networks [1].", "docs/rtc/network.md", "TURN")
DOCS = {"turn": TURN, "relay": TURN, "中继": TURN}


def test_a_headline_then_how_do_i_fix_it_is_a_question_not_a_bug_report(
    ctx: AppContext,
) -> None:
    chat = _chat(ctx, FakeAnswerer(DOCS))
    first = chat.say("Peer connection goes to failed state after 20 seconds")
    assert first.kind == "follow_up", first.text  # a bare headline may be a bug: asked
    asked = chat.say("We are only setting up the demo. How do I configure a TURN relay for it?")
    assert asked.kind == "answer", asked.text
    assert "go_ahead" not in asked.actions, "the report gave way to the question"
    story = chat.say(
        "I cloned the sample project and started the signalling server on a cloud VM, then "
        "opened the page from two laptops.\nThe console shows:\n"
        "```\nICE failed, add a TURN server and see about:webrtc for more details\n```"
    )
    assert story.kind in ("answer", "handoff"), story.text
    assert "go_ahead" not in story.actions
    assert ctx.tickets.query() == []


def test_chinese_deployment_failure_then_how_to_configure_is_a_question(ctx: AppContext) -> None:
    chat = _chat(ctx, FakeAnswerer(DOCS), account="tianqi-health")
    assert chat.say("信令服务起不来，一直报错").kind == "follow_up"
    asked = chat.say("照着教程在内网机器上装的，中继服务器应该怎么配？")
    assert asked.kind == "answer", asked.text
    assert "go_ahead" not in asked.actions
    assert ctx.tickets.query() == []


def test_asking_where_the_logs_are_keeps_the_report(ctx: AppContext) -> None:
    chat = _chat(ctx)
    assert chat.say("Peer connection goes to failed state after 20 seconds").kind == "follow_up"
    side = chat.say("How do I get the logs you need?")
    assert "go_ahead" in side.actions, "the report still waits for its details"
    details = chat.say(
        "Android 14, Pixel 8, RTC SDK 2.14.1. Steps: 1. join 2. wait 20 s. Logs attached below:\n"
        "E/PeerConnection: ICE state FAILED"
    )
    assert details.kind in ("follow_up", "ticket_opened"), details.text


def test_a_crash_is_reported_even_when_the_developer_asks_how_to_fix_it(ctx: AppContext) -> None:
    chat = _chat(ctx)
    assert chat.say("The app crashes when the second user joins the room").kind == "follow_up"
    asked = chat.say("Do you know how to fix this?")
    assert "go_ahead" in asked.actions, asked.text


def test_an_api_error_reply_pasted_in_a_report_counts_as_its_log(ctx: AppContext) -> None:
    chat = _chat(ctx, account="tianqi-health")
    chat.say("服务端接口 PUT /v2/users/profile 返回 500")
    chat.say(
        "只有这个接口有问题，别的接口都正常。带上 nickname 为空字符串时就会失败，"
        "期望返回参数错误。\n"
        '响应：{"status":500,"error":"server error","trace_id":"c0ffee12"}'
    )
    reply = chat.say("", action="go_ahead")
    assert reply.ticket is not None, reply.text
    ticket = ctx.tickets.get(reply.ticket.key)
    assert "logs" not in ticket.missing and "c0ffee12" in ticket.fields["logs"]
    assert ticket.priority != "P1", "one failing endpoint is not an outage"


def test_chinese_steps_inline_and_an_upgrade_regression_are_read(ctx: AppContext) -> None:
    chat = _chat(ctx, account="tianqi-health")
    first = chat.say("升级到 RTC SDK 2.15.0 以后屏幕共享的画面会重复推送两次，之前 2.14.1 是好的")
    assert first.kind == "follow_up", first.text
    reply = chat.say(
        "Android 13，华为 Mate 40。步骤：进房后开启屏幕共享，对端会看到两路一样的画面。"
        "期望只看到一路。"
    )
    if reply.ticket is None:
        reply = chat.say("", action="go_ahead")
    assert reply.ticket is not None, reply.text
    ticket = ctx.tickets.get(reply.ticket.key)
    assert "repro_steps" not in ticket.missing
    assert ticket.fields["repro_steps"].startswith("进房后开启屏幕共享")
    assert ticket.fields["sdk"] == "RTC SDK"
    assert ticket.priority == "P2", ticket.priority_reason  # a regression


def test_a_vague_opening_is_asked_what_it_is_and_never_becomes_the_subject(
    ctx: AppContext,
) -> None:
    chat = _chat(ctx)
    first = chat.say("hello, something's broken")
    assert first.kind == "acknowledged" and "what" in first.text.lower(), first.text
    assert first.missing == []
    chat.say("The app crashes on Android 14 when the second user joins the room, SDK 2.14.1")
    reply = chat.say("", action="go_ahead")
    assert reply.ticket is not None, reply.text
    assert reply.ticket.subject.startswith("The app crashes on Android 14"), reply.ticket.subject


def test_a_chinese_vague_lead_is_not_the_subject(ctx: AppContext) -> None:
    chat = _chat(ctx, account="tianqi-health")
    assert chat.say("遇到个问题").kind == "acknowledged"
    asked = chat.say("遇到个问题，Android 端进房后对方的画面一直黑屏，RTC SDK 2.14.1")
    assert asked.kind == "follow_up", asked.text
    assert "遇到个问题" not in asked.text and "进房后对方的画面一直黑屏" in asked.text


@pytest.mark.parametrize(
    ("account", "report", "ask"),
    [
        ("acme-games", "Remote video stays black on Android 14 after joining, SDK 2.14.1",
         "any update?"),
        ("tianqi-health", "Android 端进房后对方画面一直黑屏，SDK 2.14.1，Android 14", "进展如何？"),
    ],
)  # fmt: skip
def test_asking_for_news_before_the_report_is_filed_says_it_is_not_a_ticket_yet(
    ctx: AppContext, account: str, report: str, ask: str
) -> None:
    chat = _chat(ctx, account=account)
    assert chat.say(report).kind == "follow_up"
    status = chat.say(ask)
    assert status.kind == "status" and "go_ahead" in status.actions, status.text
    assert status.missing and (
        "not a ticket yet" in status.text or "还没有提交成工单" in status.text
    )
    assert ctx.tickets.query() == []


def test_a_failure_told_to_ask_where_to_get_something_is_a_question(ctx: AppContext) -> None:
    chat = _chat(ctx, account="tianqi-health")
    assert chat.say("屏幕共享开启没有回调").kind == "follow_up"
    asked = chat.say(
        "我在 Web 端调用 startScreenShare 以后一直没有任何反应，文档里只写了成功的回调。"
        "应该从哪里拿到失败的原因？"
    )
    assert asked.kind in ("answer", "handoff"), asked.text
    assert "go_ahead" not in asked.actions
    assert ctx.tickets.query() == []


def test_versions_and_device_after_a_how_to_answer_make_it_a_report(ctx: AppContext) -> None:
    chat = _chat(ctx, FakeAnswerer(DOCS))
    assert chat.say("Peer connection goes to failed state after 20 seconds").kind == "follow_up"
    assert chat.say("How do I configure a TURN relay for it?").kind == "answer"
    report = chat.say(
        "The relay is configured and it still fails: Android 14, Pixel 8, RTC SDK 2.14.1. "
        "Logcat: E/PeerConnection: ICE state FAILED"
    )
    assert report.kind in ("follow_up", "ticket_opened"), report.text


def test_a_web_report_with_its_browser_version_is_not_asked_for_the_os_again(
    ctx: AppContext,
) -> None:
    chat = _chat(ctx)
    first = chat.say(
        "In our web app the typing indicator is not shown after a reconnect, Chat SDK 4.2.3, "
        "Firefox 121"
    )
    assert first.kind == "follow_up", first.text
    assert "os_version" not in first.missing, first.missing


def test_steps_told_as_what_they_do_are_the_reproduction(ctx: AppContext) -> None:
    chat = _chat(ctx)
    first = chat.say(
        "Our Android app freezes for tablet users when they rotate the screen during a call, "
        "RTC SDK 2.14.1 on Android 13"
    )
    assert first.kind == "follow_up", first.text
    assert "repro_steps" not in first.missing, first.missing


@pytest.mark.parametrize(
    ("account", "report", "solved", "said"),
    [
        ("acme-games",
         "The app crashes when leaving a room on iOS 17, RTC SDK 2.15.0, iPhone 13. "
         "Steps: join, enable the camera, tap leave.",
         "it's fixed now after upgrading to 2.15.1, you can close it", "solved"),
        ("tianqi-health", "iOS 端进房后黑屏，SDK 2.14.1，iOS 17.4，iPhone 14，每次必现",
         "问题已经解决了，可以关闭工单", "已解决"),
    ],
)  # fmt: skip
def test_solved_on_a_followed_ticket_is_told_to_its_engineer(
    ctx: AppContext, account: str, report: str, solved: str, said: str
) -> None:
    chat = _chat(ctx, account=account)
    chat.say(report)
    opened = chat.say("", action="go_ahead")
    assert opened.ticket is not None, opened.text
    ticket = ctx.tickets.get(opened.ticket.key)
    before = len(ctx.tickets.events(ticket.id))
    reply = chat.say(solved)
    assert reply.kind == "ticket_updated" and said in reply.text, reply.text
    assert "logs" not in reply.text and "日志" not in reply.text, "nothing asked of a solved issue"
    events = ctx.tickets.events(ticket.id)
    assert len(events) > before and solved in (events[-1].body or "")


def test_that_helped_after_a_docs_answer_is_not_noted_on_the_ticket(ctx: AppContext) -> None:
    chat = _chat(ctx)
    chat.say("The app crashes on join on Android 14, RTC SDK 2.14.1, Pixel 8, every time")
    opened = chat.say("", action="go_ahead")
    assert opened.ticket is not None
    ticket = ctx.tickets.get(opened.ticket.key)
    assert chat.say("How do I renew an expired token?").kind == "answer"
    before = len(ctx.tickets.events(ticket.id))
    assert chat.say("that helped, thanks").kind == "acknowledged"
    assert len(ctx.tickets.events(ticket.id)) == before


@pytest.mark.parametrize(
    ("account", "text"),
    [
        ("acme-games", "TURN allocation error when a call starts, what am I doing wrong?"),
        ("tianqi-health", "部署中继服务器报错 connection refused，怎么解决"),
        ("tianqi-health", "调用中继接口一直返回 403 是什么原因"),
    ],
)  # fmt: skip
def test_an_error_asked_about_is_answered_from_the_docs_first(
    ctx: AppContext, account: str, text: str
) -> None:
    chat = _chat(ctx, FakeAnswerer(DOCS), account=account)
    reply = chat.say(text)
    assert reply.kind == "answer", reply.text
    assert "open_ticket" in reply.actions and "go_ahead" not in reply.actions


def test_an_error_asked_about_with_its_versions_is_a_report(ctx: AppContext) -> None:
    chat = _chat(ctx, FakeAnswerer(DOCS))
    reply = chat.say(
        "Getting a TURN allocation error on Android 14 with RTC SDK 2.14.1, Pixel 8 — "
        "what am I doing wrong?"
    )
    assert reply.kind == "follow_up", reply.text


def test_one_endpoints_500_in_production_is_a_bug_not_an_outage(ctx: AppContext) -> None:
    chat = _chat(ctx, account="tianqi-health")
    first = chat.say("服务端接口返回 500，线上用户改不了昵称")
    assert first.kind == "follow_up", first.text  # a report is taken, not an outage opened
    reply = chat.say("", action="go_ahead")
    assert reply.ticket is not None and reply.ticket.kind == "bug", reply.text
    assert reply.ticket.priority != "P1", reply.ticket.priority_reason


@pytest.mark.parametrize(
    "text",
    ["所有接口都返回 503，线上全部功能都用不了",
     "All of your REST API calls return 503 since 09:40, nothing works in production"],
)  # fmt: skip
def test_every_api_call_failing_is_an_outage(ctx: AppContext, text: str) -> None:
    chat = _chat(ctx, account="tianqi-health" if "接口" in text else "acme-games")
    reply = chat.say(text)
    assert reply.kind == "ticket_opened" and reply.ticket is not None, reply.text
    assert reply.ticket.kind == "outage" and reply.ticket.priority == "P1"


def test_a_chinese_speakers_mixed_message_is_asked_in_chinese(ctx: AppContext) -> None:
    chat = _chat(ctx, account="tianqi-health")
    reply = chat.say("publishTrack 失败 error code NR-3004")
    assert reply.kind == "follow_up" and reply.lang == "zh", reply.text
    assert "麻烦补充" in reply.text and "please send" not in reply.text, reply.text


@pytest.mark.parametrize("text", ["?", "no", "please help, urgent!!", "急急急"])
def test_a_message_that_says_nothing_is_asked_what_it_is_about(ctx: AppContext, text: str) -> None:
    chat = _chat(ctx)
    reply = chat.say(text)
    assert reply.kind == "acknowledged", reply.text
    assert "documentation" not in reply.text and "文档" not in reply.text
    assert chat.say("hi").text != reply.text, "a greeting is welcomed, not asked what about"


def test_every_time_they_do_x_is_the_reproduction_in_chinese(ctx: AppContext) -> None:
    chat = _chat(ctx, account="tianqi-health")
    first = chat.say("Android 端每次切到后台再回来，对方的视频都会黑屏，RTC SDK 2.14.1，Android 14")
    assert first.kind == "follow_up", first.text
    assert "repro_steps" not in first.missing, first.missing


def test_a_chinese_status_lists_the_other_tickets_the_chinese_way(ctx: AppContext) -> None:
    from bot.store.records import NewTicket

    for n in (1, 2):
        ctx.desk.open(
            NewTicket(account_id="tianqi-health", kind="bug", priority="P3",
                      subject=f"同事的工单 {n}", requester="U0OTHER"),
            now=ctx.clock(),
        )  # fmt: skip
    chat = _chat(ctx, account="tianqi-health")
    chat.say("Android 端进房后对方画面一直黑屏，SDK 2.14.1，Android 14")
    status = chat.say("进展如何？")
    assert "您的账户下还有 2 个其他未关闭的工单" in status.text, status.text
    assert "、" in status.text.split("工单：")[-1] and ", SUP" not in status.text
