"""The transport edges: URL verification, malformed payloads, file limits, the manifest."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from fastapi.testclient import TestClient
from pydantic import SecretStr

from bot.context import AppContext
from bot.service.app import create_app
from bot.settings import Settings
from bot.slack.app import COMMAND, SHORTCUT_ID
from bot.slack.client import api_base_url, web_client
from bot.slack.runtime import SlackRuntime
from tests.slack.conftest import Recorder, message, post_event, post_form, sign
from tests.slack.stub import SlackStub

REPO = Path(__file__).resolve().parents[2]


def test_url_verification_challenge_is_answered(slack_client: TestClient) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"})
    headers = {"Content-Type": "application/json", **sign(body)}
    response = slack_client.post("/slack/events", content=body, headers=headers)
    assert response.status_code == 200 and response.json() == {"challenge": "abc123"}


def test_malformed_signed_payload_is_a_clear_client_error(
    slack_client: TestClient, conversation: Recorder
) -> None:
    crashing = {"type": "view_submission", "view": {"callback_id": "deskbot_bug_report"}}
    response = post_form(slack_client, {"payload": json.dumps(crashing)})
    assert response.status_code == 422, response.text
    assert response.json() == {"error": "malformed Slack payload"}
    unknown = post_form(slack_client, {"payload": json.dumps({"type": "block_actions"})})
    assert unknown.status_code == 404
    assert conversation.calls == []


def test_oversized_or_missing_files_are_skipped_and_said(
    slack_client: TestClient, slack_stub: SlackStub, conversation: Recorder
) -> None:
    slack_stub.add_file("F0BIG", "huge.log", b"x" * 10, size=21 * 1024 * 1024)
    event = message("crash log attached", subtype="file_share",
                    files=[{"id": "F0BIG"}, {"id": "F0GONE", "name": "gone.txt"}])  # fmt: skip
    post_event(slack_client, event)
    slack_stub.wait_for("chat.update")
    (inbound,) = conversation.calls
    assert inbound.uploads == ()
    assert "huge.log (over 20 MB)" in inbound.text and "gone.txt" in inbound.text
    assert slack_stub.downloads == []


def test_api_url_keeps_a_trailing_slash() -> None:
    assert (
        api_base_url(Settings(slack_api_url="http://127.0.0.1:9/api")) == "http://127.0.0.1:9/api/"
    )
    assert api_base_url(Settings()) == "https://slack.com/api/"


def test_manifest_matches_the_listeners() -> None:
    manifest = yaml.safe_load((REPO / "slack" / "manifest.yml").read_text())
    features, settings = manifest["features"], manifest["settings"]
    assert [s["callback_id"] for s in features["shortcuts"]] == [SHORTCUT_ID]
    assert [c["command"] for c in features["slash_commands"]] == [COMMAND]
    assert features["app_home"]["home_tab_enabled"] is True
    events = set(settings["event_subscriptions"]["bot_events"])
    assert {"app_mention", "app_home_opened", "message.channels", "message.im"} <= events
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"chat:write", "commands", "files:read", "im:write", "app_mentions:read"} <= scopes
    # conversations.replies (a thread joined mid-way) and users.info (people's names)
    assert {"channels:history", "groups:history", "im:history", "users:read"} <= scopes
    urls = {
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    }
    assert {u.rsplit("/", 2)[-2:] == ["slack", "events"] for u in urls} == {True}


def test_socket_mode_failure_leaves_http_mode_working(
    ctx: AppContext, slack_stub: SlackStub, conversation: Recorder
) -> None:
    slack_stub.fail("apps.connections.open", status=200, error="invalid_auth")
    settings = ctx.settings.model_copy(update={"slack_app_token": SecretStr("xapp-test")})
    runtime = SlackRuntime(ctx=ctx, client=web_client(ctx.settings), conversation=conversation)
    app = create_app(settings, context=ctx, start=("slack",), slack=runtime)
    with TestClient(app) as client:
        assert slack_stub.calls_to("apps.connections.open")
        post_event(client, message("still here?"))
        slack_stub.wait_for("chat.update")


def test_bot_identity_is_looked_up_once_and_not_hammered_when_slack_fails(
    ctx: AppContext, slack_stub: SlackStub
) -> None:
    rt = SlackRuntime(ctx=ctx, client=web_client(ctx.settings))
    slack_stub.fail("auth.test", status=500)
    assert rt.identity() is None and rt.identity() is None
    assert len(slack_stub.calls_to("auth.test")) == 1  # the second call waited
    rt.identity_retry = 0.0
    rt._identity_next_try = 0.0
    assert rt.identity() == "UBOT" and rt.identity() == "UBOT"
    assert len(slack_stub.calls_to("auth.test")) == 2
