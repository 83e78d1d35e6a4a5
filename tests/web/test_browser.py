"""The web side in a real browser: Debian's Chromium driven by Playwright, against a live server.

Screenshots go to ``test-artifacts/`` (look at them: the pages must look like a product).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.web.live import LiveServer, live_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-gpu",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOG = b"2026-11-20 10:02:11.331 E/NimbusRTC: join failed NR-2002\nFATAL EXCEPTION: main\n"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with live_server(tmp_path_factory.mktemp("live")) as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI (scripts/ensure_chromium.sh installs it)")
        pytest.skip("no /usr/bin/chromium (apt-get install chromium fonts-wqy-microhei)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


def _page(browser: Any, *, locale: str = "en-US", width: int = 1280, height: int = 820) -> Any:
    context = browser.new_context(
        locale=locale, viewport={"width": width, "height": height}, device_scale_factor=1
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _ask(page: Any, text: str) -> None:
    page.fill("#input", text)
    page.press("#input", "Enter")


def test_question_gets_a_cited_answer(browser: Any, server: LiveServer) -> None:
    page = _page(browser)
    page.goto(server.url + "/")
    assert page.locator(".brand-name").inner_text() == "Nimbus Cloud"
    _ask(page, "How do I generate a user token on my server?")
    answer = page.locator(".msg.bot.kind-answer").last
    answer.locator(".citations li").first.wait_for()
    link = answer.locator(".citations a").first
    assert link.get_attribute("href").startswith("https://docs.nimbus.example/")
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert answer.locator(".cite-ref").count() >= 1
    labels = answer.locator(".actions button").all_inner_texts()
    assert "Solved" in labels or "Talk to a human" in labels
    page.screenshot(path=str(ARTIFACTS / "chat.png"))
    # A reload keeps the conversation, sources included.
    page.reload()
    page.locator(".msg.bot .citations li").first.wait_for()
    assert page.locator(".msg.user").first.inner_text().startswith("How do I generate")
    page.context.close()


def test_chinese_browser_gets_chinese_ui_and_phone_layout(browser: Any, server: LiveServer) -> None:
    page = _page(browser, locale="zh-CN", width=390, height=780)
    page.goto(server.url + "/")
    assert page.locator("#welcome h1").inner_text() == "有什么可以帮您？"
    assert page.locator("#send").inner_text() == "发送"
    # Nothing overflows sideways on a phone, and every menu item is in view (the language
    # switch was cut off at the right edge, reachable only by scrolling the menu).
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    switch = page.locator(".nav .lang").bounding_box()
    assert switch is not None and switch["x"] + switch["width"] <= 390
    assert page.evaluate("(n => n.scrollWidth <= n.clientWidth)(document.querySelector('.nav'))")
    _ask(page, "如何生成 Token？")
    page.locator(".msg.bot:not(.pending)").last.wait_for()
    page.screenshot(path=str(ARTIFACTS / "chat-phone-zh.png"))
    page.context.close()


def test_bug_report_with_log_ticket_page_and_staff_acknowledge(
    browser: Any, server: LiveServer
) -> None:
    # A customer signed in through the widget's key (URL fragment), reporting a crash with a log.
    customer = _page(browser)
    customer.goto(server.url + "/?embed=0#key=demo-key-pixelpals&name=Ada")
    # The key is taken out of the address (a URL test, not an eval in the page: CSP).
    customer.wait_for_url(lambda url: urlsplit(url).fragment == "")
    customer.fill("#input", "Our Android app crashes when joining a room since SDK 5.2.0")
    customer.set_input_files(
        "#file", files=[{"name": "android.log", "mimeType": "text/plain", "buffer": LOG}]
    )
    assert "android.log" in customer.locator("#chips").inner_text()
    customer.press("#input", "Enter")
    reply = customer.locator(".msg.bot:not(.pending)").last
    reply.wait_for()
    if customer.locator(".ticket-card").count() == 0:
        # The intake asks for what is missing; go ahead without it.
        button = reply.locator(".action-go_ahead, .action-open_ticket").first
        button.click()
    card = customer.locator(".ticket-card").last
    card.wait_for()
    key = re.search(r"SUP-\d+", card.inner_text()).group(0)  # type: ignore[union-attr]
    customer.screenshot(path=str(ARTIFACTS / "chat-ticket.png"))
    ticket = server.ctx.tickets.get(key, account_id="pixelpals")
    assert [a.filename for a in server.ctx.attachments.for_ticket(ticket.id)] == ["android.log"]

    # The ticket page: stage and the first-response due time in the account's zone.
    card.click()
    customer.wait_for_url(f"**/tickets/{key}")
    assert customer.locator("[data-testid=stage]").get_attribute("data-stage") == "new"
    sla = customer.locator(".clock").first.inner_text()
    assert "due " in sla and "left" in sla
    assert "Asia/Shanghai (CST)" in customer.locator(".col-side").inner_text()
    customer.screenshot(path=str(ARTIFACTS / "ticket.png"), full_page=True)

    # Staff sign in, find it in the queue and acknowledge it.
    staff = _page(browser, width=1360)
    staff.goto(server.url + "/staff")
    staff.fill("input[name=login]", "mgr-lin")
    staff.fill("input[name=password]", "deskbot-demo")
    staff.press("input[name=password]", "Enter")
    staff.wait_for_url("**/staff")
    row = staff.locator("table.queue tr", has_text=key)
    row.wait_for()
    staff.screenshot(path=str(ARTIFACTS / "dashboard.png"))
    row.locator("a").first.click()
    staff.wait_for_url(f"**/staff/tickets/{key}")
    staff.get_by_role("button", name="Acknowledge a").click()
    staff.wait_for_load_state()
    assert staff.locator("[data-testid=stage]").get_attribute("data-stage") == "investigating"
    staff.screenshot(path=str(ARTIFACTS / "staff-ticket.png"), full_page=True)

    # The customer's page shows it.
    customer.reload()
    assert customer.locator("[data-testid=stage]").get_attribute("data-stage") == "investigating"
    assert "met " in customer.locator(".clock").first.inner_text()
    assert customer.locator(".event-acknowledged").count() == 1
    customer.screenshot(path=str(ARTIFACTS / "ticket-acknowledged.png"), full_page=True)
    staff.context.close()
    customer.context.close()


def test_markup_in_messages_is_not_executed(browser: Any, server: LiveServer) -> None:
    page = _page(browser)
    page.goto(server.url + "/")
    _ask(page, '<img src=x onerror="window.pwned=1"> **bold** `code`')
    page.locator(".msg.bot:not(.pending)").last.wait_for()
    assert page.evaluate("window.pwned") is None
    assert page.locator(".msg.user .bubble img").count() == 0
    page.context.close()


@pytest.mark.parametrize(
    ("locale", "notice"),
    [
        ("en-US", "You're sending messages too fast — try again in 12 s."),
        ("zh-CN", "消息发送过于频繁，请 12 秒后再试。"),
    ],
)
def test_too_fast_is_said_and_the_message_goes_back_in_the_box(
    browser: Any, server: LiveServer, locale: str, notice: str
) -> None:
    page = _page(browser, locale=locale)
    refused = '{"error": "you are sending messages too fast; try again in 12 s", "retry_after": 12}'
    page.route(
        "**/api/chat",
        lambda route: route.fulfill(
            status=429, headers={"Retry-After": "12"}, content_type="application/json", body=refused
        ),
    )
    page.goto(server.url + "/")
    _ask(page, "What is the default token TTL?")
    bubble = page.locator(".msg.bot.rate-limited .bubble")
    bubble.wait_for()
    assert bubble.inner_text() == notice
    assert page.input_value("#input") == "What is the default token TTL?"
    assert page.locator(".msg.user").count() == 0  # not shown as sent
    page.unroute("**/api/chat")
    page.press("#input", "Enter")
    page.locator(".msg.bot.kind-answer").last.wait_for()
    assert page.locator(".msg.user .bubble").all_inner_texts() == ["What is the default token TTL?"]
    page.context.close()


def test_widget_embeds_the_chat(browser: Any, server: LiveServer) -> None:
    page = _page(browser)
    # The vendor's page, served by the browser itself. It shares the server's origin because
    # Chromium's local-network-access checks refuse a script from 127.0.0.1 on any other
    # origin without a permission prompt; a real vendor site loads deskbot from its public URL.
    vendor = server.url + "/vendor-console"
    html = (
        "<!doctype html><title>vendor</title><h1>Vendor console</h1>"
        f'<script src="{server.url}/widget.js" data-account-key="demo-key-streamly"></script>'
    )
    page.route(
        vendor,
        lambda route: route.fulfill(status=200, content_type="text/html", body=html),
    )
    page.goto(vendor)
    page.get_by_role("button", name="Support").click()
    frame = page.frame_locator("iframe")
    frame.locator("#input").wait_for()
    assert frame.locator(".embed-head").inner_text().startswith("N")
    # The key in the iframe's fragment was exchanged for a customer session.
    # A locator, not wait_for_function: polling a string predicate evals it in the page, which
    # the page's CSP (no 'unsafe-eval') refuses whenever the first check comes too early.
    frame.locator("#chat-app[data-signed-in='true']").wait_for()
    page.screenshot(path=str(ARTIFACTS / "widget.png"))
    page.context.close()


def _seed_queue(server: LiveServer) -> None:
    """A morning's worth of tickets, so the dashboard screenshot shows a real queue."""
    import datetime as dt

    from bot.store.records import NewTicket

    now = dt.datetime.now(dt.UTC)
    desk = server.ctx.desk
    seeds = [
        ("acme-games", "outage", "P1", "Voice drops for all users in eu-west rooms", 0.3, None),
        ("streamly", "bug", "P2", "iOS 18: screen share freezes after 30 s", 2.0, "eng-li"),
        ("tianqi-health", "bug", "P3", "Message receipts arrive twice on Android 14", 5.0, None),
        (
            "pixelpals",
            "question",
            "P4",
            "Migrating push certificates to token auth?",
            8.0,
            "wait",
        ),
        ("acme-games", "upgrade", "P3", "Upgrade to 24x7 phone support", 20.0, "eng-park"),
    ]
    for account, kind, priority, subject, hours_ago, then in seeds:
        ticket = desk.open(
            NewTicket(
                account_id=account, kind=kind, priority=priority, subject=subject,
                requester=f"dev@{account}", priority_reason="seeded for the screenshot",
            ),
            now=now - dt.timedelta(hours=hours_ago),
        )  # fmt: skip
        if then == "wait":
            ticket = desk.acknowledge(ticket, agent="eng-chen", now=now)
            desk.wait_on_customer(ticket, agent="eng-chen", now=now)
        elif then is not None:
            desk.acknowledge(ticket, agent=then, now=now - dt.timedelta(hours=hours_ago / 2))


