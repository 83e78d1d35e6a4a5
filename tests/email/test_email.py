"""E-mail end to end against real local servers: Dovecot (IMAP, started by
scripts/with_dovecot.sh) and aiosmtpd (SMTP, in-process on loopback)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from sqlalchemy.exc import OperationalError

from bot.context import AppContext
from bot.email.imap import ATTEMPTS, Mailbox, MailboxPoller
from bot.email.inbox import Inbox
from bot.notify.audience import HOLD
from tests.conftest import IN_CI, NOW
from tests.servers.smtp_stub import SmtpStub

IMAP_URL = os.environ.get("DESKBOT_TEST_IMAP_URL")
CUSTOMER = "dev@streamly.example"
LOG = b"2026-11-18 10:01:02 E/NimbusRTC: leave failed code=NR-5003 sdk=2.14.2\nFATAL EXCEPTION\n"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    if IMAP_URL is None:
        if IN_CI:
            pytest.fail("Dovecot is required in CI (DESKBOT_TEST_IMAP_URL is not set)")
        pytest.skip("no IMAP server (run through `make test` to start Dovecot)")
    box = Mailbox.from_url(IMAP_URL)
    client = box.client()
    client.delete_messages(client.search(["ALL"]))
    client.expunge()
    yield box
    box.close()


def mail(
    text: str,
    *,
    subject: str = "Crash when leaving a room",
    sender: str = CUSTOMER,
    reply_to: EmailMessage | None = None,
    attachment: tuple[str, bytes] | None = None,
    **headers: str,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Dana Dev <{sender}>"
    message["To"] = "support@nimbus.example"
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="streamly.example")
    if reply_to is not None:
        message["In-Reply-To"] = reply_to["Message-ID"]
        message["References"] = " ".join(
            filter(None, [str(reply_to.get("References") or ""), reply_to["Message-ID"]])
        )
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    if attachment is not None:
        message.add_attachment(attachment[1], maintype="text", subtype="plain",
                               filename=attachment[0])  # fmt: skip
    return message


def to_customer(smtp: SmtpStub) -> list[EmailMessage]:
    return [m for m in smtp.messages if m["To"] == CUSTOMER]


def deliver(mailbox: Mailbox, message: EmailMessage) -> None:
    """Put a message in the support mailbox, as the customer's mail server would."""
    mailbox.client().append(mailbox.server.folder, bytes(message))


@pytest.mark.external_service
def test_a_bug_by_email_is_asked_about_then_ticketed_and_staff_replies_reach_the_thread(
    mail_ctx: AppContext, mailbox: Mailbox, smtp: SmtpStub
) -> None:
    poller = MailboxPoller(mailbox, Inbox(mail_ctx).receive)
    first = mail("Our app crashes when users leave a video call. Can you help?")
    deliver(mailbox, first)
    assert poller.check() == 1 and poller.check() == 0  # read once, then marked seen
    (question,) = smtp.wait(1)
    assert question["In-Reply-To"] == first["Message-ID"]
    assert question["Auto-Submitted"] == "auto-replied"
    assert question["Subject"] == "Re: Crash when leaving a room"
    assert "version" in question.get_body(("plain",)).get_content().lower()  # a follow-up

    # The answer with the details, quoting our question below a signature, with the log.
    details = mail(
        "Android 14, Pixel 7, Nimbus RTC SDK 2.14.2. Steps: 1. open app 2. join room 3. leave, "
        "it crashes. Expected to leave, actually it crashes. 30% of our users in production.\n\n"
        "--\nDana Dev, Streamly\n\nOn Wed, support wrote:\n> Which SDK version?\n",
        subject="Re: Crash when leaving a room", reply_to=question, attachment=("app.log", LOG),
    )  # fmt: skip
    deliver(mailbox, details)
    assert poller.check() == 1
    smtp.wait(3)  # the reply, and the new ticket for the on-call engineer (no Slack here)
    opened = to_customer(smtp)[1]
    (ticket,) = mail_ctx.tickets.query()
    (announced,) = [m for m in smtp.messages if m["To"] != CUSTOMER]
    assert ticket.key in announced["Subject"] and announced["To"].endswith("@nimbus.example")
    assert ticket.channel == "email" and ticket.account_id == "streamly"
    assert f"[{ticket.key}]" in opened["Subject"]
    assert opened["In-Reply-To"] == details["Message-ID"]
    assert first["Message-ID"] in opened["References"]
    assert [a.filename for a in mail_ctx.attachments.for_ticket(ticket.id)] == ["app.log"]
    conv = mail_ctx.conversations.get(ticket.conversation_id or "")
    assert not any("Which SDK version?" in m.text for m in conv.messages)  # quote stripped

    # A staff reply (the web staff page's desk call) reaches the customer in the same thread.
    mail_ctx.desk.agent_reply(ticket, agent="eng-chen", body="Fixed in 2.14.3.", now=NOW)
    smtp.wait(4)
    staff = to_customer(smtp)[2]
    assert staff["To"] == CUSTOMER and f"[{ticket.key}]" in staff["Subject"]
    assert staff["In-Reply-To"] == opened["Message-ID"]
    assert staff["Auto-Submitted"] is None  # a person wrote it
    assert "Fixed in 2.14.3." in staff.get_body(("plain",)).get_content()
    # An internal note never leaves.
    mail_ctx.desk.note(ticket, agent="eng-chen", body="customer on old build", now=NOW)
    assert len(smtp.messages) == 4


