"""The conversation service through its public entry point: real triage and intake, a fake
docs bot."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.context import AppContext
from bot.conversation.factory import build_conversation
from bot.conversation.service import ConversationService
from bot.conversation.types import Inbound, Upload
from tests.conftest import NOW
from tests.conversation.fakes import FakeAnswerer

M = dt.timedelta(minutes=1)
ANSWERS = {
    "token": (
        "Tokens last 24 hours; renew on tokenWillExpire [1].",
        "docs/auth/tokens.md",
        "Token expiry",
    )
}


def _service(ctx: AppContext, answerer: FakeAnswerer | None = None) -> ConversationService:
    docs = answerer or FakeAnswerer(ANSWERS)
    return build_conversation(ctx, knowledge=lambda: docs)


def _in(text: str, ref: str = "s1", account: str | None = "streamly", **kw: object) -> Inbound:
    fields: dict[str, object] = {"user_ref": "dev-1", **kw}
    return Inbound(channel="web", conversation_ref=ref, text=text, account_id=account, **fields)  # type: ignore[arg-type]


def test_question_gets_a_cited_answer_with_buttons(ctx: AppContext) -> None:
    reply = _service(ctx).handle(_in("How long does a token last?"), now=NOW)
    assert reply.kind == "answer" and not reply.handoff
    assert reply.citations[0].source == "docs/auth/tokens.md"
    assert reply.actions == ["solved", "open_ticket", "human"]
    conv = ctx.conversations.get(reply.conversation_id)
    assert [m.role for m in conv.messages] == ["user", "bot"]
    assert conv.messages[1].data["kind"] == "answer"


def test_the_docs_bot_hears_what_the_user_said_earlier(ctx: AppContext) -> None:
    """ "We're on Flutter", then a question: the platform said first reaches the search."""
    answerer = FakeAnswerer(ANSWERS)
    service = _service(ctx, answerer)
    service.handle(_in("Hi, we're on the Flutter SDK, version 3.2"), now=NOW)
    service.handle(_in("How long does a token last?"), now=NOW + M)
    assert answerer.contexts[-1] == ["Hi, we're on the Flutter SDK, version 3.2"]
    assert answerer.asked[-1] == "How long does a token last?"


def test_unanswerable_question_hands_off_and_records_a_gap(ctx: AppContext) -> None:
    reply = _service(ctx).handle(_in("Do you support WebTransport on Unity?"), now=NOW)
    assert reply.kind == "handoff" and reply.handoff
    assert "won't guess" in reply.text
    assert [g.question for g in ctx.gaps.recent()] == ["Do you support WebTransport on Unity?"]


def test_an_unanswered_follow_up_is_recorded_with_its_question(ctx: AppContext) -> None:
    service = _service(ctx)
    service.handle(_in("Do you support WebTransport on Unity?"), now=NOW)
    reply = service.handle(_in("and on Godot?"), now=NOW + M)
    assert reply.kind == "handoff"
    first = "Do you support WebTransport on Unity?"
    assert sorted(g.question for g in ctx.gaps.recent()) == [first, first + "\nand on Godot?"]


def test_empty_message_gets_a_clear_prompt(ctx: AppContext) -> None:
    reply = _service(ctx).handle(_in("   "), now=NOW)
    assert reply.kind == "follow_up" and "question" in reply.text


def test_index_failure_is_an_apology_not_silence(ctx: AppContext) -> None:
    reply = _service(ctx, FakeAnswerer(broken=True)).handle(
        _in("How long does a token last?"), now=NOW
    )
    assert reply.kind == "error" and reply.handoff and reply.actions == ["human"]
    assert "index is unavailable" in reply.text and "saved" in reply.text
    conv = ctx.conversations.get(reply.conversation_id)
    assert conv.messages[0].text == "How long does a token last?", "the user's message is kept"


def test_bug_intake_asks_then_opens_one_ticket(ctx: AppContext) -> None:
    service = _service(ctx)
    first = service.handle(_in("The app crashes when I leave a room"), now=NOW)
    assert first.kind == "follow_up" and "sdk_version" in first.missing
    assert first.actions == ["go_ahead"]
    second = service.handle(
        _in("on Android 14, sdk version 2.14.2. Steps: 1. join 2. leave 3. crash"), now=NOW + M
    )
    assert second.kind == "ticket_opened" and second.ticket is not None
    assert second.ticket.key == "SUP-1001" and second.ticket.kind == "bug"
    assert second.ticket.subject == "The app crashes when I leave a room"
    assert "An engineer will reply by" in second.text
    (ticket,) = ctx.tickets.query()
    assert ticket.fields["platform"] == "Android" and ticket.channel == "web"


def test_go_ahead_opens_with_missing_fields_marked(ctx: AppContext) -> None:
    service = _service(ctx)
    service.handle(_in("The app crashes on start"), now=NOW)
    reply = service.handle(_in("", action="go_ahead"), now=NOW + M)
    assert reply.kind == "ticket_opened" and reply.ticket is not None
    assert {"sdk_version", "platform"} <= set(reply.ticket.missing)
    assert reply.ticket.subject == "The app crashes on start"


def test_open_ticket_without_account_asks_to_sign_in(ctx: AppContext) -> None:
    reply = _service(ctx).handle(_in("", account=None, action="open_ticket"), now=NOW)
    assert reply.kind == "handoff" and reply.handoff
    assert reply.actions == ["sign_in", "contact"] and "sign in" in reply.text.lower()
    assert ctx.tickets.query() == []


def test_talk_to_a_human_opens_a_ticket_with_the_question(ctx: AppContext) -> None:
    service = _service(ctx)
    service.handle(_in("Do you support WebTransport on Unity?"), now=NOW)
    reply = service.handle(_in("", action="human"), now=NOW + M)
    assert reply.kind == "ticket_opened" and reply.handoff
    (ticket,) = ctx.tickets.query()
    assert ticket.subject == "Do you support WebTransport on Unity?"
    assert ticket.kind == "question"


def test_upgrade_goes_to_the_csm_with_stages(ctx: AppContext) -> None:
    reply = _service(ctx).handle(_in("We want to upgrade to the enterprise plan"), now=NOW)
    assert reply.kind == "ticket_opened" and reply.ticket is not None
    assert reply.ticket.kind == "upgrade" and reply.ticket.stage == "submitted"
    assert "**submitted** → in review → quote/contract → done" in reply.text
    assert "Sarah Miller" in reply.text and "csm-miller" not in reply.text
    (ticket,) = ctx.tickets.query()
    assert ticket.assignee_id == "csm-miller"


def test_status_only_for_own_account(ctx: AppContext) -> None:
    service = _service(ctx)
    opened = service.handle(
        _in("We want to upgrade our plan", ref="s-acme", account="acme-games"), now=NOW
    )
    assert opened.ticket is not None
    mine = service.handle(
        _in(f"status of {opened.ticket.key}", ref="s2", account="acme-games"), now=NOW + M
    )
    assert mine.kind == "status" and opened.ticket.key in mine.text
    theirs = service.handle(
        _in(f"status of {opened.ticket.key}", ref="s3", account="streamly"), now=NOW + M
    )
    assert theirs.kind == "status" and "couldn't find" in theirs.text
    assert "upgrade" not in theirs.text


def test_secrets_are_redacted_before_storage(ctx: AppContext) -> None:
    secret = "xoxb-123456789012-123456789012-abcdefghijklmnopqrstuvwx"
    reply = _service(ctx).handle(
        _in(f"my token {secret} expired, how long do tokens last"), now=NOW
    )
    stored = ctx.conversations.get(reply.conversation_id).messages[0].text
    assert secret not in stored


def test_uploads_are_kept_and_refused_ones_explained(ctx: AppContext) -> None:
    service = _service(ctx)
    service.handle(
        _in(
            "The app crashes",
            uploads=(Upload("core.bin", "application/octet-stream", b"\0" * 5000),),
        ),
        now=NOW,
    )
    reply = service.handle(
        _in(
            "Android 14, sdk version 2.1.0, steps: join then leave",
            uploads=(Upload("app.log", "text/plain", b"E/Nimbus: crash in leave()\n"),),
        ),
        now=NOW + M,
    )
    assert reply.kind == "ticket_opened", reply.text
    (ticket,) = ctx.tickets.query()
    assert [a.filename for a in ctx.attachments.for_ticket(ticket.id)] == ["app.log"]


@pytest.mark.parametrize("size", [25_000, 200_000])
def test_huge_message_is_kept_whole_as_a_file(ctx: AppContext, size: int) -> None:
    text = "How long does a token last? " + "x" * size
    reply = _service(ctx).handle(_in(text), now=NOW)
    assert "kept the whole text as an attachment" in reply.text
    (saved,) = ctx.attachments.for_conversation(reply.conversation_id)
    assert ctx.attachments.read(saved).decode() == text


def test_solved_is_recorded(ctx: AppContext) -> None:
    service = _service(ctx)
    answer = service.handle(_in("How long does a token last?"), now=NOW)
    done = service.handle(_in("", action="solved"), now=NOW + M)
    assert done.kind == "acknowledged"
    assert ctx.conversations.get(answer.conversation_id).state["solved"] is True


def test_a_second_open_ticket_click_does_not_open_another(ctx: AppContext) -> None:
    service = _service(ctx)
    service.handle(_in("Do you support WebTransport on Unity?"), now=NOW)
    first = service.handle(_in("", action="open_ticket"), now=NOW + M)
    again = service.handle(_in("", action="open_ticket"), now=NOW + 2 * M)
    assert first.kind == "ticket_opened" and again.kind == "status"
    assert first.ticket and again.ticket and again.ticket.key == first.ticket.key
    assert len(ctx.tickets.query()) == 1


def test_web_tickets_are_announced_once_and_commercial_ones_to_the_csm(ctx: AppContext) -> None:
    from bot.context import build_context
    from tests.scheduler.test_outbox import ScriptedNotifier

    slack = ScriptedNotifier("slack")
    ctx = build_context(
        ctx.settings, config=ctx.config, db=ctx.db, migrate=False, now=NOW,
        transports={"slack": slack},
    )  # fmt: skip
    service = _service(ctx)
    service.handle(_in("The app crashes when I leave a room", ref="bug"), now=NOW)
    service.handle(_in("", ref="bug", action="go_ahead"), now=NOW + M)
    service.handle(_in("", ref="bug", action="go_ahead"), now=NOW + 2 * M)
    bug = sorted(i.target for i in ctx.notifications.items())
    # the on-call engineer (whoever it is) and Streamly's internal channel, each once
    assert "C0STREAMLY-INT" in bug and len(bug) == 2 and "csm-miller" not in bug
    service.handle(_in("We'd like a quote for the enterprise plan", ref="buy"), now=NOW)
    targets = sorted(i.target for i in ctx.notifications.items())
    assert targets.count("csm-miller") == 1 and len(targets) == 4
    assert all(i.payload["kind"] == "new_ticket" for i in ctx.notifications.items())
    assert len(slack.attempts) == 4  # delivered at once, not left for the outbox sweep


def test_earlier_thread_messages_start_the_conversation(ctx: AppContext) -> None:
    """A mention mid-thread brings what the thread said: the docs are asked with its first
    message, the messages are stored (redacted) before the turn's, and only once."""
    answerer = FakeAnswerer(ANSWERS)
    service = _service(ctx, answerer)
    secret = "AKIAIOSFODNN7EXAMPLE"
    earlier = ("Why does our token stop working after a day?", f"we pass {secret} each time")
    reply = service.handle(_in("can you help?", context=earlier), now=NOW)
    assert reply.kind == "answer"
    assert answerer.asked == [f"{earlier[0]}\n\ncan you help?"]
    conv = ctx.conversations.get(reply.conversation_id)
    said = [m.text for m in conv.messages if m.role == "user"]
    assert said[0] == earlier[0] and secret not in said[1] and said[2] == "can you help?"
    # The conversation is under way: context sent again is not taken twice.
    service.handle(_in("and on iOS?", context=earlier), now=NOW + M)
    conv = ctx.conversations.get(reply.conversation_id)
    assert [m.text for m in conv.messages if m.role == "user"][3:] == ["and on iOS?"]


