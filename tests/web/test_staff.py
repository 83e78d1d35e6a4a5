"""Staff sign-in, the queue (sorted by time to breach, filters), actions, accounts and gaps."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from bot.config.channels import WebConfig
from bot.context import AppContext
from bot.store.notifications import Delivery, EscalationStep
from bot.store.records import Ticket
from tests.conftest import NOW
from tests.web.conftest import ClientFactory


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert match
    return match.group(1)


def test_staff_pages_need_sign_in(client: TestClient) -> None:
    for path in ("/staff", "/staff/accounts", "/staff/gaps", "/staff/tickets/SUP-1001"):
        r = client.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/staff/login")


def test_wrong_password_and_unknown_people_get_the_same_answer(client: TestClient) -> None:
    wrong = client.post("/staff/login", data={"login": "mgr-lin", "password": "nope"})
    unknown = client.post("/staff/login", data={"login": "nobody", "password": "nope"})
    no_hash = client.post("/staff/login", data={"login": "eng-chen", "password": ""})
    assert wrong.status_code == unknown.status_code == no_hash.status_code == 401
    assert "Wrong name or password." in wrong.text and "Wrong name or password." in unknown.text


def test_sign_in_by_email_too(client: TestClient) -> None:
    r = client.post(
        "/staff/login", data={"login": "Lin.Qiang@nimbus.example", "password": "deskbot-demo"}
    )
    assert r.status_code == 303 and r.headers["location"] == "/staff"
    r = client.post(
        "/staff/login",
        data={"login": "mgr-lin", "password": "deskbot-demo", "next": "https://evil.example/"},
    )
    assert r.headers["location"] == "/staff"


def test_customers_are_not_staff(
    clients: ClientFactory, open_ticket: Callable[..., Ticket]
) -> None:
    ticket = open_ticket()
    customer = clients(account="pixelpals")
    assert customer.get("/staff").status_code == 303
    assert customer.post(f"/staff/tickets/{ticket.key}/acknowledge").status_code == 401


def test_trusted_proxy_header_signs_staff_in(
    client: TestClient, web_ctx: AppContext, open_ticket: Callable[..., Ticket]
) -> None:
    ticket = open_ticket()
    assert client.get("/staff", headers={"X-Forwarded-User": "csm-wang"}).status_code == 303
    web_ctx.config = web_ctx.config.model_copy(
        update={"web": WebConfig(trusted_user_header="X-Forwarded-User")}
    )
    r = client.get("/staff", headers={"X-Forwarded-User": "wang.fang@nimbus.example"})
    assert r.status_code == 200 and "Wang Fang" in r.text
    assert client.get("/staff", headers={"X-Forwarded-User": "stranger"}).status_code == 303
    # Every proxied request is authenticated on its own: no cookie, no CSRF token needed.
    r = client.post(
        f"/staff/tickets/{ticket.key}/acknowledge", headers={"X-Forwarded-User": "csm-wang"}
    )
    assert r.status_code == 303
    assert web_ctx.tickets.get(ticket.key).assignee_id == "csm-wang"


def test_queue_is_sorted_by_time_to_breach(
    clients: ClientFactory, open_ticket: Callable[..., Ticket], web_ctx: AppContext
) -> None:
    calm = open_ticket("pixelpals", subject="calm ticket")
    urgent = open_ticket("acme-games", subject="urgent ticket")
    # 'calm' got its first response: only its 24 h resolution clock is left running.
    web_ctx.desk.acknowledge(calm, agent="eng-li", now=NOW)
    resolved = open_ticket("streamly", subject="resolved ticket")
    web_ctx.desk.resolve(resolved, by="eng-li", now=NOW)
    html = clients(staff=True).get("/staff").text
    assert html.index("urgent ticket") < html.index("calm ticket")
    assert "resolved ticket" not in html
    assert urgent.key in html


def test_queue_filters(
    clients: ClientFactory, open_ticket: Callable[..., Ticket], web_ctx: AppContext
) -> None:
    a = open_ticket("pixelpals", subject="basic-p2")
    b = open_ticket("acme-games", subject="enterprise-p1", priority="P1")
    web_ctx.desk.assign(b, assignee="eng-park", by="mgr-lin", now=NOW)
    staff = clients(staff=True)

    def subjects(**params: str) -> set[str]:
        html = staff.get("/staff", params=params).text
        return {s for s in ("basic-p2", "enterprise-p1") if s in html}

    assert subjects() == {"basic-p2", "enterprise-p1"}
    assert subjects(account="pixelpals") == {"basic-p2"}
    assert subjects(tier="enterprise") == {"enterprise-p1"}
    assert subjects(priority="P1") == {"enterprise-p1"}
    assert subjects(assignee="eng-park") == {"enterprise-p1"}
    assert subjects(assignee="-") == {"basic-p2"}
    assert a.key


def test_actions_change_the_ticket_and_the_customer_sees_it(
    clients: ClientFactory, open_ticket: Callable[..., Ticket], web_ctx: AppContext
) -> None:
    ticket = open_ticket("pixelpals")
    staff, customer = clients(staff=True), clients(account="pixelpals")
    page = staff.get(f"/staff/tickets/{ticket.key}")
    assert page.status_code == 200
    csrf = _csrf(page.text)

    def act(action: str, **data: str) -> int:
        r = staff.post(f"/staff/tickets/{ticket.key}/{action}", data={"csrf": csrf, **data})
        return r.status_code

    assert act("acknowledge") == 303
    stored = web_ctx.tickets.get(ticket.key)
    assert stored.first_response_at is not None and stored.stage == "investigating"
    html = customer.get(f"/tickets/{ticket.key}").text
    assert 'data-stage="investigating">investigating<' in html
    assert "acknowledged" in html

    assert act("assign", assignee="eng-park") == 303
    assert web_ctx.tickets.get(ticket.key).assignee_id == "eng-park"
    assert act("assign", assignee="nobody") == 422
    assert act("reply", body="Which SDK version?") == 303
    assert act("reply", body="  ") == 422
    assert act("wait", body="waiting for the SDK version") == 303
    assert web_ctx.tickets.get(ticket.key).status == "waiting_on_customer"
    assert "Waiting on you" in customer.get(f"/tickets/{ticket.key}").text
    assert act("resolve", body="fixed in 5.2.2") == 303
    assert web_ctx.tickets.get(ticket.key).status == "resolved"
    assert act("resolve") == 422  # already resolved
    assert act("explode") == 404
    assert staff.post("/staff/tickets/SUP-9999/acknowledge", data={"csrf": csrf}).status_code == 404


def test_actions_need_the_csrf_token(
    clients: ClientFactory, open_ticket: Callable[..., Ticket]
) -> None:
    ticket = open_ticket()
    r = clients(staff=True).post(f"/staff/tickets/{ticket.key}/acknowledge", data={"csrf": "x"})
    assert r.status_code == 403


def test_ticket_timeline_shows_clocks_pauses_notes_and_escalations(
    clients: ClientFactory, open_ticket: Callable[..., Ticket], web_ctx: AppContext
) -> None:
    ticket = open_ticket("acme-games")
    web_ctx.desk.note(ticket, agent="eng-chen", body="internal: check the TURN server", now=NOW)
    web_ctx.desk.wait_on_customer(ticket, agent="eng-chen", now=NOW + dt.timedelta(minutes=5))
    step = EscalationStep(ticket.id, "first_response", 1, 0.5, NOW, ["eng-chen"])
    web_ctx.notifications.fire(step, [Delivery("slack", "U0ENGCHEN")], now=NOW, late=True)
    html = clients(staff=True).get(f"/staff/tickets/{ticket.key}").text
    # The escalation once in the history, with names, in the reader's zone.
    assert len(re.findall(r'class="event event-escalated', html)) == 1
    assert re.search(r"First response 50% → <span class=\"person\" title=\"eng-chen\">Chen Hao"
                     r"</span> <span class=\"pill[^\"]*\">late", html)  # fmt: skip
    assert "escalations" not in html.lower().split("service level")[0].split("<main")[-1]
    assert "internal: check the TURN server" in html
    assert "target 4h, around the clock" in html
    assert re.search(r"paused Wed 18 Nov( 2026)?, 10:05 → now", html)
    # The step that fired names whom it told (the escalation record), not the ladder's role.
    assert re.search(r"<strong>50%</strong> Wed 18 Nov( 2026)?, 12:00 → <span class=\"person\" "
                     r"title=\"eng-chen\">Chen Hao</span>.*?sent", html, re.S)  # fmt: skip
    assert "Times are in Asia/Shanghai (CST)." in html and " UTC<" not in html
    # The customer never sees internal notes.
    customer_html = clients(account="acme-games").get(f"/tickets/{ticket.key}").text
    assert "TURN server" not in customer_html


def test_staff_can_open_any_accounts_customer_page(
    clients: ClientFactory, open_ticket: Callable[..., Ticket]
) -> None:
    ticket = open_ticket("streamly")
    assert clients(staff=True).get(f"/tickets/{ticket.key}").status_code == 200


def test_accounts_view_for_csms(
    clients: ClientFactory, open_ticket: Callable[..., Ticket], web_ctx: AppContext
) -> None:
    open_ticket("acme-games", priority="P1")
    web_ctx.gaps.record(
        "how to use webrtc on a toaster", now=NOW, channel="web", account_id="acme-games"
    )
    staff = clients(staff=True)
    html = staff.get("/staff/accounts").text
    for name in ("Acme Games", "PixelPals Studio", "Streamly Inc."):
        assert name in html
    only_wang = staff.get("/staff/accounts", params={"csm": "csm-wang"}).text
    assert "Acme Games" in only_wang and "Streamly Inc." not in only_wang


def test_knowledge_gaps_are_grouped(clients: ClientFactory, web_ctx: AppContext) -> None:
    now = dt.datetime.now(dt.UTC)
    for text in ("How to mute a <b>track</b>?", "how to mute a <b>track</b>?", "Toaster support"):
        web_ctx.gaps.record(text, now=now, channel="web")
    html = clients(staff=True).get("/staff/gaps").text
    assert "How to mute a &lt;b&gt;track&lt;/b&gt;?" in html
    assert "<strong>2</strong>" in html
    assert "<b>track</b>" not in html


def test_digest_and_analytics_slots(clients: ClientFactory) -> None:
    staff = clients(staff=True)
    assert staff.get("/staff/digest/csm-wang").status_code == 200
    assert staff.get("/staff/digest/nobody").status_code == 404
    assert staff.get("/staff/analytics").status_code == 200


def test_digest_and_analytics_pages_render_their_fragments(
    clients: ClientFactory, open_ticket: Callable[..., Ticket]
) -> None:
    open_ticket("acme-games", priority="P1")
    staff = clients(staff=True)
    digest = staff.get("/staff/digest/csm-wang")
    assert digest.status_code == 200 and 'data-account="acme-games"' in digest.text
    assert staff.get("/staff/digest/eng-chen").status_code == 404
    analytics = staff.get("/staff/analytics", params={"days": "30"})
    assert analytics.status_code == 200 and 'class="analytics"' in analytics.text
    assert "Acme Games" in analytics.text
    assert staff.get("/staff/analytics", params={"days": "nope"}).status_code == 200


def test_ticket_timeline_names_customers_and_staff(
    clients: ClientFactory, open_ticket: Callable[..., Ticket], web_ctx: AppContext
) -> None:
    ticket = open_ticket("acme-games", requester_name="Dana Lee")
    web_ctx.desk.customer_reply(ticket, author="U0CAROL", body="and me", now=NOW)
    # A staff member known by their Slack id, and one by their person id.
    web_ctx.desk.note(ticket, agent="U0ENGCHEN", body="on it", now=NOW)
    web_ctx.desk.acknowledge(ticket, agent="eng-li", now=NOW)
    html = clients(staff=True).get(f"/staff/tickets/{ticket.key}").text
    who = re.findall(
        r'<div class="event-head"><strong[^>]*><span class="person"[^>]*>([^<]*)<', html
    )
    # Staff are named, with their id as a tooltip only.
    assert '<span class="person" title="eng-li">Li Na</span>' in html
    assert who[:4] == ["Dana Lee", "U0CAROL", "Chen Hao", "Li Na"]
    assert "dev@acme-games" not in html
