from __future__ import annotations

from typing import Any

import pytest

from bot.triage.priority import prioritise


@pytest.mark.parametrize(
    ("text", "kind", "priority"),
    [
        ("Production is down, none of our users can connect", "outage", "P1"),
        ("Messages are lost after reconnect: data loss for our customers", "bug", "P1"),
        ("Security: the access token is leaked in the debug log", "bug", "P1"),
        ("App crashes on launch every time after upgrading to 4.4.2", "bug", "P1"),
        ("The app crashes when leaving a room on some devices", "bug", "P2"),
        ("After updating the SDK the screen share button does nothing", "bug", "P2"),
        ("Video freezes sometimes; restarting the call is a workaround", "bug", "P3"),
        ("The avatar spacing in the message list is off by 2px", "bug", "P4"),
        ("How do I mute a remote participant?", "question", "P4"),
        ("Please add support for custom emoji", "feature", "P4"),
    ],
)
def test_severity(text: str, kind: str, priority: str) -> None:
    assert prioritise(text, kind=kind, tier="pro").priority == priority  # type: ignore[arg-type]


def test_enterprise_production_moves_up_one_level() -> None:
    text = "In production the remote video is black for some users"
    assert prioritise(text, kind="bug", tier="pro").priority == "P2"
    enterprise = prioritise(text, kind="bug", tier="enterprise")
    assert enterprise.priority == "P1"
    assert "enterprise" in enterprise.reason


def test_free_tier_has_no_p1_without_security_or_data_loss() -> None:
    text = "All users in production crash on launch"
    assert prioritise(text, kind="bug", tier="free").priority == "P2"
    assert prioritise("token leaked: security issue", kind="bug", tier="free").priority == "P1"


def test_reason_is_one_line_and_names_signals() -> None:
    decision = prioritise("App crashes after upgrading", kind="bug", tier="basic")
    assert "\n" not in decision.reason
    assert (
        "crash" in decision.reason
        and "regression" in decision.reason
        and "basic" in decision.reason
    )


def test_chinese_outage_keywords(triage: Any) -> None:
    result = triage("线上崩溃，所有用户进房间就闪退")
    assert result.kind == "outage"
    assert result.priority == "P1"


def test_chinese_regression_phrasing() -> None:
    decision = prioritise("升级到 4.0 以后 Android 推送收不到了，之前 3.8 一切正常", kind="bug")
    assert decision.priority == "P2"
    assert "regression" in decision.reason
