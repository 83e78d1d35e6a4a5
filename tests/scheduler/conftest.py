"""Fixtures for the scheduler: a scanner on the test context, helpers to open tickets."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import OrgConfig
from bot.context import AppContext
from bot.notify import Notifier
from bot.notify.audience import Audience
from bot.notify.log import LogNotifier
from bot.scheduler.scanner import SlaScanner
from bot.store.records import NewTicket, Ticket
from tests.conftest import NOW

M = dt.timedelta(minutes=1)
H = dt.timedelta(hours=1)


def open_ticket(
    ctx: AppContext,
    account: str = "acme-games",
    priority: str = "P2",
    *,
    at: dt.datetime = NOW,
    assignee: str | None = None,
) -> Ticket:
    new = NewTicket(
        account_id=account, kind="bug", priority=priority, subject="video freezes",
        requester="U0CUSTOMER", assignee_id=assignee,
    )  # fmt: skip
    return ctx.desk.open(new, now=at)


def audience_with(
    ctx: AppContext, *, config: OrgConfig | None = None, slack: bool = True, email: bool = False
) -> Audience:
    """The context's audience as if Slack (and e-mail) ran, over ``config``: escalations are
    routed to Slack users, addresses and the escalation channel (nothing is sent here)."""
    transports: dict[str, Notifier] = dict(ctx.transports)
    if slack:
        transports["slack"] = LogNotifier()
    if email:
        transports["email"] = LogNotifier()
    return Audience(
        config=config or ctx.config, notifications=ctx.notifications, inbound=ctx.inbound,
        conversations=ctx.conversations, transports=transports, tickets=ctx.tickets,
    )  # fmt: skip


@pytest.fixture
def scanner(ctx: AppContext) -> SlaScanner:
    return SlaScanner.from_context(ctx, clock=lambda: NOW)
