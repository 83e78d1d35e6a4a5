from __future__ import annotations

import pytest

from bot.triage.attachments import read_attachment
from bot.triage.intake import IntakeSession
from bot.triage.offline import OfflineEngine

ENGINE = OfflineEngine()


def test_vague_start_ends_in_complete_ticket() -> None:
    session = IntakeSession(tier="pro")
    first = session.step("hi, our video calls are broken", engine=ENGINE)
    assert first.action == "ask"
    assert first.kind == "bug"
    assert first.message is not None
    assert {"sdk_version", "platform", "logs"} <= set(first.missing)
    assert "collect-logs" in first.message

    # the app stores the session between messages
    session = IntakeSession.from_json(session.to_json())
    log = read_attachment(
        "logcat.txt",
        b"2024-05-01 12:00:02.001 E/RtcEngine: onError code=1501 token=abcdefghijklmnop\n",
    )
    second = session.step(
        "Android app, SDK 2.3.1 on Android 14 (Pixel 7). Steps: 1. join a room "
        "2. remote user publishes video 3. remote video stays black. Log attached.",
        engine=ENGINE,
        attachments=[log],
    )
    assert second.action == "open"
    assert second.fields.sdk_version == "2.3.1"
    assert second.fields.platform == "Android"
    assert second.fields.os_version == "Android 14"
    assert second.fields.logs and "onError code=1501" in second.fields.logs
    assert "abcdefghijklmnop" not in second.fields.logs
    assert second.missing == []
    assert second.priority in ("P2", "P3")
    assert second.fields.summary == "our video calls are broken"  # the greeting says nothing

    third = session.step("also happens on iOS", engine=ENGINE)
    assert third.action == "update"


def test_user_who_refuses_logs_is_respected() -> None:
    session = IntakeSession()
    first = session.step("The iOS app crashes when I tap leave. SDK 4.1.0, iOS 17.4", engine=ENGINE)
    assert first.action == "ask"
    assert first.missing == ["logs"]
    second = session.step("Sorry, I can't share logs from our customers' devices", engine=ENGINE)
    assert second.action == "open"
    assert "logs" in session.declined
    assert second.missing == ["logs"]  # marked missing on the ticket, never asked again


def test_chinese_user_without_logs() -> None:
    session = IntakeSession()
    first = session.step("安卓端加入房间后闪退，SDK 版本 5.1.2", engine=ENGINE)
    assert first.action == "ask"
    assert first.message is not None and "日志" in first.message
    second = session.step("没有日志，系统是 Android 13", engine=ENGINE)
    assert second.action == "open"
    assert second.fields.os_version == "Android 13"


def test_go_ahead_anyway_opens_with_missing_marked() -> None:
    session = IntakeSession()
    assert session.step("Push notifications stopped arriving", engine=ENGINE).action == "ask"
    decision = session.step("just open it please", engine=ENGINE, go_ahead=True)
    assert decision.action == "open"
    assert "sdk_version" in decision.missing


def test_never_more_than_two_rounds_and_never_reasks_given_fields() -> None:
    session = IntakeSession()
    first = session.step("Something is wrong with the chat", engine=ENGINE)
    assert first.action == "ask" and first.rounds == 1
    second = session.step("It's on Android", engine=ENGINE)
    assert second.action == "ask" and second.rounds == 2
    assert second.message is not None and "Platform" not in second.message
    third = session.step("ok", engine=ENGINE)
    assert third.action == "open"
    assert third.rounds == 2


def test_outage_opens_at_once_and_asks_in_the_same_message() -> None:
    session = IntakeSession(tier="enterprise")
    decision = session.step(
        "Production is down: none of our users can join calls since 10:00 UTC", engine=ENGINE
    )
    assert decision.action == "open"
    assert decision.kind == "outage"
    assert decision.priority == "P1"
    assert decision.message is not None and "SDK version" in decision.message


def test_facts_from_any_message_are_found_and_never_asked_again() -> None:
    session = IntakeSession()
    first = session.step(
        "Remote video goes black on Android 14 when the app returns", engine=ENGINE
    )
    assert first.action == "ask"
    assert "os_version" not in first.missing and "actual" not in first.missing
    second = session.step("We use SDK 4.2.1", engine=ENGINE)
    assert second.fields.os_version == "Android 14" and second.fields.sdk_version == "4.2.1"
    assert second.message is None or "OS version" not in second.message


def test_i_dont_know_is_an_answer() -> None:
    session = IntakeSession()
    first = session.step("The chat screen freezes on iOS", engine=ENGINE)
    assert first.action == "ask" and "sdk_version" in first.missing
    second = session.step("I don't know, sorry", engine=ENGINE)
    assert second.action == "open"
    assert "sdk_version" in session.declined
    assert "sdk_version" in second.missing, "the ticket still records what it lacks"


@pytest.mark.parametrize(
    ("messages", "subject"),
    [
        (["Hi team, the app crashes when joining a room"], "the app crashes when joining a room"),
        (["**Describe the bug**\nPush stops after 10 minutes"], "Push stops after 10 minutes"),
        (["【当前现象】\n进房后对方听不到声音"], "进房后对方听不到声音"),
        (["你好，安卓端推送收不到"], "安卓端推送收不到"),
        (["Firebase crash. ## What did you do?"], "Firebase crash."),
        (["紧急：线上所有用户都登录不上了"], "线上所有用户都登录不上了"),
        (
            ["Hide the title bar. **Is your feature request related to a problem?"],
            "Hide the title bar.",
        ),
        (["App crashes on latest version 4.4.2. 1."], "App crashes on latest version 4.4.2."),
        (["The app crashes on Android 7."], "The app crashes on Android 7."),
        # a template cut off after the title: "【Android】-【4." is no part of the problem
        (["【问题】：推送收不到. 【Android】-【4."], "推送收不到."),
    ],
)
def test_the_subject_is_the_problem_never_a_greeting_or_a_heading(
    messages: list[str], subject: str
) -> None:
    session = IntakeSession()
    for text in messages:
        session.step(text, engine=ENGINE)
    assert session.subject == subject


def test_transcript_is_redacted_and_session_round_trips() -> None:
    session = IntakeSession()
    session.step("crash, my email is jane@example.com token=abcdefghijklmnop", engine=ENGINE)
    stored = session.to_json()
    assert "jane@example.com" not in stored and "abcdefghijklmnop" not in stored
    assert IntakeSession.from_json(stored) == session


def test_bug_decisions_carry_a_known_issue_lookup_query() -> None:
    decision = IntakeSession().step(
        "Android app crashes on join with java.lang.IllegalStateException, SDK 2.3.1", engine=ENGINE
    )
    assert decision.lookup_query is not None
    assert "2.3.1" in decision.lookup_query
    assert "java.lang.IllegalStateException" in decision.lookup_query
