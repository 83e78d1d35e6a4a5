"""A digest is read in a minute: each section shows its most urgent tickets and counts the rest,
linking the staff queue of that account; nothing else about the digest changes."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from bot.context import AppContext
from bot.digest import build_digest, render_blocks, render_html, render_markdown
from bot.digest.sections import SECTION_LIMIT, account_sections
from bot.web.queue import QueueFilters
from tests.digest.conftest import H, open_ticket
from tests.digest.test_content import AS_OF

QUEUE = "http://127.0.0.1:8000/staff?account=acme-games"
EXTRA = 63


def _crowd(ctx: AppContext) -> dict[str, str]:
    """71 Acme tickets falling due in the next 24 h: two P1s due late, the rest P3s whose due
    times spread over the day; plus one PixelPals ticket at risk."""
    keys = {}
    for n in range(SECTION_LIMIT + EXTRA - 2):
        ticket = open_ticket(ctx, "acme-games", at=AS_OF - 30 * H, subject=f"Crash {n}",
                             res_hours=31 + (n * 22) / (SECTION_LIMIT + EXTRA))  # fmt: skip
        keys[f"p3-{n}"] = ticket.key
    for n in range(2):
        ticket = open_ticket(ctx, "acme-games", at=AS_OF - 30 * H, priority="P1",
                             subject=f"Outage {n}", res_hours=53 - n)  # fmt: skip
        keys[f"p1-{n}"] = ticket.key
    keys["pixel"] = open_ticket(ctx, "pixelpals", at=AS_OF - H, res_hours=5).key
    return keys


def test_a_long_section_shows_the_most_urgent_and_links_the_rest(desk_ctx: AppContext) -> None:
    keys = _crowd(desk_ctx)
    digest = build_digest(desk_ctx, "csm-wang", as_of=AS_OF, language="en")
    acme = digest.accounts[0]
    assert acme.account_id == "acme-games", "still ranked by all 71 at risk, not the 8 shown"
    assert len(acme.at_risk) == SECTION_LIMIT + EXTRA

    at_risk = next(s for s in account_sections(digest, acme) if s.title.startswith("At risk"))
    assert at_risk.total == SECTION_LIMIT + EXTRA and at_risk.more == EXTRA
    # The most urgent: P1s first (the later due of the two last), then the soonest P3s.
    assert [e.key for e in at_risk.entries] == [keys["p1-1"], keys["p1-0"]] + [
        keys[f"p3-{n}"] for n in range(SECTION_LIMIT - 2)
    ]

    markdown = render_markdown(digest)
    assert f"**At risk in the next 24 h** ({SECTION_LIMIT + EXTRA})" in markdown
    assert f"- [… and {EXTRA} more]({QUEUE})" in markdown
    for n in range(SECTION_LIMIT - 2, SECTION_LIMIT + EXTRA - 2):
        assert f"[{keys[f'p3-{n}']}]" not in markdown, "each ticket once: not listed elsewhere"
    assert f'<a href="{QUEUE}">… and {EXTRA} more</a>' in render_html(digest)
    blocks = json.dumps([p.blocks for p in render_blocks(digest)], ensure_ascii=False)
    assert f"<{QUEUE}|… and {EXTRA} more>" in blocks
    assert blocks.count("/staff/tickets/") < 20, "a phone-sized message"


def test_the_link_opens_the_queue_filtered_to_that_account(desk_ctx: AppContext) -> None:
    _crowd(desk_ctx)
    digest = build_digest(desk_ctx, "csm-wang", as_of=AS_OF, language="en")
    section = account_sections(digest, digest.accounts[0])[0]
    assert section.more_url is not None
    url = urlsplit(section.more_url)
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert url.path == "/staff" and QueueFilters.from_params(params).account == "acme-games"


def test_short_sections_have_no_more_line_and_chinese_says_it_in_chinese(
    desk_ctx: AppContext,
) -> None:
    _crowd(desk_ctx)
    digest = build_digest(desk_ctx, "csm-wang", as_of=AS_OF)
    markdown = render_markdown(digest)
    assert f"- [… 另有 {EXTRA} 项]({QUEUE})" in markdown
    assert markdown.count("另有") == 1, "PixelPals' one ticket needs no link"
