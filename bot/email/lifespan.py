"""Reads the support mailbox while the service runs, when ``DESKBOT_IMAP_URL`` is set (the
inbound-mail webhook needs nothing started). Outbound mail needs nothing started either: it
goes through the outbox."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bot.context import AppContext
from bot.email.imap import Mailbox, MailboxPoller
from bot.email.inbox import Inbox

log = logging.getLogger("deskbot.email")


@asynccontextmanager
async def lifespan(app: FastAPI, ctx: AppContext) -> AsyncIterator[None]:
    url = ctx.settings.imap_url
    if url is None:
        yield
        return
    if ctx.config.email is None or ctx.mailer is None:
        log.error("DESKBOT_IMAP_URL is set but e-mail replies cannot be sent: set "
                  "DESKBOT_SMTP_URL and the organisation file's 'email:' section")  # fmt: skip
        yield
        return
    inbox = Inbox(ctx)
    poller = MailboxPoller(
        Mailbox.from_url(url.get_secret_value()), inbox.receive, interval=ctx.settings.imap_poll
    )
    poller.start()
    app.state.mailbox = poller
    log.info("reading the support mailbox")
    try:
        yield
    finally:
        poller.stop()
