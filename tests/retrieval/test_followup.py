"""Short follow-up questions are asked together with the question before them."""

from __future__ import annotations

from retrieval.followup import with_earlier_question

EARLIER = ["How do I enable push notifications on iOS?"]


def test_a_follow_up_brings_the_earlier_question() -> None:
    for follow_up in ("and on Android?", "What about Flutter?", "also the limit?", "那 iOS 呢？"):
        assert with_earlier_question(follow_up, EARLIER) == f"{EARLIER[0]}\n{follow_up}"
    # The latest message that asks something, not a "thanks".
    assert with_earlier_question("and on Android?", [*EARLIER, "thanks!"]).startswith(EARLIER[0])


def test_a_long_earlier_message_leaves_room_for_the_follow_up() -> None:
    from retrieval.answer import MAX_QUESTION_CHARS

    earlier = "Our Android app drops the call after a network change. " + "log line " * 2000
    joined = with_earlier_question("and on iOS?", [earlier])
    assert joined.endswith("\nand on iOS?") and len(joined) < MAX_QUESTION_CHARS


def test_a_question_that_stands_alone_is_left_as_it_is() -> None:
    assert with_earlier_question("What is the P1 response time?", EARLIER) == (
        "What is the P1 response time?"
    )
    long = "and how do I also make the notification sound play on older Android phones?"
    assert with_earlier_question(long, EARLIER) == long
    assert with_earlier_question("and on Android?", []) == "and on Android?"
    assert with_earlier_question("and on Android?", ["hi", "thanks!"]) == "and on Android?"


def test_the_follow_up_is_answered_for_its_own_platform(kb_over) -> None:
    kb = kb_over(
        {
            "android/push.md": "# Push notifications\n\n## Turn on push\n\nAdd the messaging "
            "service, then register the device token with the SDK.",
            "ios/push.md": "# Push notifications\n\n## Turn on push\n\nEnable the push "
            "capability, then register the device token with the SDK.",
            "android/camera.md": "# Camera\n\n## Permissions\n\nAsk for the camera permission "
            "before you join.",
        }
    )
    answer = kb.ask("and on Android?", context=EARLIER)
    assert answer.citations[0].source == "android/push.md"
    assert "ios/push.md" not in {c.source for c in answer.citations}
