from __future__ import annotations

import pytest

from bot.web.reasons import reason_in


@pytest.mark.parametrize(
    ("reason", "chinese"),
    [
        (
            "crash, core feature broken, regression (pro plan)",
            "崩溃，核心功能不可用，版本回归（专业版）",
        ),
        ("cosmetic, warning or docs (basic plan)", "界面、警告或文档问题（基础版）"),
        ("other: no fault reported (free plan)", "未报告故障（免费版）"),
        (
            "feature request for a failing use case (pro plan)",
            "功能需求（现有用法行不通）（专业版）",
        ),
    ],
)
def test_triage_reasons_read_in_chinese(reason: str, chinese: str) -> None:
    assert reason_in(reason, "zh") == chinese
    assert reason_in(reason, "en") == reason


def test_a_reason_a_person_typed_stays_as_written() -> None:
    typed = "customer says the crash blocks their launch"
    assert reason_in(typed, "zh") == typed


def test_no_reason_stays_empty() -> None:
    assert reason_in("", "zh") == ""
