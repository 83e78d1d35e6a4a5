"""Fixtures for the scheduler: a scanner on the test context, helpers to open tickets."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.context import AppContext
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


@pytest.fixture
def scanner(ctx: AppContext) -> SlaScanner:
    return SlaScanner.from_context(ctx, clock=lambda: NOW)
