"""A Chinese chat stays Chinese when the user pastes English output; it turns English when
the user writes to us in English."""

from __future__ import annotations

from bot.context import AppContext
from tests.conversation.test_conversations import _chat


def test_a_pasted_english_error_keeps_a_chinese_chat_chinese(ctx: AppContext) -> None:
    chat = _chat(ctx, account="tianqi-health")
    chat.say("Windows 客户端进房失败，控制台一直报错")
    pasted = chat.say(
        "rtc::Engine::joinRoom failed. this is an error thrown by the native layer. it often "
        "means the call was rejected; check the parameter types to see if they match."
    )
    opened = chat.say("", action="go_ahead")
    for reply in (pasted, opened):
        assert reply.lang == "zh" and "I've" not in reply.text, reply.text


def test_a_build_log_keeps_a_chinese_chat_chinese(ctx: AppContext) -> None:
    chat = _chat(ctx, account="tianqi-health")
    chat.say("uni-app 云打包报错，插件版本 2.1.0")
    reply = chat.say(
        "Warning: Mapping new ns http://schemas.example.com/common/02 to old ns "
        "http://schemas.example.com/common/01\nWarning: unexpected element. Expected elements "
        "are <codename>,<api-level>\n\nFAILURE: Build failed with an exception."
    )
    assert reply.lang == "zh" and "I've" not in reply.text, reply.text


def test_a_vendor_template_title_is_a_chinese_report(ctx: AppContext) -> None:
    chat = _chat(ctx, account="tianqi-health")
    reply = chat.say("【iOS】-【13.1.1】：【Crash】")
    assert reply.lang == "zh", reply.text


def test_writing_to_us_in_english_switches_the_chat(ctx: AppContext) -> None:
    chat = _chat(ctx, account="tianqi-health")
    chat.say("安卓端进房后听不到对方声音")
    reply = chat.say("Sorry, I will write in English: we hear nothing after joining on Android.")
    assert reply.lang == "en"
