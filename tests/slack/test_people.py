"""People's names from ``users.info`` (cached, with a fallback to the id) and Slack markup made
readable."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot.context import AppContext
from bot.settings import Settings
from bot.slack.client import web_client
from bot.slack.people import UserNames, limited, readable
from bot.slack.runtime import SlackRuntime
from tests.conftest import NOW
from tests.slack.conftest import Recorder, message, post_event
from tests.slack.stub import BOT_USER, SlackStub


class Ticking:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_names_are_cached_for_their_ttl(settings: Settings, slack_stub: SlackStub) -> None:
    slack_stub.add_user("U0DEV1", display_name="Dana", real_name="Dana Smith")
    slack_stub.add_user("U0DEV2", real_name="Lee Wong")
    clock = Ticking()
    names = UserNames(web_client(settings), ttl=60, clock=clock)

    assert names.name("U0DEV1") == "Dana"  # the display name, as Slack shows it
    assert names.name("U0DEV2") == "Lee Wong"  # no display name: the real name
    assert names.name("U0DEV1") == "Dana"
    assert len(slack_stub.calls_to("users.info")) == 2
    clock.now += 61
    assert names.name("U0DEV1") == "Dana"
    assert len(slack_stub.calls_to("users.info")) == 3


def test_a_failed_lookup_gives_none_and_is_not_repeated_at_once(
    settings: Settings, slack_stub: SlackStub
) -> None:
    slack_stub.add_user("U0DEV1", display_name="Dana")
    slack_stub.fail("users.info", status=200, error="missing_scope")  # users:read not granted
    clock = Ticking()
    names = UserNames(web_client(settings), failure_ttl=300, clock=clock)

    assert names.name("U0DEV1") is None
    assert names.name("U0DEV1") is None
    assert names.name("U0GONE") is None  # user_not_found
    assert len(slack_stub.calls_to("users.info")) == 2
    clock.now += 301
    assert names.name("U0DEV1") == "Dana"


def test_staff_are_named_from_the_config_without_asking_slack(
    ctx: AppContext, slack_stub: SlackStub
) -> None:
    rt = SlackRuntime(ctx=ctx, client=web_client(ctx.settings), clock=lambda: NOW)
    assert rt.user_name("U0ENGCHEN") == "Chen Hao"
    assert slack_stub.calls_to("users.info") == []


def test_markup_is_made_readable() -> None:
    names = {"U0DEV2": "Lee Wong"}.get
    text = (
        f"<@{BOT_USER}> ask <@U0DEV2> or <@U0NOBODY>, see <#C0GEN|general> and "
        "<https://docs.example/rtc|the guide> &lt;AudioSession&gt; &amp;lt; <!here>"
    )
    assert readable(text, names=names, drop=BOT_USER) == (
        "ask @Lee Wong or @U0NOBODY, see #general and the guide (https://docs.example/rtc) "
        "<AudioSession> &lt; @here"
    )


def test_lookups_are_bounded() -> None:
    asked: list[str] = []

    def names(user: str) -> str:
        asked.append(user)
        return user.lower()

    lookup = limited(names, 2)
    assert [lookup(u) for u in ("U1", "U2", "U1", "U3")] == ["u1", "u2", "u1", None]
    assert asked == ["U1", "U2"]


def test_the_asker_and_the_people_they_mention_are_named(
    slack_client: TestClient, slack_stub: SlackStub, conversation: Recorder
) -> None:
    slack_stub.add_user("U0DEV1", real_name="Dana Smith")
    slack_stub.add_user("U0DEV2", display_name="Lee")
    post_event(slack_client, message("Does <@U0DEV2>'s fix for echo need SDK 4.3?"))
    slack_stub.wait_for("chat.update", where=lambda a: "blocks" in a)
    post_event(slack_client, message("and <@U0DEV2> again?", ts="1763431000.000200",
                                     thread_ts="1763431000.000100"))  # fmt: skip
    slack_stub.wait_for("chat.update", count=2, where=lambda a: "blocks" in a)

    first, second = conversation.calls
    assert first.text == "Does @Lee's fix for echo need SDK 4.3?"
    assert first.user_name == "Dana Smith" and second.text == "and @Lee again?"
    asked = [c["user"] for c in slack_stub.calls_to("users.info")]
    assert sorted(asked) == ["U0DEV1", "U0DEV2"]  # cached for the second turn
