"""A web visitor who used the contact form hears the staff's answer by e-mail (aiosmtpd on
loopback), in a thread of the ticket's own, and their answer by e-mail comes back to the
ticket; an internal note never leaves."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from fastapi.testclient import TestClient

from bot.config import OrgConfig
from bot.context import AppContext, build_context
from bot.email.inbox import Inbox
from bot.email.smtp import SmtpMailer
from bot.service.app import create_app
from bot.settings import Settings
from bot.store.db import Database
from tests.conftest import NOW
from tests.conversation.fakes import FakeAnswerer
from tests.servers.smtp_stub import SmtpStub

VISITOR = "dana@pixel.example"


@pytest.fixture
def web(
    settings: Settings, database: Database, example_config: OrgConfig, smtp: SmtpStub
) -> Iterator[tuple[TestClient, AppContext]]:
    ctx = build_context(
        settings, config=example_config, db=database, migrate=False, now=NOW,
        mailer=SmtpMailer.from_url(smtp.url, timeout=5), knowledge=lambda: FakeAnswerer({}),
    )  # fmt: skip
    with TestClient(create_app(settings, context=ctx, start=())) as client:
        yield client, ctx


def to_visitor(smtp: SmtpStub) -> list[EmailMessage]:
    return [m for m in smtp.messages if m["To"] == VISITOR]


def test_a_contact_form_tickets_staff_reply_reaches_the_visitor_by_email(
    web: tuple[TestClient, AppContext], smtp: SmtpStub
) -> None:
    client, ctx = web
    token = client.post("/api/session", json={}).json()["token"]
    r = client.post(
        "/api/contact",
        json={"name": "Dana Smith", "email": VISITOR, "company": "Pixel Co",
              "message": "Remote video goes black after 30 s on Android 14, SDK 4.2.1."},
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    key = r.json()["key"]
    staff = TestClient(client.app, follow_redirects=False)
    staff.post("/staff/login", data={"login": "mgr-lin", "password": "deskbot-demo"})
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', staff.get(f"/staff/tickets/{key}").text)
    assert csrf
    form = {"csrf": csrf.group(1)}
    staff.post(f"/staff/tickets/{key}/note", data={**form, "body": "on the known black-video bug"})
    r = staff.post(f"/staff/tickets/{key}/reply", data={**form, "body": "Fixed in 4.2.2."})
    assert r.status_code == 303, r.text

    smtp.wait(1)
    (answer,) = to_visitor(smtp)
    assert f"[{key}]" in answer["Subject"] and answer["Auto-Submitted"] is None
    text = answer.get_body(("plain",)).get_content()
    assert "Fixed in 4.2.2." in text and "Lin Qiang, Nimbus Support" in text
    assert "black-video" not in text, "the internal note stays internal"
    (item,) = [i for i in ctx.notifications.items() if i.payload.get("via") == "email"]
    assert item.status == "sent"

    # The visitor answers by e-mail: it lands on the ticket, unanswered by the bot.
    back = EmailMessage()
    back["From"] = f"Dana Smith <{VISITOR}>"
    back["To"] = "support@nimbus.example"
    back["Subject"] = f"Re: {answer['Subject']}"
    back["Message-ID"] = make_msgid(domain="pixel.example")
    back["In-Reply-To"] = answer["Message-ID"]
    back.set_content("Thanks, 4.2.2 fixes it.")
    received = Inbox(ctx).receive(bytes(back))
    assert received.outcome == "recorded"
    last = ctx.tickets.events(ctx.tickets.get(key).id)[-1]
    assert (last.kind, last.actor_kind, last.body) == (
        "message",
        "customer",
        "Thanks, 4.2.2 fixes it.",
    )
    assert len(to_visitor(smtp)) == 1
