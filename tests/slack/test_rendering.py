"""Slack rendering: the short answer first, at most three linked sources on one line, clean
notification text, one set of buttons per thread, Chinese buttons in a Chinese thread."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from bot.conversation.types import CitationRef, Reply
from bot.slack.answer_text import clean_answer, plain
from bot.slack.blocks import reply_message
from tests.slack.conftest import message, post_event, wait_until
from tests.slack.stub import SlackStub

EXTRACTIVE = """From the documentation:

**faq.yaml › Can I record a room?** [1]
> Yes: start a cloud recording with startRecording() after the room is joined.
> Recordings are kept for 30 days.

**faq.yaml › Can I record a room?** [2]
> Recording needs the Pro plan.

**Recording › Limits** [3]
> | Plan | Hours per month |
> |------|-----------------|
> | Pro | 100 |

**Recording › Formats** [4]
> MP4 and HLS are supported.

[1] faq.yaml › Can I record a room? — https://docs.nimbus.example/faq#record
[2] faq.yaml › Can I record a room? — https://docs.nimbus.example/faq#record
[3] Recording › Limits — https://docs.nimbus.example/recording#limits
[4] Recording › Formats (recording.md)"""

CITATIONS = [
    CitationRef("faq.yaml", "Can I record a room?", "https://docs.nimbus.example/faq#record"),
    CitationRef("faq.yaml", "Can I record a room?", "https://docs.nimbus.example/faq#record"),
    CitationRef("recording.md", "Limits", "https://docs.nimbus.example/recording#limits"),
    CitationRef("recording.md", "Formats", None),
    CitationRef("api.md", "startRecording", "https://docs.nimbus.example/api#start"),
]


def test_an_extractive_answer_reads_well_in_slack() -> None:
    cleaned = clean_answer(EXTRACTIVE)
    assert cleaned.startswith("Yes: start a cloud recording with startRecording()")
    assert "From the documentation" not in cleaned
    assert "faq.yaml" not in cleaned, "a file name is not a heading"
    assert cleaned.count("Can I record a room?") == 1
    assert "|" not in cleaned and "Pro — 100" in cleaned and "---" not in cleaned
    assert "[4] Recording" not in cleaned and "recording.md" not in cleaned  # no source list

    text, blocks = reply_message(
        Reply(kind="answer", text=EXTRACTIVE, conversation_id="c", citations=CITATIONS),
        value="C1:1.1",
    )
    rendered = json.dumps(blocks)
    assert "<https://docs.nimbus.example/faq#record|[1]>" in rendered
    (line,) = [b for b in blocks if b["type"] == "context"]
    links = line["elements"][0]["text"]
    assert links.count("<https://") == 3 and links.count("\n") == 0
    assert "faq#record" in links and "recording#limits" in links and "api#start" in links
    assert "recording.md" not in links
    assert "**" not in text and "> " not in text and "https://" not in text
    assert text.startswith("Yes: start a cloud recording")


def test_plain_text_has_no_markdown() -> None:
    assert plain("Call **join()** after `connect()`; see [the guide](https://x.example).") == (
        "Call join() after connect(); see the guide."
    )


def test_an_older_answers_buttons_are_retired_when_the_thread_moves_on(
    slack_client: TestClient, slack_stub: SlackStub
) -> None:
    post_event(slack_client, message("How do I join a room?"))
    first = slack_stub.wait_for("chat.update", where=lambda a: "actions" in json.dumps(a))[0]
    later = message("And how do I leave it?", ts="1763431100.000200",
                    thread_ts="1763431000.000100")  # fmt: skip
    post_event(slack_client, later)
    retired = slack_stub.wait_for(
        "chat.update",
        where=lambda a: a["ts"] == first["ts"] and '"actions"' not in json.dumps(a["blocks"]),
    )[0]
    assert "join()" in json.dumps(retired["blocks"])  # the answer stays, its buttons go
    newest = wait_until(
        lambda: [
            u
            for u in slack_stub.calls_to("chat.update")
            if u["ts"] != first["ts"] and '"actions"' in json.dumps(u["blocks"])
        ]
    )
    assert newest, "the newest reply keeps its buttons"