@pytest.mark.external_service
def test_auto_replies_bounces_and_loops_are_not_answered(
    mail_ctx: AppContext, mailbox: Mailbox, smtp: SmtpStub
) -> None:
    poller = MailboxPoller(mailbox, Inbox(mail_ctx).receive)
    deliver(mailbox, mail("I am out of the office.", subject="Out of office",
                          Auto_Submitted="auto-replied"))  # fmt: skip
    deliver(mailbox, mail("Delivery failed", sender="MAILER-DAEMON@streamly.example"))
    deliver(mailbox, mail("our own reply, bounced back", sender="support@nimbus.example"))
    ours = mail("a reply of ours coming back")
    ours.replace_header("Message-ID", "<deskbot.abc@nimbus.example>")
    deliver(mailbox, ours)
    assert poller.check() == 4
    assert smtp.messages == [] and mail_ctx.conversations.find("email", ours["Message-ID"]) is None


def test_an_smtp_server_that_refuses_then_recovers_gets_the_reply_later(
    mail_ctx: AppContext, smtp: SmtpStub
) -> None:
    smtp.refuse(1)
    received = Inbox(mail_ctx).receive(bytes(mail("How do I join a room?")))
    assert received.outcome == "answered" and smtp.messages == []
    item = mail_ctx.notifications.get(received.outbox_id or 0)
    assert item is not None and item.status == "pending" and "451" in (item.last_error or "")
    # The same message delivered twice (a webhook retry) is answered once.
    assert Inbox(mail_ctx).receive(bytes(mail("again"))).outcome == "answered"
    from bot.notify.outbox import OutboxWorker

    later = dt.datetime.now(dt.UTC) + HOLD + dt.timedelta(minutes=5)
    OutboxWorker.from_context(mail_ctx, mail_ctx.transports).deliver_due(later)
    assert len(smtp.wait(2)) == 2
    assert mail_ctx.notifications.get(item.id).status == "sent"  # type: ignore[union-attr]


@pytest.mark.external_service
def test_a_message_that_keeps_failing_is_set_aside_for_a_person(
    mail_ctx: AppContext, mailbox: Mailbox
) -> None:
    calls: list[bytes] = []

    def broken(raw: bytes) -> None:
        calls.append(raw)
        raise RuntimeError("a bug in handling this one message")

    poller = MailboxPoller(mailbox, broken)
    deliver(mailbox, mail("This one trips a bug."))
    for _ in range(ATTEMPTS):
        assert poller.check() == 0
    assert len(calls) == ATTEMPTS and poller.check() == 0 and len(calls) == ATTEMPTS
    client = mailbox.client()
    (uid,) = client.search(["ALL"])  # still in the mailbox, for a person
    flags = client.get_flags([uid])[uid]
    assert b"\\Seen" in flags and b"\\Flagged" in flags
    # A message that fails once and then goes through is answered, not set aside.
    flaky = iter([RuntimeError("database restarting"), None])

    def once(raw: bytes) -> None:
        error = next(flaky)
        if error is not None:
            raise error

    deliver(mailbox, mail("Second message."))
    poller = MailboxPoller(mailbox, once)
    assert poller.check() == 0 and poller.check() == 1 and poller.failures == {}
    # The database down fails every message alike, however long: nothing is set aside.

    def database_down(raw: bytes) -> None:
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    deliver(mailbox, mail("Third message, while the database restarts."))
    poller = MailboxPoller(mailbox, database_down)
    for _ in range(ATTEMPTS + 2):
        assert poller.check() == 0
    assert len(mailbox.unseen()) == 1
