"""The chat page in Chromium as a developer uses it: a bug reported in three messages becomes a
ticket, then "what's the status?" shows it; a visitor without an account reaches a person
through the contact form. Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.live import LiveServer
from tests.web.test_browser import ARTIFACTS, _ask, _page, browser, server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPORT = [
    "After upgrading the Android SDK to 4.2.1, remote video goes black when the app returns "
    "from the background",
    "Steps: 1. two users join a room 2. press home 3. open the app again. Expected: the remote "
    "video plays again. It happens every time, for about 10% of our users in production.",
    "Device: Pixel 7, OS: Android 14, SDK version 4.2.1",
]


def _reply(page: Any, count: int) -> Any:
    """The ``count``-th finished bot reply (1-based)."""
    done = page.locator(".msg.bot:not(.pending)")
    done.nth(count - 1).wait_for()
    return done.nth(count - 1)


def test_a_bug_in_three_messages_then_the_status(browser: Any, server: LiveServer) -> None:  # noqa: F811
    page = _page(browser)
    page.goto(server.url + "/#key=demo-key-acme&name=Dana")
    for n, text in enumerate(REPORT, start=1):
        _ask(page, text)
        _reply(page, n)
    card = page.locator(".ticket-card").first
    card.wait_for()
    key = re.search(r"SUP-\d+", card.inner_text()).group(0)  # type: ignore[union-attr]
    ticket = server.ctx.tickets.get(key)
    assert ticket.kind == "bug" and ticket.subject.startswith("After upgrading the Android SDK")
    assert ticket.fields["os_version"] == "Android 14"
    # the first reply asked in user words, never field names
    first = _reply(page, 1).inner_text()
    assert "repro_steps" not in first and "os_version" not in first

    _ask(page, "what's the status of my ticket?")
    status = _reply(page, len(REPORT) + 1)
    assert key in status.inner_text() and "kind-status" in (status.get_attribute("class") or "")
    _ask(page, "What is the default TTL of a token?")
    answer = _reply(page, len(REPORT) + 2)
    assert "kind-answer" in (answer.get_attribute("class") or "")
    assert page.locator("#new-topic").is_visible()
    page.screenshot(path=str(ARTIFACTS / "chat-bug-report.png"), full_page=True)
    page.context.close()


def test_a_visitor_reaches_a_person_through_the_contact_form(
    browser: Any,  # noqa: F811
    server: LiveServer,  # noqa: F811
) -> None:
    page = _page(browser)
    page.goto(server.url + "/")
    _ask(page, "I need to talk to a human")
    offer = _reply(page, 1)
    offer.locator(".action-contact").click()
    page.fill("#contact-name", "Dana Smith")
    page.fill("#contact-email", "dana@pixel.example")
    page.fill("#contact-company", "Pixel Co")
    page.fill("#contact-message", "Our web app cannot connect since this morning")
    page.screenshot(path=str(ARTIFACTS / "chat-contact-form.png"))
    page.locator("#contact-form button[type=submit]").click()
    done = _reply(page, 2)
    text = done.inner_text()
    assert "dana@pixel.example" in text and re.search(r"SUP-\d+", text)
    key = re.search(r"SUP-\d+", text).group(0)  # type: ignore[union-attr]
    assert server.ctx.tickets.get(key).account_id == "community"
    page.context.close()


def test_an_engineers_reply_appears_in_the_chat_and_the_answer_goes_back(
    browser: Any,  # noqa: F811
    server: LiveServer,  # noqa: F811
) -> None:
    import datetime as dt

    page = _page(browser)
    page.goto(server.url + "/#key=demo-key-acme&name=Dana")
    _ask(page, "The Android app crashes when the second user joins a room")
    _reply(page, 1)
    page.locator(".action-go_ahead").last.click()
    card = page.locator(".ticket-card").first
    card.wait_for()
    key = re.search(r"SUP-\d+", card.inner_text()).group(0)  # type: ignore[union-attr]
    ticket = server.ctx.tickets.get(key)
    server.ctx.desk.agent_reply(
        ticket, agent="eng-chen", body="Could you try 4.2.2?", now=dt.datetime.now(dt.UTC)
    )
    page.reload()
    agent = page.locator(".msg.agent").first
    agent.wait_for()
    assert "Could you try 4.2.2?" in agent.inner_text() and "Chen Hao" in agent.inner_text()
    page.screenshot(path=str(ARTIFACTS / "chat-engineer-reply.png"))
    before = page.locator(".msg.bot:not(.pending)").count()
    _ask(page, "yes, 4.2.2 fixes it")
    last = _reply(page, before + 1)
    assert key in last.inner_text() and "kind-ticket_updated" in (last.get_attribute("class") or "")
    bodies = [e.body for e in server.ctx.tickets.events(ticket.id) if e.kind == "message"]
    assert "yes, 4.2.2 fixes it" in bodies
    page.context.close()
