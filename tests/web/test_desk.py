"""The staff desk and the customer list over HTTP: search, views, bulk actions, the summary,
duplicates and merge, knowledge-gap actions, analytics range and CSV, staff wording."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import yaml

from bot.context import AppContext
from bot.store.records import NewTicket, Ticket
from tests.conftest import NOW
from tests.web.conftest import ClientFactory


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert match
    return match.group(1)


def _keys(html: str) -> list[str]:
    return re.findall(r'<tr class="[^"]*" data-key="([^"]+)"', html)


def _open(
    ctx: AppContext, account: str, subject: str, *, at: dt.datetime = NOW, **extra: object
) -> Ticket:
    new = NewTicket(
        account_id=account, kind=str(extra.pop("kind", "bug")),
        priority=str(extra.pop("priority", "P3")), subject=subject,
        requester=f"dev@{account}", **extra,  # type: ignore[arg-type]
    )  # fmt: skip
    return ctx.desk.open(new, now=at)


def test_queue_search_finds_key_subject_account_and_conversation_text(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    a = _open(web_ctx, "acme-games", "Voice drops in eu-west rooms")
    b = _open(web_ctx, "streamly", "Screen share freezes")
    c = _open(web_ctx, "pixelpals", "Login fails", body="We see error NR-2004 on every login")
    staff = clients(staff=True)

    def found(q: str) -> list[str]:
        return _keys(staff.get("/staff", params={"q": q}).text)

    assert found(a.key) == [a.key]
    assert found(b.key.split("-")[1]) == [b.key]  # the number alone
    assert found("freezes") == [b.key]
    assert found("acme games") == [a.key]  # the account's name
    assert found("nr-2004") == [c.key]  # something said in the conversation
    assert found("nothing like this") == []


def test_quick_views_and_filters_live_in_the_url(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    mine = _open(web_ctx, "acme-games", "Mine", assignee_id="mgr-lin")
    other = _open(web_ctx, "acme-games", "Someone else's", assignee_id="eng-li")
    nobody = _open(web_ctx, "streamly", "Nobody's")
    web_ctx.desk.set_stage(other, stage="investigating", by="eng-li", now=NOW)
    staff = clients(staff=True)
    assert _keys(staff.get("/staff", params={"assignee": "me"}).text) == [mine.key]
    assert _keys(staff.get("/staff", params={"assignee": "-"}).text) == [nobody.key]
    assert _keys(staff.get("/staff", params={"stage": "investigating"}).text) == [other.key]
    html = staff.get("/staff").text
    assert 'href="/staff?assignee=me"' in html and 'href="/staff?due=soon"' in html
    # A view keeps its filters in the search form, so searching stays within it.
    html = staff.get("/staff", params={"account": "acme-games"}).text
    assert '<input type="hidden" name="account" value="acme-games">' in html


def test_the_queue_says_which_clock_is_due(clients: ClientFactory, web_ctx: AppContext) -> None:
    now = dt.datetime.now(dt.UTC)
    ticket = _open(web_ctx, "acme-games", "Due soon", at=now)
    html = clients(staff=True).get("/staff").text
    row = html[html.index(f'data-key="{ticket.key}"') :].split("</tr>")[0]
    assert "First response" in row and re.search(r"in 3h (59|58)m", row)


def test_live_refresh_gets_only_the_rows(clients: ClientFactory, web_ctx: AppContext) -> None:
    ticket = _open(web_ctx, "acme-games", "Partial")
    html = clients(staff=True).get("/staff", params={"partial": "rows"}).text
    assert html.lstrip().startswith("<tr") and ticket.key in html and "<html" not in html


def test_bulk_assign_acknowledge_and_resolve(clients: ClientFactory, web_ctx: AppContext) -> None:
    a, b = _open(web_ctx, "acme-games", "One"), _open(web_ctx, "streamly", "Two")
    staff = clients(staff=True)
    csrf = _csrf(staff.get("/staff").text)

    def bulk(action: str, **extra: str) -> int:
        data = {"csrf": csrf, "action": action, "keys": [a.key, b.key], "back": "/staff", **extra}
        return staff.post("/staff/bulk", data=data).status_code

    assert bulk("assign", assignee="eng-park") == 303
    assert {web_ctx.tickets.get(k).assignee_id for k in (a.key, b.key)} == {"eng-park"}
    assert bulk("acknowledge") == 303
    assert all(web_ctx.tickets.get(k).first_response_at for k in (a.key, b.key))
    assert bulk("resolve") == 303
    assert {web_ctx.tickets.get(k).status for k in (a.key, b.key)} == {"resolved"}
    assert bulk("explode") == 422
    forged = staff.post("/staff/bulk", data={"csrf": "x", "action": "resolve", "keys": [a.key]})
    assert forged.status_code == 403


def test_the_ticket_opens_on_its_structured_summary(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    fields = {
        "summary": "Crash when leaving a room", "sdk": "rtc-android", "sdk_version": "4.2.0",
        "platform": "Android", "os_version": "14", "device": "Pixel 8",
        "repro_steps": ["join a room", "enable the camera", "leave"],
        "expected": "the app returns to the lobby", "actual": "SIGSEGV in libnimbus_rtc.so",
        "logs": "E/NimbusRTC: leave failed", "impact": "every user who leaves a call",
    }  # fmt: skip
    ticket = _open(web_ctx, "acme-games", "Android crash", fields=fields, body="hello, it crashes")
    html = clients(staff=True).get(f"/staff/tickets/{ticket.key}").text
    summary = html.index('data-testid="summary"')
    assert summary < html.index('class="transcript"')
    for text in (
        "Crash when leaving a room",
        "rtc-android 4.2.0",
        "Android 14",
        "Pixel 8",
        "<li>enable the camera</li>",
        "SIGSEGV",
        "E/NimbusRTC",
        "every user who leaves",
    ):
        assert text in html[summary:], text  # fmt: skip
    assert '<details class="transcript" >' in html  # folded: the summary says it all

    old = _open(web_ctx, "acme-games", "Old style", body="It **breaks** on join.")
    html = clients(staff=True).get(f"/staff/tickets/{old.key}").text
    assert "<strong>breaks</strong>" in html[html.index('data-testid="summary"') :]
    assert '<details class="transcript" open>' in html  # nothing structured: show the talk


def test_staff_wording_is_not_the_customers(clients: ClientFactory, web_ctx: AppContext) -> None:
    ticket = _open(web_ctx, "acme-games", "Waiting one")
    web_ctx.desk.wait_on_customer(ticket, agent="eng-li", now=NOW)
    staff = clients(staff=True).get(f"/staff/tickets/{ticket.key}").text
    assert "Waiting on customer" in staff and "Waiting on you" not in staff
    assert "is waiting for your reply" not in staff
    assert "paused while waiting on the customer" in staff
    assert "no target on this plan" not in staff
    customer = clients(account="acme-games").get(f"/tickets/{ticket.key}").text
    assert "Waiting on you" in customer and "paused while we wait for you" in customer
    assert "no target on this plan" not in customer


def test_duplicates_are_suggested_and_merged_in_one_click(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    first = _open(web_ctx, "acme-games", "Android client crashes when leaving a room")
    second = _open(web_ctx, "acme-games", "Android client crashes when leaving the room")
    elsewhere = _open(web_ctx, "streamly", "Android client crashes when leaving a room")
    unrelated = _open(web_ctx, "acme-games", "Invoice for November")
    staff = clients(staff=True)
    queue = staff.get("/staff").text
    assert (
        f"duplicate of {first.key}" in queue.split(f'data-key="{second.key}"')[1].split("</tr>")[0]
    )
    page = staff.get(f"/staff/tickets/{first.key}").text
    dups = page[page.index('id="duplicates"') :].split("</ul>")[0]
    assert second.key in dups and elsewhere.key not in dups and unrelated.key not in dups
    r = staff.post(
        f"/staff/tickets/{first.key}/merge", data={"csrf": _csrf(page), "other": second.key}
    )
    assert r.status_code == 303
    merged = web_ctx.tickets.get(second.key)
    assert merged.status == "resolved" and merged.stage == "merged"
    assert any(first.key in e.body for e in web_ctx.tickets.events(merged.id))
    assert any(second.key in e.body for e in web_ctx.tickets.events(first.id) if e.kind == "note")
    again = staff.post(
        f"/staff/tickets/{first.key}/merge", data={"csrf": _csrf(page), "other": second.key}
    )
    assert again.status_code == 422


def test_customer_list_puts_open_tickets_first_with_their_next_due(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    now = dt.datetime.now(dt.UTC)
    overdue = _open(web_ctx, "pixelpals", "Overdue one", at=now - dt.timedelta(hours=30))
    fresh = _open(web_ctx, "pixelpals", "Fresh one", at=now)
    done = _open(web_ctx, "pixelpals", "Done one", at=now - dt.timedelta(hours=2))
    web_ctx.desk.resolve(done, by="eng-li", now=now)
    html = clients(account="pixelpals").get("/tickets").text
    closed_at = html.index('class="closed-tickets"')
    assert html.index(overdue.key) < html.index(fresh.key) < closed_at < html.index(done.key)
    row = html[html.index(overdue.key) :].split("</tr>")[0]
    assert "overdue by" in row and '<span class="muted">—' not in row
    assert "in 3h" in html[html.index(fresh.key) :].split("</tr>")[0]
    assert 'class="nowrap"><a class="key"' in html  # keys never wrap


def test_knowledge_gaps_drop_misrouted_messages_and_turn_into_faq_drafts(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    now = dt.datetime.now(dt.UTC)
    for text in ("Does the SDK support WebTransport?", "webtransport support in the SDK?",
                 "status", "Any update on SUP-1001?", "Is there a Unity SDK?"):  # fmt: skip
        web_ctx.gaps.record(text, now=now, channel="web", account_id="acme-games")
    staff = clients(staff=True)
    html = staff.get("/staff/gaps").text
    assert "Does the SDK support WebTransport?" in html  # case kept
    assert ">status<" not in html and "SUP-1001" not in html
    assert "2 messages that were not documentation questions" in html
    ids = re.search(r'name="ids" value="([0-9,]+)"', html).group(1)  # type: ignore[union-attr]
    assert len(ids.split(",")) == 2  # the two WebTransport phrasings, together
    r = staff.post("/staff/gaps/faq", data={"csrf": _csrf(html), "ids": ids})
    assert r.status_code == 303 and "drafted=" in r.headers["location"]
    [draft] = list(Path(web_ctx.settings.home, "faq-drafts").glob("*.yaml"))
    [entry] = yaml.safe_load(draft.read_text())
    assert entry["question"] == "Does the SDK support WebTransport?" and entry["answer"] == ""
    assert entry["also_asked"] == ["webtransport support in the SDK?"]
    html = staff.get("/staff/gaps").text
    assert "WebTransport" not in html and "Unity" in html
    unity = re.search(r'name="ids" value="([0-9,]+)"', html).group(1)  # type: ignore[union-attr]
    assert (
        staff.post("/staff/gaps/dismiss", data={"csrf": _csrf(html), "ids": unity}).status_code
        == 303
    )
    assert "Unity" not in staff.get("/staff/gaps").text


def test_analytics_takes_a_date_range_and_exports_csv(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    now = dt.datetime.now(dt.UTC)
    _open(web_ctx, "acme-games", "=HYPERLINK(evil)", at=now - dt.timedelta(days=2))
    _open(web_ctx, "streamly", "Long ago", at=now - dt.timedelta(days=40))
    staff = clients(staff=True)
    html = staff.get("/staff/analytics", params={"days": "7"}).text
    assert "Acme Games" in html and "Streamly Inc." not in html
    wide = staff.get("/staff/analytics", params={"days": "90"}).text
    assert "Streamly Inc." in wide
    start = (now - dt.timedelta(days=45)).date().isoformat()
    end = (now - dt.timedelta(days=30)).date().isoformat()
    ranged = staff.get("/staff/analytics", params={"from": start, "to": end}).text
    assert "Streamly Inc." in ranged and "Acme Games" not in ranged
    r = staff.get("/staff/analytics.csv", params={"days": "7"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][:3] == ["key", "account", "account_name"] and len(rows) == 2
    assert rows[1][2] == "Acme Games" and rows[1][8] == "'=HYPERLINK(evil)"


def test_chinese_pages_translate_stages_plans_and_kinds(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    ticket = _open(web_ctx, "acme-games", "Crash")
    web_ctx.desk.acknowledge(ticket, agent="eng-li", now=NOW)
    staff = clients(staff=True)
    html = staff.get("/staff", params={"lang": "zh"}).text
    assert "排查中" in html and "企业版" in html and ">investigating<" not in html
    # The choice sticks for the next page.
    assert "工单队列" in staff.get(f"/staff/tickets/{ticket.key}").text


def test_every_staff_page_names_people_not_ids(
    clients: ClientFactory, web_ctx: AppContext, open_ticket: Callable[..., Ticket]
) -> None:
    ticket = open_ticket("acme-games")
    web_ctx.desk.assign(ticket, assignee="eng-park", by="mgr-lin", now=NOW)
    staff = clients(staff=True)
    for path in ("/staff", f"/staff/tickets/{ticket.key}", "/staff/accounts",
                 "/staff/digest/csm-wang"):  # fmt: skip
        visible = re.sub(r'title="[^"]*"|<[^>]+>', " ", staff.get(path).text)
        for person_id in ("eng-park", "mgr-lin", "csm-wang", "C0ESCALATE"):
            assert person_id not in visible.replace("/staff/digest/csm-wang", ""), (path, person_id)
