"""What a turn means, in English and Chinese, given the conversation's situation."""

from __future__ import annotations

import pytest

from bot.conversation.intents import Intent, TurnFacts, read_turn, relatedness


def _read(text: str, **facts: object) -> Intent:
    return read_turn(TurnFacts(text=text, **facts)).intent  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "status",
        "Status?",
        "any update?",
        "Any updates on my ticket?",
        "what's the status of my ticket?",
        "where are we with this?",
        "has anyone looked at it yet?",
        "is it fixed yet?",
        "我的工单现在什么进度了？",
        "有进展吗",
        "工单状态",
        "状态",
        "怎么样了？",
        "什么时候能解决？",
    ],
)
def test_status_requests_in_any_phrasing(text: str) -> None:
    assert _read(text, has_ticket=True) is Intent.STATUS
    assert _read(text) is Intent.STATUS


@pytest.mark.parametrize(
    "text",
    [
        "What is the status code for an expired token?",
        "how do I get the connection status of a user?",
        "在线状态怎么获取？",
    ],
)
def test_status_words_in_a_docs_question_are_a_question(text: str) -> None:
    assert _read(text) is Intent.QUESTION


def test_a_ticket_key_with_triage_status_is_a_status_request() -> None:
    assert _read("SUP-1042?", ticket_ref=True) is Intent.STATUS
    assert _read("it also happens on Android 13", kind="status", has_facts=True) is not (
        Intent.STATUS
    ), "triage leaning on earlier status questions is not a status request"


@pytest.mark.parametrize(
    "text", ["list my tickets", "show me all our tickets", "my open tickets", "查看所有工单"]
)
def test_listing_tickets(text: str) -> None:
    assert _read(text) is Intent.LIST_TICKETS


@pytest.mark.parametrize(
    "text",
    ["talk to a human", "Can I speak to a person?", "agent please", "转人工", "我要找人工客服"],
)
def test_asking_for_a_person(text: str) -> None:
    assert _read(text) is Intent.HUMAN


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("start over", ""),
        ("new topic", ""),
        ("Another question: how do I mute someone?", "how do I mute someone?"),
        ("different problem - push stopped working on iOS", "push stopped working on iOS"),
        ("新问题：怎么撤回消息？", "怎么撤回消息？"),
    ],
)
def test_starting_over(text: str, rest: str) -> None:
    reading = read_turn(TurnFacts(text=text, has_ticket=True))
    assert reading.intent is Intent.NEW_TOPIC and reading.rest == rest


@pytest.mark.parametrize(
    "text",
    [
        "Can we get a discount on a 3-year commitment?",
        "We'd like a quote for 200k MAU",
        "Please send us the invoice for November",
        "We want to upgrade to the enterprise plan",
        "能给个报价吗？我们想升级到企业版",
        "发票怎么开？我们需要增值税专用发票",
    ],
)
def test_commercial_requests(text: str) -> None:
    assert _read(text) is Intent.COMMERCIAL


@pytest.mark.parametrize(
    "text", ["How do I download an invoice?", "How do I upgrade my plan in the console?"]
)
def test_how_to_about_billing_is_a_docs_question(text: str) -> None:
    assert _read(text) is Intent.QUESTION


def test_a_commercial_word_inside_a_bug_report_is_part_of_the_report() -> None:
    text = "after we upgraded to the pro plan the app crashes on join"
    assert _read(text, kind="bug", reporting=True) is Intent.DETAIL


@pytest.mark.parametrize("text", ["thanks!", "ok, thank you", "谢谢", "好的"])
def test_thanks(text: str) -> None:
    assert _read(text) is Intent.THANKS


@pytest.mark.parametrize("text", ["that worked, thanks", "it works now", "解决了，谢谢"])
def test_solved(text: str) -> None:
    assert _read(text) is Intent.SOLVED


def test_thanks_with_a_problem_is_not_thanks() -> None:
    assert _read("thanks, but it still crashes", kind="bug") is Intent.REPORT


@pytest.mark.parametrize("text", ["hi", "Hello there!", "你好"])
def test_greetings(text: str) -> None:
    assert _read(text, kind="other") is Intent.GREETING


