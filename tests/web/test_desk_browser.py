"""Every desk page in Chromium, in English and Chinese, on a demo week of data.

Each page is checked for raw translation keys, for ids where a name is known, and (in Chinese)
for English words outside code, ids, customer text and proper names; the staff ticket page for
escalations listed more than once. Screenshots go to ``test-artifacts/desk-*.png``; the README's
come from them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup

from bot.store.records import NewTicket
from tests.web.live import LiveServer, live_server
from tests.web.test_browser import ARTIFACTS, _page, browser  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RAW_KEY = re.compile(
    r"\b(?:ev|status|stage|tier|kind|field|prio|step|sec|view|chart|staff|key|same|target|trend|"
    r"channel|role|n)_[a-z_0-9]+\b"
)
# Words a Chinese page may show in Latin letters: product and protocol names, units, codes.
LATIN_OK = {
    "SDK", "SLA", "CSV", "FAQ", "API", "Slack", "P1", "P2", "P3", "P4", "CST", "UTC", "Asia",
    "Shanghai", "New_York", "America", "English", "KB", "deskbot", "ingest", "faq", "drafts",
    "yaml", "p90", "h", "d", "m", "j", "k", "x", "g", "q", "a", "r", "w", "e", "o", "Enter",
}  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    """A live server with a seeded week, plus one ticket the real SLA scan has escalated."""
    from bot.digest.demo import seed_demo
    from bot.scheduler.scanner import SlaScanner

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with live_server(tmp_path_factory.mktemp("desk")) as live:
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        seed_demo(live.ctx, now=now, days=7)
        escalated = live.ctx.desk.open(
            NewTicket(
                account_id="acme-games", kind="outage", priority="P1", requester="dana",
                requester_name="Dana Lee", subject="Voice drops for all users in eu-west",
                fields={"summary": "All calls in eu-west drop after 30 s", "sdk": "rtc-web",
                        "sdk_version": "2.9.4", "platform": "Chrome", "os_version": "131",
                        "repro_steps": ["join a room in eu-west", "wait 30 s"],
                        "expected": "the call continues", "actual": "everyone is dropped",
                        "impact": "all users in eu-west"},
                body="All our calls in eu-west drop after 30 seconds.",
            ),
            now=now - dt.timedelta(minutes=40),
        )  # fmt: skip
        SlaScanner.from_context(live.ctx, clock=lambda: now).scan(now)
        yield live, escalated.key


def _sign_in_staff(chrome: Any, base: str, locale: str) -> Any:
    page = _page(chrome, locale=locale, width=1360, height=900)
    page.goto(base + "/staff/login")
    page.fill("input[name=login]", "mgr-lin")
    page.fill("input[name=password]", "deskbot-demo")
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/staff")
    return page


def _sign_in_customer(chrome: Any, base: str, locale: str) -> Any:
    page = _page(chrome, locale=locale, width=1280, height=900)
    page.goto(base + "/signin")
    page.fill("input[name=account_key]", "demo-key-acme")
    page.fill("input[name=name]", "Dana")
    page.press("input[name=name]", "Enter")
    page.wait_for_load_state()
    return page


def _visible_text(html: str, *, keep_user_text: bool = True) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "title", "head"]):
        tag.decompose()
    if not keep_user_text:
        for tag in soup.select("[data-user], code, pre, kbd, .key, time[datetime] + x"):
            tag.decompose()
    return soup.get_text(" ")


def _check_page(page: Any, live: LiveServer, *, lang: str, name: str) -> None:
    html = page.content()
    text = _visible_text(html)
    raw = RAW_KEY.findall(_visible_text(html, keep_user_text=False))
    assert not raw, f"{name} ({lang}): raw translation keys {raw}"
    config = live.ctx.config
    ids = [p.id for p in config.people] + [config.organisation.escalation_channel or "-"]
    shown = [i for i in ids if re.search(rf"(?<![\w/-]){re.escape(i)}(?![\w-])", text)]
    assert not shown, f"{name} ({lang}): ids shown where names are known: {shown}"
    if lang == "zh":
        names = " ".join(
            [config.organisation.name, *(a.name for a in config.accounts),
             *(p.name for p in config.people)]
        )  # fmt: skip
        allowed = LATIN_OK | set(re.findall(r"[A-Za-z][\w.-]*", names)) | {names[0]}
        rest = _visible_text(html, keep_user_text=False)
        rest = re.sub(r"\b[A-Z]{2,10}-\d+\b", " ", rest)  # ticket keys
        words = {w for w in re.findall(r"[A-Za-z][\w.'-]*", rest) if w not in allowed}
        assert not words, f"{name} (zh): English left untranslated: {sorted(words)}"
    page.screenshot(path=str(ARTIFACTS / f"desk-{name}-{lang}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_staff_pages(browser: Any, demo: tuple[LiveServer, str], lang: str) -> None:  # noqa: F811
    live, key = demo
    page = _sign_in_staff(browser, live.url, "zh-CN" if lang == "zh" else "en-US")
    for path, name in (
        ("/staff", "queue"),
        (f"/staff/tickets/{key}", "ticket"),
        ("/staff/accounts", "accounts"),
        ("/staff/analytics", "analytics"),
        ("/staff/digest/csm-wang", "digest"),
        ("/staff/gaps", "gaps"),
    ):
        page.goto(live.url + path)
        assert page.locator("h1").count() == 1
        _check_page(page, live, lang=lang, name=name)
    page.context.close()


def test_escalations_are_listed_once_and_the_summary_comes_first(
    browser: Any,  # noqa: F811
    demo: tuple[LiveServer, str],
) -> None:
    live, key = demo
    ticket = live.ctx.tickets.get(key)
    fired = live.ctx.notifications.escalations(ticket.id)
    assert len(fired) >= 2
    page = _sign_in_staff(browser, live.url, "en-US")
    page.goto(f"{live.url}/staff/tickets/{key}")
    summary = page.locator("[data-testid=summary]")
    assert "All calls in eu-west drop after 30 s" in summary.inner_text()
    assert page.locator(".transcript").get_attribute("open") is None  # folded
    page.locator(".transcript > summary").click()
    lines = page.locator(".event-escalated").all_inner_texts()
    assert len(lines) == len(fired) == len(set(lines))
    assert "Wang Fang" in " ".join(lines)  # the CSM, by name
    page.context.close()


def test_keyboard_drives_the_queue_and_the_ticket(
    browser: Any,  # noqa: F811
    demo: tuple[LiveServer, str],
) -> None:
    live, _ = demo
    page = _sign_in_staff(browser, live.url, "en-US")
    first = page.locator("table.queue tbody tr").first.get_attribute("data-key")
    page.keyboard.press("j")
    assert "current" in (page.locator("table.queue tbody tr").first.get_attribute("class") or "")
    page.keyboard.press("x")
    assert page.locator("#bulk").is_visible()
    page.keyboard.press("x")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staff/tickets/{first}")
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "reply-body"
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_customer_pages(browser: Any, demo: tuple[LiveServer, str], lang: str) -> None:  # noqa: F811
    live, key = demo
    page = _sign_in_customer(browser, live.url, "zh-CN" if lang == "zh" else "en-US")
    page.goto(live.url + "/tickets")
    # Open tickets first, each with a next due (overdue ones included), keys on one line.
    dues = page.locator("table.tickets").first.locator("td.due").all_inner_texts()
    assert dues and all(d.strip() not in ("", "—") for d in dues)
    heights = page.locator("table.tickets a.key").evaluate_all(
        "links => links.map(a => a.getBoundingClientRect().height)"
    )
    assert max(heights) < 30
    _check_page(page, live, lang=lang, name="customer-tickets")
    page.goto(f"{live.url}/tickets/{key}")
    _check_page(page, live, lang=lang, name="customer-ticket")
    page.context.close()


def test_phone_width_does_not_overflow(browser: Any, demo: tuple[LiveServer, str]) -> None:  # noqa: F811
    live, _ = demo
    page = _sign_in_staff(browser, live.url, "en-US")
    page.set_viewport_size({"width": 390, "height": 800})
    for path in ("/staff/analytics", "/staff/digest/csm-wang"):
        page.goto(live.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 400, path
    page.context.close()


def test_a_long_log_line_scrolls_inside_its_box_on_a_phone(
    browser: Any,  # noqa: F811
    demo: tuple[LiveServer, str],
) -> None:
    live, _ = demo
    line = (
        "E/NimbusAuth: 401 token expired "
        + "at io.nimbus.im.ImClient.login(ImClient.java:212) " * 8
    )
    ticket = live.ctx.desk.open(
        NewTicket(
            account_id="acme-games", kind="bug", priority="P2", requester="dana",
            subject="Login fails", body="Login fails with 401.",
            fields={"summary": "Login fails with 401", "sdk": "im-android", "logs": line},
        ),
        now=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    page = _sign_in_staff(browser, live.url, "en-US")
    page.set_viewport_size({"width": 390, "height": 800})
    live.ctx.desk.note(ticket, agent="eng-park", body="Checking", now=dt.datetime.now(dt.UTC))
    page.goto(f"{live.url}/staff/tickets/{ticket.key}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    # A name is written as its person writes it, not in the heading's capitals.
    author = page.eval_on_selector(
        '[data-testid="last-note"] .person', "e => getComputedStyle(e).textTransform"
    )
    assert author == "none"
    page.context.close()


def test_stage_and_status_pills_keep_to_one_line_in_chinese(
    browser: Any,  # noqa: F811
    demo: tuple[LiveServer, str],
) -> None:
    live, _ = demo
    page = _sign_in_staff(browser, live.url, "zh-CN")
    page.goto(f"{live.url}/staff?lang=zh")
    heights = page.eval_on_selector_all(
        "td.stage .pill, td.stage .nowrap", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert heights, "the demo week has tickets waiting on the customer"
    assert max(heights) < 32, heights  # one line, not a column of characters
    page.goto(f"{live.url}/staff/accounts?lang=zh")
    links = page.eval_on_selector_all(
        "a.digest-link", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert links and max(links) < 32, links  # 日报, not 日 over 报
    page.context.close()


def test_the_queue_gives_the_subject_room(browser: Any, demo: tuple[LiveServer, str]) -> None:  # noqa: F811
    live, _ = demo
    # A long account name must wrap, not squeeze every subject into a narrow column.
    page = _sign_in_staff(browser, live.url, "en-US")
    page.goto(f"{live.url}/staff?lang=en")
    table = page.eval_on_selector("table.queue", "e => e.getBoundingClientRect().width")
    subject = page.eval_on_selector("td.subject", "e => e.getBoundingClientRect().width")
    assert subject >= 0.33 * table, (subject, table)
    page.context.close()


def test_on_a_phone_the_queue_reads_without_scrolling_sideways(
    browser: Any,  # noqa: F811
    demo: tuple[LiveServer, str],
) -> None:
    live, _ = demo
    page = _sign_in_staff(browser, live.url, "zh-CN")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live.url}/staff?lang=zh")
    box = page.eval_on_selector(".card.flush", "e => [e.scrollWidth, e.clientWidth]")
    assert box[0] <= box[1], box  # each row is a small card, the subject whole
    subject = page.eval_on_selector("td.subject", "e => e.getBoundingClientRect().width")
    assert subject >= 250, subject
    page.context.close()