def test_readme_screenshots(browser: Any, server: LiveServer) -> None:
    """docs/images/chat.png and dashboard.png are copied from these after looking at them."""
    _seed_queue(server)
    chat = _page(browser, width=1280, height=900)
    chat.goto(server.url + "/")
    _ask(chat, "What is the default token TTL?")
    chat.locator(".msg.bot:not(.pending) .citations").last.wait_for()
    chat.evaluate("document.getElementById('messages').scrollTop = 0")
    chat.screenshot(path=str(ARTIFACTS / "readme-chat.png"))
    staff = _page(browser, width=1360, height=640)
    staff.goto(server.url + "/staff/login")
    staff.fill("input[name=login]", "mgr-lin")
    staff.fill("input[name=password]", "deskbot-demo")
    staff.press("input[name=password]", "Enter")
    staff.wait_for_url("**/staff")
    assert staff.locator("table.queue tbody tr").count() >= 5
    staff.screenshot(path=str(ARTIFACTS / "readme-dashboard.png"))
    for name in ("accounts", "gaps", "analytics", "digest/csm-wang"):
        staff.goto(f"{server.url}/staff/{name}")
        assert staff.locator("h1").count() == 1
        staff.screenshot(
            path=str(ARTIFACTS / f"staff-{name.replace('/', '-')}.png"), full_page=True
        )
    chat.context.close()
    staff.context.close()