def test_known_issue_answers() -> None:
    assert _read("no, that's not it", awaiting="known_issue", reporting=True) is Intent.NOT_IT
    assert _read("不是这个问题", awaiting="known_issue", reporting=True) is Intent.NOT_IT
    assert _read("yes, exactly that", awaiting="known_issue", reporting=True) is Intent.SOLVED
    assert _read("是的，就是这个", awaiting="known_issue", reporting=True) is Intent.SOLVED


@pytest.mark.parametrize("text", ["please just open the ticket", "go ahead", "直接提交吧"])
def test_go_ahead_in_words(text: str) -> None:
    assert _read(text, reporting=True) is Intent.GO_AHEAD
    assert _read(text) is Intent.OPEN_TICKET


def test_buttons_say_it_outright() -> None:
    assert _read("", action="new_topic", has_ticket=True) is Intent.NEW_TOPIC
    assert _read("", action="not_it", reporting=True) is Intent.NOT_IT
    assert _read("", action="status") is Intent.STATUS


def test_a_report_is_taken_and_detail_goes_to_it() -> None:
    assert _read("remote video goes black after backgrounding", kind="bug") is Intent.REPORT
    assert _read("Android 14, SDK 4.2.1", kind="other", has_facts=True, reporting=True) is (
        Intent.DETAIL
    )
    # an attachment alone starts a report, or adds to the one under way
    assert _read("", uploads=True) is Intent.REPORT
    assert _read("", uploads=True, reporting=True) is Intent.DETAIL


def test_a_question_mid_report_is_answered_unless_it_answers_the_bot() -> None:
    assert _read("how long does a token last?", reporting=True) is Intent.QUESTION
    # "which version?" — "is it 2.14?" answers the bot's question about the report
    assert (
        _read("is it about video on android?", reporting=True, awaiting="details", related=0.5)
        is Intent.DETAIL
    )


def test_after_a_ticket_new_detail_questions_and_other_problems() -> None:
    on = {"has_ticket": True}
    assert _read("How do I renew an expired token?", **on) is Intent.QUESTION
    assert _read("Device: Pixel 8, OS: Android 14", kind="other", has_facts=True, **on) is (
        Intent.DETAIL
    )
    assert _read("it also happens on iOS", kind="bug", related=0.6, **on) is Intent.DETAIL
    other = "Push notifications stopped arriving on iOS"
    assert _read(other, kind="bug", headline=True, other_product=True, **on) is Intent.REPORT
    # right after a report, an unrelated-looking message of the same product is more of it
    assert _read(other, kind="bug", headline=True, **on) is Intent.DETAIL
    said = f"Also, a separate issue: {other}"
    assert _read(said, kind="bug", headline=True, **on) is Intent.REPORT


def test_an_error_under_a_how_to_question_stays_a_question() -> None:
    error = "Error: The setter 'onMessageReceived=' was called on null"
    assert _read(error, kind="bug", topic_question=True) is Intent.QUESTION
    assert _read(error, kind="bug", topic_question=True, strong_bug=True) is Intent.REPORT


def test_more_detail_that_asks_again_after_a_docs_answer_is_still_a_question() -> None:
    text = "Running the sample unchanged, tapping Start does nothing; errorCode 11. What is wrong?"
    assert _read(text, kind="bug", after_answer=True) is Intent.QUESTION
    assert _read(text.removesuffix(" What is wrong?"), kind="bug", after_answer=True) is (
        Intent.REPORT
    )
    crash = "Now the app crashes on start. Why?"
    assert _read(crash, kind="bug", after_answer=True, strong_bug=True) is Intent.REPORT


def test_relatedness_counts_against_the_shorter_text() -> None:
    subject = "Add app-managed audio session mode to the iOS SDK"
    long_story = (
        "Integrating the iOS SDK with CallKit we need to manage the audio session ourselves; "
        "today the SDK activates the session itself which breaks CallKit audio routing."
    )
    assert relatedness(long_story, subject) >= 0.3
    assert relatedness("How do I renew an expired token?", subject) == 0.0
    assert relatedness("安卓端进房后听不到声音", "安卓进房以后对方听不到声音，iOS正常") >= 0.5
