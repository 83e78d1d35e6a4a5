"""With Slack off and e-mail on, escalations reach people by e-mail (aiosmtpd on loopback):
each person of a step at their address, the customer told of a breach in their own thread,
and nothing is marked sent that the mail server did not take."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import OrgConfig
from bot.context import AppContext, build_context
from bot.email.smtp import SmtpMailer
from bot.notify.outbox import OutboxWorker
from bot.scheduler.scanner import SlaScanner
from bot.settings import Settings
from bot.store.db import Database
from bot.store.records import NewTicket
from tests.conftest import NOW
from tests.servers.smtp_stub import SmtpStub

M = dt.timedelta(minutes=1)


@pytest.fixture
def mail_ctx(
    settings: Settings, database: Database, example_config: OrgConfig, smtp: SmtpStub
) -> AppContext:
    settings = settings.model_copy(update={"public_url": "https://desk.nimbus.example"})
    return build_context(
        settings, config=example_config, db=database, migrate=False, now=NOW,
        mailer=SmtpMailer.from_url(smtp.url, timeout=5), clock=lambda: NOW,
    )  # fmt: skip


def _ticket(ctx: AppContext) -> str:
    new = NewTicket(
        account_id="acme-games", kind="bug", priority="P2", subject="video freezes on join",
        requester="U0CUSTOMER", assignee_id="eng-park", priority_reason="core feature broken",
    )  # fmt: skip
    return ctx.desk.open(new, now=NOW).key


def test_a_step_is_mailed_to_each_of_its_people(mail_ctx: AppContext, smtp: SmtpStub) -> None:
    key = _ticket(mail_ctx)
    smtp.wait(1)  # the new ticket, to the on-call engineer (no Slack here)
    report = SlaScanner.from_context(mail_ctx).scan(NOW + 30 * M)
    assert [dict(f.reached) for f in report.fired] == [{"eng-park": "email"}]
    worker = OutboxWorker.from_context(mail_ctx, mail_ctx.transports)
    assert worker.deliver_due(NOW + 30 * M) == 2  # the e-mail and the log line
    warning = smtp.wait(2)[-1]
    assert warning["To"] == "park.jiwoo@nimbus.example"
    assert warning["Subject"].startswith(f"[{key}] SLA 50% elapsed")
    body = warning.get_body(("plain",)).get_content()
    assert "video freezes on join" in body and "Why P2: core feature broken" in body
    assert f"https://desk.nimbus.example/staff/tickets/{key}" in body


def test_a_refusing_mail_server_leaves_the_step_unsent_until_it_takes_it(
    mail_ctx: AppContext, smtp: SmtpStub
) -> None:
    _ticket(mail_ctx)
    smtp.wait(1)
    SlaScanner.from_context(mail_ctx).scan(NOW + 60 * M)  # the backlog: one breach ping
    worker = OutboxWorker.from_context(mail_ctx, mail_ctx.transports)
    smtp.refuse(2)
    worker.deliver_due(NOW + 60 * M)
    mails = [i for i in mail_ctx.notifications.items() if i.payload["kind"] == "escalation"
             and i.transport == "email"]  # fmt: skip
    assert sorted(i.target for i in mails) == [
        "lin.qiang@nimbus.example", "wang.fang@nimbus.example",
    ]  # fmt: skip
    assert all(i.status == "pending" and "451" in (i.last_error or "") for i in mails)
    worker.deliver_due(NOW + 70 * M)
    after = [mail_ctx.notifications.get(i.id) for i in mails]
    assert [i.status for i in after if i is not None] == ["sent", "sent"]
    to = sorted(m["To"] for m in smtp.messages[1:])
    assert to == ["lin.qiang@nimbus.example", "wang.fang@nimbus.example"]
