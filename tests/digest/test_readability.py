"""What a CSM reads in the digest: plans by name, overdue times called overdue, and an e-mail
that says which language it is in."""

from __future__ import annotations

import datetime as dt
import re

from bot.config.channels import EmailChannel
from bot.context import AppContext
from bot.digest import build_digest, render_html, render_markdown
from bot.digest.delivery import _messages
from bot.email.compose import Outgoing, build
from tests.digest.test_content import AS_OF, _seed

DAY = dt.date(2026, 11, 18)


def test_plans_are_named_as_the_pages_name_them(desk_ctx: AppContext) -> None:
    _seed(desk_ctx)
    english = render_markdown(build_digest(desk_ctx, "csm-wang", as_of=AS_OF, language="en"))
    assert "## Acme Games (Enterprise)" in english and "(enterprise)" not in english
    chinese = render_markdown(build_digest(desk_ctx, "csm-wang", as_of=AS_OF))
    assert "## Acme Games（企业版）" in chinese


def test_an_overdue_priority_line_says_overdue_not_due(desk_ctx: AppContext) -> None:
    keys = _seed(desk_ctx)
    for lang, overdue, due in (("en", "overdue since", "next due"), ("zh", "起已超时", "最近截止")):
        digest = build_digest(desk_ctx, "csm-wang", as_of=AS_OF, day=DAY, language=lang)
        for rendered in (render_markdown(digest), render_html(digest)):
            # The P1 outage's first response was due 4 h before the digest.
            p1 = _line(rendered, "P1")
            assert overdue in p1 and keys["outage"] in p1, p1
            assert due not in p1, p1
            # The P3 due in the future still reads as due.
            p3 = _line(rendered, "P3")
            assert due in p3 and overdue not in p3, p3


def _line(rendered: str, priority: str) -> str:
    """The open-by-priority line of ``priority`` (a Markdown item or an HTML ``<li>``)."""
    items = re.split(r"\n- |<li>", rendered)
    return next(i for i in items if re.match(rf"{priority}[:：]", i))


def test_the_digest_email_is_marked_with_its_readers_language(desk_ctx: AppContext) -> None:
    _seed(desk_ctx)
    sender = EmailChannel(address="support@nimbus.example", name="Nimbus Support")
    for csm, code in (("csm-wang", "zh-CN"), ("csm-miller", "en")):
        digest = build_digest(desk_ctx, csm, as_of=AS_OF)
        (mail,) = _messages(digest, "email", f"{csm}@nimbus.example", sent_at=AS_OF)
        message = build(Outgoing.from_payload(mail.payload), sender)
        html = message.get_body(preferencelist=("html",))
        assert html is not None and f'<html lang="{code}">' in html.get_content()


def test_a_long_subject_is_clipped_to_keep_the_line_readable(desk_ctx: AppContext) -> None:
    from tests.digest.conftest import open_ticket

    sentence = "Production is down: since 10:40 UTC all users get 'token expired' on login " * 3
    ticket = open_ticket(desk_ctx, "acme-games", at=AS_OF - dt.timedelta(hours=1),
                         priority="P1", subject=sentence.strip(), fr_hours=4)  # fmt: skip
    markdown = render_markdown(build_digest(desk_ctx, "csm-wang", as_of=AS_OF, language="en"))
    line = next(x for x in markdown.splitlines() if ticket.key in x)
    subject = line.split(") P1 ", 1)[1].split(" — ")[0]
    assert len(subject) <= 90 and subject.endswith("…"), subject
    assert subject[:-1] in sentence and sentence[len(subject) - 1] == " ", "cut between words"
    assert "first response due" in line, "the detail is still there"
