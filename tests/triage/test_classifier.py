from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("How do I enable noise suppression in the Web SDK?", "question"),
        ("Is it possible to record a single track of a room?", "question"),
        ("请问如何在 Android 上开启美颜？", "question"),
        (
            "App crashes when joining a channel\n\nSDK 4.2.1 on Android 14, "
            "java.lang.NullPointerException: at io.vendor.rtc.Engine.join(Engine.kt:42)",
            "bug",
        ),
        ("Android 端加入频道后崩溃，SDK 版本 4.2.1，必现", "bug"),
        ("Production is down: none of our users can join calls since 10:00 UTC", "outage"),
        ("线上所有用户都无法登录，报错 10010，已经持续半小时", "outage"),
        # every user failing at a basic action is an outage, error code or not
        ("none of our users can log in, every login returns NC-1001", "outage"),
        ("Nobody can join rooms since 10:00, joinRoom fails with NR-2004", "outage"),
        ("Nobody can tell me how to set up push on iOS?", "question"),
        (
            "Feature request: allow custom ringtones\n\nIt would be great to be able to set "
            "a custom ringtone per call.",
            "feature",
        ),
        ("Add an option to hide the participant list", "feature"),
        (
            "We'd like to upgrade our plan to Enterprise — who do we talk to about a quote?",
            "upgrade",
        ),
        ("我们想升级套餐，增加并发配额", "upgrade"),
        ("Any update on SUP-1042?", "status"),
        ("工单 SUP-77 现在进展如何？", "status"),
        ("thanks!", "other"),
        # "X not <done>" states a failure
        ("Expired token not refreshed on startup", "bug"),
        ("Messages not synced after reconnect", "bug"),
        ("The token does not refresh after restart", "bug"),
        ("Is the token refreshed automatically?", "question"),
        # a template's Markdown heading asks nothing: the title before it is the report
        ("Remote video frozen after rejoin. ## What did you do?", "bug"),
        ("## How do I renew the token?", "question"),
    ],
)
def test_kinds(triage: Any, text: str, kind: str) -> None:
    assert triage(text).kind == kind


def test_sdk_upgrade_is_not_a_plan_upgrade(triage: Any) -> None:
    result = triage("After upgrading the SDK to 4.15.1 the build fails with unresolved imports")
    assert result.kind == "bug"


def test_status_returns_ticket_reference(triage: Any) -> None:
    result = triage("what's the status of sup-1042 please")
    assert result.kind == "status"
    assert result.ticket_ref == "SUP-1042"


def test_followup_in_thread_leans_on_context(triage: Any) -> None:
    result = triage(
        "yes, same on 2.3.1",
        context=["Our Android app crashes when a user leaves the room"],
    )
    assert result.kind == "bug"


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "a-" * 200_000,
        "1." * 200_000,
        "[e.g. " * 50_000,
        "E/x: y\n" * 100_000,
        "1" * 200_000,
        "【" * 200_000,
        "【，如" * 60_000,
        "：如" * 100_000,
        "】a / b / c / d\n" * 10_000,
    ],
)
def test_huge_or_pathological_messages_stay_fast(triage: Any, text: str) -> None:
    import time

    start = time.perf_counter()
    result = triage(text)
    assert result.kind in ("bug", "other", "question")
    assert time.perf_counter() - start < 5.0


def test_empty_message_is_invalid_input(triage: Any) -> None:
    from bot.errors import InvalidInput

    with pytest.raises(InvalidInput, match="empty"):
        triage("   ")
