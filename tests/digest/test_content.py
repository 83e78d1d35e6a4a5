"""The digest of one CSM on a given day: exactly the expected items, nothing from others."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.context import AppContext
from bot.digest import build_digest, render_blocks, render_html, render_markdown
from bot.digest.model import Digest, TicketItem
from bot.errors import NotFound
from bot.store.notifications import EscalationStep
from tests.digest.conftest import D, H, open_ticket

# Wednesday 2026-11-18 09:00 in Shanghai: csm-wang's digest time.
AS_OF = dt.datetime(2026, 11, 18, 1, 0, tzinfo=dt.UTC)
PREVIOUS = dt.datetime(2026, 11, 17, 1, 0, tzinfo=dt.UTC)


def _seed(ctx: AppContext) -> dict[str, str]:
    """The scenario; returns ticket keys by role."""
    keys = {}
    # acme-games: a P1 outage 5 h old, nobody answered; its first response breached.
    outage = open_ticket(
        ctx, "acme-games", at=AS_OF - 5 * H, priority="P1", kind="outage",
        subject="Production login fails", fr_hours=1, res_hours=8, channel="slack",
        channel_ref="C0ACMEGAMES",
    )  # fmt: skip
    ctx.notifications.fire(
        EscalationStep(
            outage.id, "first_response", 2, 0.8, AS_OF - 4.2 * H, ["csm-wang", "eng-chen"]
        ),
        [], now=AS_OF - 4.2 * H, late=False,
    )  # fmt: skip
    keys["outage"] = outage.key
    # acme-games: an older bug, answered, whose resolution is due in 12 h (at risk).
    risky = open_ticket(
        ctx, "acme-games", at=AS_OF - 2 * D, priority="P3", fr_hours=4, res_hours=60
    )
    risky = ctx.desk.acknowledge(risky, agent="eng-chen", now=risky.opened_at + H)
    risky = ctx.desk.agent_reply(risky, agent="eng-chen", body="on it", now=risky.opened_at + H)
    ctx.notifications.fire(
        EscalationStep(
            risky.id, "resolution", 1, 0.5, risky.opened_at + 30 * H, ["eng-chen", "C0ESCALATE"]
        ),
        [], now=risky.opened_at + 30 * H, late=True,
    )  # fmt: skip
    keys["risky"] = risky.key
    # acme-games: opened in the window; the customer's reply 6 h ago is unanswered.
    waiting = open_ticket(ctx, "acme-games", at=AS_OF - 20 * H, priority="P2", fr_hours=4,
                          res_hours=48)  # fmt: skip
    waiting = ctx.desk.acknowledge(waiting, agent="eng-li", now=AS_OF - 19 * H)
    waiting = ctx.desk.wait_on_customer(waiting, agent="eng-li", now=AS_OF - 18 * H, body="logs?")
    waiting = ctx.desk.customer_reply(waiting, author="U9", body="here", now=AS_OF - 6 * H)
    keys["waiting"] = waiting.key
    # pixelpals: an upgrade request under review, and a bug resolved in the window.
    upgrade = open_ticket(ctx, "pixelpals", at=AS_OF - 30 * D, priority="P4", kind="upgrade",
                          subject="Move to Pro")  # fmt: skip
    upgrade = ctx.desk.agent_reply(upgrade, agent="csm-wang", body="sure", now=AS_OF - 29 * D)
    upgrade = ctx.desk.set_stage(upgrade, stage="reviewing", by="csm-wang", now=AS_OF - 28 * D)
    keys["upgrade"] = upgrade.key
    fixed = open_ticket(ctx, "pixelpals", at=AS_OF - 3 * D, priority="P3", fr_hours=8,
                        subject="Late fix")  # fmt: skip
    fixed = ctx.desk.agent_reply(fixed, agent="eng-park", body="fixed", now=AS_OF - 2 * D)
    fixed = ctx.desk.resolve(fixed, by="eng-park", now=AS_OF - 10 * H)
    keys["fixed"] = fixed.key
    # tianqi-health: one old ticket, answered, nothing new -> a quiet account.
    old = open_ticket(ctx, "tianqi-health", at=AS_OF - 10 * D, priority="P4", res_hours=24 * 15)
    old = ctx.desk.agent_reply(old, agent="eng-li", body="noted", now=AS_OF - 10 * D + H)
    keys["old"] = old.key
    # Another CSM's account, and a ticket after the digest time: neither may appear.
    keys["streamly"] = open_ticket(ctx, "streamly", at=AS_OF - H, priority="P1", fr_hours=0.5).key
    keys["later"] = open_ticket(ctx, "acme-games", at=AS_OF + H, priority="P1").key
    ctx.gaps.record("Is there a Unity SDK?", now=AS_OF - 2 * H, channel="web",
                    account_id="acme-games")  # fmt: skip
    ctx.gaps.record("Old question", now=AS_OF - 2 * D, channel="web", account_id="acme-games")
    ctx.gaps.record("WebTransport?", now=AS_OF - H, channel="web", account_id="streamly")
    ctx.daily_runs.claim("csm-wang", dt.date(2026, 11, 17), now=PREVIOUS)
    return keys


def _keys(items: tuple[TicketItem, ...]) -> list[str]:
    return [i.key for i in items]


def _digest(ctx: AppContext) -> tuple[Digest, dict[str, str]]:
    keys = _seed(ctx)
    digest = build_digest(ctx, "csm-wang", as_of=AS_OF, day=dt.date(2026, 11, 18), language="en")
    return digest, keys


def test_the_digest_holds_exactly_the_expected_items(desk_ctx: AppContext) -> None:
    digest, k = _digest(desk_ctx)
    assert digest.since == PREVIOUS, "the window starts at the previous digest"
    # Riskiest first: Acme has a breach and a clock at risk; PixelPals only news.
    assert [a.account_id for a in digest.accounts] == ["acme-games", "pixelpals", "tianqi-health"]
    acme, pixel, tianqi = digest.accounts

    assert _keys(acme.opened) == [k["waiting"], k["outage"]]
    assert _keys(acme.resolved) == []
    assert _keys(acme.breached) == [k["outage"]]
    # Who was told: the 80% step's CSM and on-call engineer (named by the renderers).
    assert acme.breached[0].escalations == ("csm-wang", "eng-chen")
    assert acme.breached[0].clock == "first_response"
    assert acme.breached[0].due_at == AS_OF - 4 * H
    assert _keys(acme.at_risk) == [k["risky"]]
    assert acme.at_risk[0].due_at == AS_OF + 12 * H
    assert acme.at_risk[0].escalations == ("eng-chen", "C0ESCALATE")
    assert digest.recipients["C0ESCALATE"] == "the escalation channel"
    assert _keys(acme.p1) == [k["outage"]]
    assert _keys(acme.unanswered) == [k["waiting"], k["outage"]]
    assert acme.unanswered[0].waiting_since == AS_OF - 6 * H
    assert [g.question for g in acme.gaps] == ["Is there a Unity SDK?"]
    assert [(p.priority, p.count, p.next_due_key) for p in acme.open_by_priority] == [
        ("P1", 1, k["outage"]), ("P2", 1, k["waiting"]), ("P3", 1, k["risky"]),
    ]  # fmt: skip
    assert (acme.trend.this_week, acme.trend.last_week) == (3, 0)

    assert _keys(pixel.resolved) == [k["fixed"]]
    assert _keys(pixel.upgrades) == [k["upgrade"]] and pixel.upgrades[0].stage == "reviewing"
    assert _keys(pixel.opened) == [] and _keys(pixel.breached) == []

    assert tianqi.quiet and not acme.quiet and not pixel.quiet
    assert tianqi.open_count == 1 and (tianqi.trend.this_week, tianqi.trend.last_week) == (0, 1)


def test_nothing_from_other_csms_accounts_or_after_the_digest_time(desk_ctx: AppContext) -> None:
    digest, k = _digest(desk_ctx)
    markdown = render_markdown(digest)
    html = render_html(digest)
    for key in (k["streamly"], k["later"]):
        assert key not in markdown and key not in html
    assert "WebTransport" not in markdown and "Old question" not in markdown
    for key in (k["outage"], k["risky"], k["waiting"], k["upgrade"], k["fixed"]):
        assert key in markdown


def test_markdown_links_each_item_and_collapses_quiet_accounts(desk_ctx: AppContext) -> None:
    digest, k = _digest(desk_ctx)
    markdown = render_markdown(digest)
    # Every link opens the staff ticket page, Slack tickets too.
    assert f"[{k['outage']}](http://127.0.0.1:8000/staff/tickets/{k['outage']})" in markdown
    assert f"[{k['risky']}](http://127.0.0.1:8000/staff/tickets/{k['risky']})" in markdown
    assert "Quiet: Tianqi Health (1 open)" in markdown
    assert f"{k['fixed']}) P3 Late fix — bug, after its first response SLA breached" in markdown
    assert "## Tianqi Health" not in markdown
    assert "3 tickets in the last 7 days, 3 more than the 7 days before (0)" in markdown
    # One short line per breach: the clock, how late, who was told.
    assert "first response overdue 4 h; told Wang Fang, Chen Hao" in markdown
    # Times are in the CSM's zone: the risky ticket is due 21:00 Shanghai.
    assert "resolution due Wed 18 Nov 21:00 (in 12 h)" in markdown
    assert markdown.index("## Acme Games") < markdown.index("## PixelPals Studio")


def test_html_escapes_customer_text(desk_ctx: AppContext) -> None:
    open_ticket(desk_ctx, "acme-games", at=AS_OF - H, subject="<script>alert(1)</script>")
    html = render_html(build_digest(desk_ctx, "csm-wang", as_of=AS_OF))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_without_a_previous_digest_the_window_is_24_hours(desk_ctx: AppContext) -> None:
    digest = build_digest(desk_ctx, "csm-miller", as_of=AS_OF)
    assert digest.since == AS_OF - D
    assert digest.day == dt.date(2026, 11, 17), "20:00 on the 17th in New York"
    assert [a.account_id for a in digest.accounts] == ["streamly"]


def test_unknown_csm_is_not_found(desk_ctx: AppContext) -> None:
    with pytest.raises(NotFound):
        build_digest(desk_ctx, "eng-chen", as_of=AS_OF)


def test_empty_clocks_are_fine(ctx: AppContext) -> None:
    """With no SLA keeper at all, tickets still show up (no due times, no breaches)."""
    from bot.desk import NoClocks

    ctx.desk.keeper = NoClocks()
    ticket = open_ticket(ctx, "acme-games", at=AS_OF - 2 * H, priority="P1")
    digest = build_digest(ctx, "csm-wang", as_of=AS_OF, language="en")
    acme = next(a for a in digest.accounts if a.account_id == "acme-games")
    assert _keys(acme.p1) == [ticket.key] and acme.breached == () and acme.at_risk == ()
    assert acme.open_by_priority[0].next_due is None
    assert "P1: 1 open" in render_markdown(digest)


def test_with_the_real_sla_keeper(ctx: AppContext) -> None:
    """The organisation's own policy: Acme's contract gives P1s a 15-minute response (24x7)."""
    outage = open_ticket(ctx, "acme-games", at=AS_OF - H, priority="P1", kind="outage")
    answered = open_ticket(ctx, "acme-games", at=AS_OF - 2 * H, priority="P2")
    ctx.desk.acknowledge(
        answered, agent="eng-chen", now=AS_OF - 2 * H + 10 * dt.timedelta(minutes=1)
    )
    digest = build_digest(ctx, "csm-wang", as_of=AS_OF)
    acme = next(a for a in digest.accounts if a.account_id == "acme-games")
    assert _keys(acme.breached) == [outage.key]
    assert acme.breached[0].clock == "first_response"
    assert acme.breached[0].due_at == outage.opened_at + dt.timedelta(minutes=15)
    assert answered.key not in _keys(acme.breached)
    assert _keys(acme.at_risk) == [answered.key], "its 8-hour resolution clock runs out today"


def test_each_ticket_is_listed_once_in_its_most_urgent_section(desk_ctx: AppContext) -> None:
    digest, k = _digest(desk_ctx)
    markdown = render_markdown(digest)
    # The outage is breached, a P1, opened in the window and waiting on us: listed once.
    assert markdown.count(f"[{k['outage']}]") == 1
    breached = markdown.index("**Breached**")
    assert breached < markdown.index(f"[{k['outage']}]") < markdown.index("**At risk")
    blocks = json.dumps([p.blocks for p in render_blocks(digest)])
    assert blocks.count(f"|{k['outage']}>") == 1


def test_slack_tickets_link_their_thread_as_well_as_the_staff_page(desk_ctx: AppContext) -> None:
    from bot.store.slack_posts import CARD, SlackPostStore

    ticket = open_ticket(desk_ctx, "acme-games", at=AS_OF - H, priority="P1", channel="slack",
                         channel_ref="C0ACMEGAMES")  # fmt: skip
    link = "https://nimbus.slack.com/archives/C0ACMEGAMES/p1700000000000100"
    SlackPostStore(desk_ctx.db).record(
        channel="C0ACME-INT", ts="1.2", kind=CARD, now=AS_OF - H, ticket_id=ticket.id,
        payload={"kind": "new_ticket", "ticket": ticket.key, "thread_url": link},
    )  # fmt: skip
    digest = build_digest(desk_ctx, "csm-wang", as_of=AS_OF, language="en")
    markdown = render_markdown(digest)
    assert f"[{ticket.key}](http://127.0.0.1:8000/staff/tickets/{ticket.key})" in markdown
    assert f"[thread]({link})" in markdown
    assert f"<{link}|thread>" in json.dumps([p.blocks for p in render_blocks(digest)])
