"""What follows a request in the same chat: more about a pricing ask or a feature request is
added to the request already made, not filed as a second one; a page's progress bar is no
status question; a ticket opened before anything was said is titled in the chat's language."""

from __future__ import annotations

from bot.context import AppContext
from bot.conversation.intents import Intent, TurnFacts, read_turn
from tests.conversation.test_conversations import _chat


def test_more_about_a_pricing_request_goes_to_it(ctx: AppContext) -> None:
    chat = _chat(ctx)
    first = chat.say("私有云版本怎么收费？")
    assert first.kind == "ticket_opened" and first.ticket is not None
    more = chat.say("我们大概 3 万日活，想了解按年付费的报价和授权方式，有没有套餐？")
    assert more.kind == "ticket_updated", more.text
    (ticket,) = ctx.tickets.query()
    assert ticket.key == first.ticket.key and ticket.kind in ("upgrade", "commercial")


def test_the_message_after_a_feature_request_is_more_of_it(ctx: AppContext) -> None:
    chat = _chat(ctx)
    first = chat.say("Please add support for a custom ringtone per call")
    assert first.kind == "ticket_opened"
    more = chat.say(
        "**Describe the solution you'd like**\nAn option on startCall that takes a sound file, "
        "so each contact can have its own tone."
    )
    assert more.kind == "ticket_updated", more.text
    assert [t.kind for t in ctx.tickets.query()] == ["feature"]


def test_a_second_request_after_an_earlier_one_is_still_its_own() -> None:
    facts = dict(has_ticket=True, ticket_kind="feature", kind="feature", related=0.0)
    later = TurnFacts(text="Please add a dark theme to the call screen", **facts)  # type: ignore[arg-type]
    assert read_turn(later).intent is Intent.FEATURE
    right_after = TurnFacts(text="Please add a dark theme", just_opened=True, **facts)  # type: ignore[arg-type]
    assert read_turn(right_after).intent is Intent.DETAIL


def test_a_progress_bar_is_not_a_status_request() -> None:
    text = "上传文件时进度条卡在 99%，然后提示发送失败"
    assert read_turn(TurnFacts(text=text, kind="bug")).intent is not Intent.STATUS
    assert read_turn(TurnFacts(text="有进度了吗？", has_ticket=True)).intent is Intent.STATUS


def test_a_ticket_opened_before_anything_was_said_is_titled_in_chinese(ctx: AppContext) -> None:
    chat = _chat(ctx)
    chat.say("你好")
    reply = chat.say("", action="open_ticket")
    assert reply.kind == "ticket_opened" and reply.ticket is not None
    subject = ctx.tickets.get(reply.ticket.key).subject
    assert subject == "咨询技术支持"