def test_a_bug_report_from_earlier_messages_is_not_asked_for_again(ctx: AppContext) -> None:
    earlier = (
        "The app crashes when I leave a room",
        "Android 14 on a Pixel 7, sdk version 2.14.2. Steps: 1. join 2. leave. Log: "
        "E/Nimbus: NPE in leave()",
    )
    reply = _service(ctx).handle(_in("can you help?", context=earlier), now=NOW)
    assert reply.kind == "ticket_opened", reply.text
    (ticket,) = ctx.tickets.query()
    assert ticket.fields["platform"] == "Android" and ticket.fields["sdk_version"] == "2.14.2"
    opened = ctx.tickets.events(ticket.id)[0]
    assert all(text[:30] in (opened.body or "") for text in earlier)


def test_a_crash_word_in_a_question_gets_an_answer(ctx: AppContext) -> None:
    reply = _service(ctx).handle(
        _in("No crash here, just a question: how long does a token last?"), now=NOW
    )
    assert reply.kind == "answer" and reply.text
    assert reply.citations[0].source == "docs/auth/tokens.md"
    assert ctx.tickets.query() == []


def test_a_question_in_the_middle_of_a_report_is_answered_and_the_report_kept(
    ctx: AppContext,
) -> None:
    service = _service(ctx)
    service.handle(_in("The app crashes when I leave a room"), now=NOW)
    aside = service.handle(_in("Just a question: how long does a token last?"), now=NOW + M)
    assert aside.kind == "answer" and aside.citations[0].source == "docs/auth/tokens.md"
    assert "go_ahead" in aside.actions and "report" in aside.text
    done = service.handle(
        _in("on Android 14, sdk version 2.14.2, steps: join and leave"), now=NOW + 2 * M
    )
    assert done.kind == "ticket_opened" and done.ticket is not None
    assert done.ticket.subject == "The app crashes when I leave a room"


def test_each_message_keeps_its_authors_name(ctx: AppContext) -> None:
    service = _service(ctx)
    first = service.handle(_in("How long does a token last?", user_name="Dana Smith"), now=NOW)
    service.handle(_in("and for RTC?", user_ref="dev-2", user_name="Bob Lee"), now=NOW + M)
    service.handle(_in("thanks", user_ref="dev-3"), now=NOW + 2 * M)
    conv = ctx.conversations.get(first.conversation_id)
    users = [m for m in conv.messages if m.role == "user"]
    assert [(m.author, m.data.get("author_name")) for m in users] == [
        ("dev-1", "Dana Smith"),
        ("dev-2", "Bob Lee"),
        ("dev-3", None),
    ]


def test_an_unreadable_stored_state_starts_afresh(ctx: AppContext) -> None:
    service = _service(ctx)
    first = service.handle(_in("How long does a token last?"), now=NOW)
    ctx.conversations.update(first.conversation_id, now=NOW, state={"version": 2, "report": 7})
    reply = service.handle(_in("How long does a token last?"), now=NOW + M)
    assert reply.kind == "answer"
