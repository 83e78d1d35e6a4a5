"""The ticket's written-out report says each thing once."""

from __future__ import annotations

from bot.conversation.summary import report_body
from bot.triage.extractor import extract


def test_the_actual_behaviour_is_not_the_problem_again() -> None:
    # Found on a Chinese ticket page: 实际现象 repeated 问题 with the versions after it.
    text = (
        "我们的 Android 应用退出房间时崩溃了，SDK 2.14.2，Android 14，小米 13。步骤：1. 加入房间 "
        "2. 点击离开 3. 闪退"
    )
    fields = extract(text)
    body = report_body(fields, subject=fields.summary or "", lang="zh")
    assert body.startswith("**问题:** 我们的 Android 应用退出房间时崩溃了")
    assert "实际现象" not in body
    assert "1. 加入房间\n2. 点击离开\n3. 闪退" in body
    other = extract("Video freezes after a reconnect. Actual: the remote tile stays black")
    assert "**What happens:** the remote tile stays black" in report_body(
        other, subject=other.summary or ""
    )


def test_other_open_tickets_are_said_to_be_the_accounts() -> None:
    # They include colleagues' tickets: "You also have 9 other open tickets" was not true.
    from bot.conversation.texts import say

    assert say("status_others", "en", n=2, keys="SUP-1, SUP-2").startswith("Your account also")
    assert say("status_others", "zh", n=2, keys="SUP-1, SUP-2").startswith("您的账户下还有")
