from __future__ import annotations

import pytest

from bot.triage.numbering import one_per_line, through_last_step


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        (
            "1. join a room with 2 users 2. press home 3. reopen on SDK 4.3.0",
            ["1. join a room with 2 users", "2. press home", "3. reopen on SDK 4.3.0"],
        ),
        ("1、进房；2、退出；3、崩溃", ["1. 进房；", "2. 退出；", "3. 崩溃"]),
        # "1." cut off with the "Steps:" label: 2 and 3 must both follow
        ("两台手机进房 2. 切到后台 3. 画面定格", ["1. 两台手机进房", "2. 切到后台", "3. 画面定格"]),
        ("1) open 2) close", ["1. open", "2. close"]),
    ],
)
def test_inline_steps_go_one_per_line(text: str, lines: list[str]) -> None:
    assert one_per_line(text).split("\n") == lines


@pytest.mark.parametrize(
    "text",
    [
        "1. upgrade to 4.3.0 and join",  # one step, a version inside
        "join with 2. users",  # no run of numbers
        "1. a\n2. b",  # already a list
        "we upgraded to 4.3.0 2 days ago",
    ],
)
def test_anything_else_is_left_as_written(text: str) -> None:
    assert one_per_line(text) == text


def test_empty_and_huge_text() -> None:
    assert one_per_line("") == ""
    steps = " ".join(f"{n}. step" for n in range(1, 100)) * 50  # numbers restart: one run only
    lines = one_per_line(steps).split("\n")
    assert lines[0] == "1. step" and len(lines) == 99


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        (
            "1. 加入房间 2. 点击离开 3. 闪退。线上 30% 用户受影响，日志暂时拿不到",
            "1. 加入房间 2. 点击离开 3. 闪退",
        ),
        (
            "1. join a room 2. tap leave 3. it crashes. 30% of our production users are affected",
            "1. join a room 2. tap leave 3. it crashes",
        ),
        # A call's dot is not a sentence's end; a last step that ends the text stays whole.
        ("1. join 2. call room.leave() 3. crash", "1. join 2. call room.leave() 3. crash"),
        ("1. join 2. leave 3. crash.", "1. join 2. leave 3. crash."),
        # Not steps: nothing is cut.
        ("Use SDK 4.3.0. It fails. 30% of users.", "Use SDK 4.3.0. It fails. 30% of users."),
    ],
)
def test_inline_steps_end_with_the_last_steps_sentence(text: str, steps: str) -> None:
    assert through_last_step(text) == steps
