"""Customer ticket API and pages: own account only, SLA in the account's zone, comments."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from bot.context import AppContext
from bot.store.records import Ticket
from tests.conftest import NOW
from tests.web.conftest import ClientFactory


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert match, "no csrf field on the page"
    return match.group(1)


def test_ticket_api_needs_a_customer(
    client: TestClient, open_ticket: Callable[..., Ticket]
) -> None:
    ticket = open_ticket()
    assert client.get("/api/tickets").status_code == 401
    r = client.get(f"/api/tickets/{ticket.key}")
    assert r.status_code == 401
    assert "error" in r.json()


def test_customers_list_only_their_own_tickets(
    clients: ClientFactory, open_ticket: Callable[..., Ticket]
) -> None:
    mine, theirs = open_ticket("pixelpals"), open_ticket("streamly")
    keys = [t["key"] for t in clients(account="pixelpals").get("/api/tickets").json()]
    assert keys == [mine.key]
    assert theirs.key not in keys


def test_ticket_detail_shows_sla_in_the_account_zone(
    clients: ClientFactory, open_ticket: Callable[..., Ticket]
) -> None:
    ticket = open_ticket("pixelpals")
    body = clients(account="pixelpals").get(f"/api/tickets/{ticket.key}").json()
    assert body["timezone"] == "Asia/Shanghai"
    first = next(c for c in body["clocks"] if c["name"] == "first_response")
    # Opened Wed 10:00 Shanghai; 4 h target -> 14:00 Wed, shown in Shanghai time.
    assert re.fullmatch(r"Wed 18 Nov( 2026)?, 14:00 CST", first["due_local"])
    assert [e["kind"] for e in body["events"]] == ["opened"]


def test_another_accounts_ticket_looks_exactly_like_a_missing_one(
    clients: ClientFactory, open_ticket: Callable[..., Ticket]
) -> None:
    theirs = open_ticket("streamly")
    customer = clients(account="pixelpals")
    other = customer.get(f"/api/tickets/{theirs.key}")
    missing = customer.get("/api/tickets/SUP-9999")
    assert other.status_code == missing.status_code == 404
    assert other.json()["error"].replace(theirs.key, "X") == missing.json()["error"].replace(
        "SUP-9999", "X"
    )
    r = customer.post(f"/api/tickets/{theirs.key}/comments", json={"body": "hello"})
    assert r.status_code == 404
    assert customer.get(f"/tickets/{theirs.key}").status_code == 404
    page = customer.post(f"/tickets/{theirs.key}/comment", data={"body": "x", "csrf": "x"})
    assert page.status_code in (403, 404)


def test_comment_resumes_a_paused_clock(
    clients: ClientFactory, open_ticket: Callable[..., Ticket], web_ctx: AppContext
) -> None:
    ticket = open_ticket("pixelpals")
    web_ctx.desk.wait_on_customer(ticket, agent="eng-chen", now=NOW)
    assert web_ctx.tickets.get(ticket.key).clock("resolution").paused  # type: ignore[union-attr]
    customer = clients(account="pixelpals")
    r = customer.post(f"/api/tickets/{ticket.key}/comments", json={"body": "SDK 5.2.1"})
    assert r.status_code == 200
    assert r.json()["status"] == "open"
    assert not web_ctx.tickets.get(ticket.key).clock("resolution").paused  # type: ignore[union-attr]
    assert (
        customer.post(f"/api/tickets/{ticket.key}/comments", json={"body": ""}).status_code == 422
    )


def test_ticket_page_shows_stage_priority_due_and_what_is_missing(
    clients: ClientFactory, open_ticket: Callable[..., Ticket]
) -> None:
    ticket = open_ticket("pixelpals")
    r = clients(account="pixelpals").get(f"/tickets/{ticket.key}")
    assert r.status_code == 200
    html = r.text
    assert ticket.key in html and "Android crash on join" in html
    assert 'data-stage="new">new<' in html
    assert "a core feature is broken" in html
    assert "SDK version" in html
    # One format, in the account's zone, which the page names once.
    assert re.search(r"Wed 18 Nov( 2026)?, 14:00", html)
    assert "Times are in Asia/Shanghai (CST)." in html
    # Customer text is rendered as Markdown, never as HTML.
    assert "<strong>crashes</strong>" in html
    assert "<img src=x" not in html and "&lt;img src=x" in html


def test_ticket_page_follows_the_browser_language(
    clients: ClientFactory, open_ticket: Callable[..., Ticket]
) -> None:
    ticket = open_ticket("pixelpals")
    customer = clients(account="pixelpals")
    html = customer.get(
        f"/tickets/{ticket.key}", headers={"Accept-Language": "zh-CN,zh;q=0.9"}
    ).text
    assert "首次响应" in html and "还需要您提供" in html
    # a reason typed by a person stays as written
    assert "a core feature is broken for some users" in html


def test_triage_reasons_read_in_chinese_on_a_chinese_page(
    clients: ClientFactory, open_ticket: Callable[..., Ticket]
) -> None:
    ticket = open_ticket(
        "pixelpals", priority_reason="P2: crash, core feature broken, regression (pro plan)"
    )
    customer = clients(account="pixelpals")
    zh = customer.get(f"/tickets/{ticket.key}", headers={"Accept-Language": "zh-CN"}).text
    assert "崩溃，核心功能不可用，版本回归（专业版）" in zh
    en = customer.get(f"/tickets/{ticket.key}", headers={"Accept-Language": "en-US"}).text
    assert "crash, core feature broken, regression (pro plan)" in en


def test_upgrade_tickets_show_their_stages(
    clients: ClientFactory, open_ticket: Callable[..., Ticket], web_ctx: AppContext
) -> None:
    ticket = open_ticket("pixelpals", kind="upgrade", subject="Upgrade to Pro")
    web_ctx.desk.set_stage(ticket, stage="quote_contract", by="csm-wang", now=NOW)
    html = clients(account="pixelpals").get(f"/tickets/{ticket.key}").text
    assert "step step-done" in html
    assert re.search(r"step-current.*?Quote / contract", html, re.S)


def test_comment_form_with_a_log_attachment(
    clients: ClientFactory, open_ticket: Callable[..., Ticket], web_ctx: AppContext
) -> None:
    ticket = open_ticket("pixelpals")
    customer = clients(account="pixelpals")
    csrf = _csrf(customer.get(f"/tickets/{ticket.key}").text)
    r = customer.post(
        f"/tickets/{ticket.key}/comment",
        data={"body": "Here is the log", "csrf": csrf},
        files={"files": ("join.log", b"E/Nimbus: NR-2002", "text/plain")},
    )
    assert r.status_code == 303
    assert [a.filename for a in web_ctx.attachments.for_ticket(ticket.id)] == ["join.log"]
    assert "Attached: join.log" in web_ctx.tickets.events(ticket.id)[-1].body
    html = customer.get(f"/tickets/{ticket.key}").text
    assert "join.log" in html and "Here is the log" in html


def test_comment_form_needs_the_csrf_token(
    clients: ClientFactory, open_ticket: Callable[..., Ticket]
) -> None:
    ticket = open_ticket("pixelpals")
    r = clients(account="pixelpals").post(f"/tickets/{ticket.key}/comment", data={"body": "hi"})
    assert r.status_code == 403


def test_pages_send_visitors_to_sign_in(
    client: TestClient, open_ticket: Callable[..., Ticket]
) -> None:
    ticket = open_ticket()
    r = client.get(f"/tickets/{ticket.key}")
    assert r.status_code == 303 and r.headers["location"] == f"/signin?next=/tickets/{ticket.key}"
    assert client.get("/tickets").status_code == 303


def test_sign_in_with_the_account_key_form(
    client: TestClient, open_ticket: Callable[..., Ticket]
) -> None:
    ticket = open_ticket("pixelpals")
    assert client.post("/signin", data={"account_key": "nope"}).status_code == 401
    r = client.post("/signin", data={"account_key": "demo-key-pixelpals", "next": "//evil.example"})
    assert r.status_code == 303 and r.headers["location"] == "/tickets"
    assert ticket.key in client.get("/tickets").text
    assert client.post("/signout").status_code == 303


def test_chat_page_widget_and_assets(client: TestClient) -> None:
    html = client.get("/").text
    assert "Nimbus Cloud" in html and "/static/chat.js" in html
    assert 'data-public="true"' in html
    widget = client.get("/widget.js")
    assert widget.status_code == 200 and "javascript" in widget.headers["content-type"]
    assert "data-account-key" in widget.text
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/static/..%2Fpages.py").status_code == 404
    assert client.get("/static/__init__.py").status_code == 404
    assert "embed" in client.get("/?embed=1").text


def test_pages_send_a_content_security_policy(clients: ClientFactory) -> None:
    chat = clients().get("/")
    assert "script-src 'self'" in chat.headers["content-security-policy"]
    assert "frame-ancestors *" in chat.headers["content-security-policy"]
    login = clients().get("/staff/login")
    assert "frame-ancestors 'none'" in login.headers["content-security-policy"]


def test_comment_api_takes_files_too(
    clients: ClientFactory, open_ticket: Callable[..., Ticket], web_ctx: AppContext
) -> None:
    ticket = open_ticket("pixelpals")
    customer = clients(account="pixelpals")
    r = customer.post(
        f"/api/tickets/{ticket.key}/comments",
        data={"body": "new log"},
        files={"files": ("again.log", b"E/Nimbus: NR-2002", "text/plain")},
    )
    assert r.status_code == 200
    assert r.json()["events"][-1]["body"] == "new log\n\nAttached: again.log"
    refused = customer.post(
        f"/api/tickets/{ticket.key}/comments",
        files=[
            ("files", ("ok.log", b"fine", "text/plain")),
            ("files", ("tool.exe", b"MZ", "application/x-msdownload")),
        ],
    )
    assert refused.status_code == 415
    # Nothing of a refused upload is kept.
    assert [a.filename for a in web_ctx.attachments.for_ticket(ticket.id)] == ["again.log"]
    assert customer.post(f"/api/tickets/{ticket.key}/comments", content=b"{").status_code == 422
    theirs = open_ticket("streamly")
    r = customer.post(
        f"/api/tickets/{theirs.key}/comments", files={"files": ("a.log", b"x", "text/plain")}
    )
    assert r.status_code == 404


def test_ticket_page_names_the_people_in_the_history(
    clients: ClientFactory, open_ticket: Callable[..., Ticket], web_ctx: AppContext
) -> None:
    # Alice started the conversation (her name is kept with it); Dana opened the ticket from
    # it; Carol's name is nowhere in the store, so she is shown by her id.
    conv = web_ctx.conversations.open(
        "web", "web:pixelpals:alice", now=NOW, account_id="pixelpals",
        user_ref="U0ALICE", user_name="Alice Wong",
    )  # fmt: skip
    ticket = open_ticket("pixelpals", requester_name="Dana Lee", conversation_id=conv.id)
    web_ctx.desk.customer_reply(ticket, author="U0ALICE", body="same here", now=NOW)
    web_ctx.desk.customer_reply(ticket, author="U0CAROL", body="and me", now=NOW)
    web_ctx.desk.agent_reply(ticket, agent="eng-li", body="looking", now=NOW)
    html = clients(account="pixelpals").get(f"/tickets/{ticket.key}").text
    who = re.findall(r'<div class="event-head"><strong[^>]*>([^<]*)</strong>', html)
    assert who == ["Dana Lee", "Alice Wong", "U0CAROL", "Li Na"]
    assert "U0ALICE" not in html
    # The JSON API names them the same way, ids kept beside the names.
    events = clients(account="pixelpals").get(f"/api/tickets/{ticket.key}").json()["events"]
    assert [(e["actor"], e["actor_name"]) for e in events][1:] == [
        ("U0ALICE", "Alice Wong"),
        ("U0CAROL", "U0CAROL"),
        ("eng-li", "Li Na"),
    ]
