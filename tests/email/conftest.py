"""What the e-mail tests share: a real SMTP server on loopback (aiosmtpd) and a desk that
sends through it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.config import OrgConfig
from bot.context import AppContext, build_context
from bot.email.smtp import SmtpMailer
from bot.settings import Settings
from bot.store.db import Database
from tests.conftest import NOW
from tests.conversation.fakes import FakeAnswerer
from tests.servers.smtp_stub import SmtpStub


@pytest.fixture
def smtp() -> Iterator[SmtpStub]:
    with SmtpStub() as stub:
        yield stub


@pytest.fixture
def mail_ctx(
    settings: Settings, database: Database, example_config: OrgConfig, smtp: SmtpStub
) -> AppContext:
    return build_context(
        settings, config=example_config, db=database, migrate=False, now=NOW,
        mailer=SmtpMailer.from_url(smtp.url, timeout=5), knowledge=lambda: FakeAnswerer({}),
    )  # fmt: skip
