"""Block Kit pages stay within Slack's limits, and long digests paginate."""

from __future__ import annotations

import datetime as dt

from bot.digest import render_blocks
from bot.digest.blocks import MAX_BLOCKS, MAX_HEADER, MAX_TEXT, SlackPage
from bot.digest.model import AccountDigest, Digest, PriorityLine, TicketItem, Trend
from bot.digest.sections import SECTION_LIMIT

AS_OF = dt.datetime(2026, 11, 18, 1, 0, tzinfo=dt.UTC)


def _item(n: int, subject: str = "Crash on leave") -> TicketItem:
    return TicketItem(
        key=f"SUP-{n}", subject=subject, priority="P2", status="open", stage="new", kind="bug",
        url=f"http://x/tickets/SUP-{n}", opened_at=AS_OF, due_at=AS_OF + dt.timedelta(hours=3),
        clock="resolution",
    )  # fmt: skip


def _digest(accounts: list[AccountDigest], name: str = "Wang Fang") -> Digest:
    return Digest(
        csm_id="csm-wang", csm_name=name, timezone="Asia/Shanghai", day=dt.date(2026, 11, 18),
        as_of=AS_OF, since=AS_OF - dt.timedelta(days=1), unanswered_hours=4,
        accounts=tuple(accounts),
    )  # fmt: skip


def _check_limits(pages: list[SlackPage]) -> None:
    for page in pages:
        assert len(page.blocks) <= MAX_BLOCKS
        assert page.blocks[0]["type"] == "header"
        assert len(page.blocks[0]["text"]["text"]) <= MAX_HEADER
        for block in page.blocks:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= MAX_TEXT
            if block["type"] == "context":
                assert all(len(e["text"]) <= MAX_TEXT for e in block["elements"])


def test_a_small_digest_is_one_message() -> None:
    account = AccountDigest("acme", "Acme", "enterprise", opened=(_item(1),), trend=Trend(1, 0))
    pages = render_blocks(_digest([account]))
    assert len(pages) == 1
    _check_limits(pages)
    assert "<http://x/tickets/SUP-1|SUP-1>" in str(pages[0].blocks)
    assert pages[0].payload()["text"].startswith("Morning digest for Wang Fang")


def test_many_accounts_paginate_within_fifty_blocks() -> None:
    accounts = [
        AccountDigest(
            f"a{n}",
            f"Account {n}",
            "pro",
            opened=(_item(n),),
            resolved=(_item(n + 1000),),
            breached=(_item(n + 2000),),
            p1=(_item(n + 3000),),
            open_by_priority=(PriorityLine("P2", 2, AS_OF, f"SUP-{n}"),),
        )
        for n in range(40)
    ]
    pages = render_blocks(_digest(accounts))
    assert len(pages) > 1
    _check_limits(pages)
    headers = [p.blocks[0]["text"]["text"] for p in pages]
    assert headers[0].endswith(f"(1/{len(pages)})") and headers[-1].endswith(
        f"({len(pages)}/{len(pages)})"
    )
    text = " ".join(str(p.blocks) for p in pages)
    assert all(f"Account {n} (Pro)" in text for n in range(40)), "nothing is lost"
    # An account's blocks are not split across messages when they fit on one page.
    for page in pages:
        body = str(page.blocks[2])
        assert "Account" in body


def test_a_huge_section_splits_into_blocks_under_the_text_limit() -> None:
    items = tuple(_item(n, subject="x" * 900) for n in range(SECTION_LIMIT))
    pages = render_blocks(_digest([AccountDigest("acme", "Acme", "enterprise", opened=items)]))
    _check_limits(pages)
    text = " ".join(str(p.blocks) for p in pages)
    assert all(f"|SUP-{n}>" in text for n in range(SECTION_LIMIT))
    # Subjects are clipped (90 characters), so even eight 900-character ones fit one block.
    assert "x" * 90 not in text and text.count("x" * 89 + "…") == SECTION_LIMIT


def test_customer_text_cannot_inject_slack_markup() -> None:
    evil = _item(1, subject="<!channel> <https://evil|click> & co")
    pages = render_blocks(_digest([AccountDigest("acme", "Acme", "enterprise", opened=(evil,))]))
    text = str(pages[0].blocks)
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text and "&amp; co" in text


def test_an_overlong_name_keeps_the_header_within_limits() -> None:
    pages = render_blocks(_digest([], name="N" * 300))
    _check_limits(pages)
    assert "No accounts are assigned to you." in str(pages[0].blocks)
