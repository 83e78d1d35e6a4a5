"""The bolt ``App``: middleware (signatures, replay window, self-events) and the listener
table. Listeners run after the ack in bolt's thread pool and stay one line each."""

from __future__ import annotations

import logging
import re
from concurrent.futures import Executor
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import actions, bug_form, bug_report, card_thread, csat, messages, rating, status
from bot.slack.blocks import ACTION_FOR_ID
from bot.slack.form_texts import word
from bot.slack.runtime import SlackRuntime

log = logging.getLogger("deskbot.slack")
SHORTCUT_ID = "deskbot_report_bug"
COMMAND = "/support"
HELP = (
    "*/support status* — your open tickets here · *`/support status SUP-1042`* — one ticket\n"
    "*/support bug* — report a bug with a form · or just ask your question in the channel."
)
ENGINEER_ACTION = re.compile(r"^deskbot_(ack|take|wait|resolve)$")


def build_bolt_app(
    rt: SlackRuntime,
    *,
    signing_secret: str,
    process_before_response: bool = False,
    executor: Executor | None = None,
) -> App:
    """An ``App`` that needs no network to build: the bot identity is fetched on first use."""
    token = rt.client.token

    def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_token=token,
            bot_user_id=rt.identity(),
        )

    app = App(
        # A token-less client for bolt itself; ours (rt.client) carries the token.
        client=WebClient(base_url=rt.client.base_url, timeout=rt.client.timeout),
        signing_secret=signing_secret,
        authorize=authorize,
        process_before_response=process_before_response,
        listener_executor=executor,
        logger=logging.getLogger("deskbot.slack.bolt"),
    )
    register(app, rt)
    return app


def register(app: App, rt: SlackRuntime) -> None:
    @app.event("message")
    def _message(event: dict[str, Any], body: dict[str, Any]) -> None:
        messages.on_event(rt, event, body, kind="message")

    @app.event("app_mention")
    def _mention(event: dict[str, Any], body: dict[str, Any]) -> None:
        messages.on_event(rt, event, body, kind="app_mention")

    @app.event("app_home_opened")
    def _home(event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home" and event.get("user"):
            _publish_home(rt, event["user"])

    @app.action(re.compile("^(" + "|".join(ACTION_FOR_ID) + ")$"))
    def _customer_action(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        actions.on_customer_action(rt, body)

    @app.action(ENGINEER_ACTION)
    def _engineer_action(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        actions.on_engineer_action(rt, body)
        if (body.get("container") or {}).get("type") == "view" and body.get("user"):
            _publish_home(rt, body["user"]["id"])  # a click on App Home: show the result

    @app.action(re.compile("^deskbot_open_link"))
    def _link(ack: Ack) -> None:
        ack()  # a link button: Slack opens the URL; nothing to do here

    @app.action(re.compile(f"^{rating.ACTION_ID}_[1-5]$"))
    def _rating(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        csat.on_rating(rt, body)

    @app.action(card_thread.SEND_ACTION)
    def _send_to_customer(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        card_thread.on_send(rt, body)

    @app.shortcut(SHORTCUT_ID)
    def _report_bug(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        message = body.get("message") or {}
        bug_form.open_form(
            rt,
            trigger_id=body["trigger_id"],
            user=body["user"]["id"],
            channel=(body.get("channel") or {}).get("id"),
            thread_ts=message.get("thread_ts") or message.get("ts"),
            text=str(message.get("text") or ""),
        )

    @app.command(COMMAND)
    def _support(ack: Ack, command: dict[str, Any]) -> None:
        words = str(command.get("text") or "").split()
        verb = words[0].lower() if words else "help"
        if verb == "status":
            key = words[1] if len(words) > 1 else None
            channel = command.get("channel_id")
            text = status.status_text(rt, user=command["user_id"], channel=channel, key=key)
            ack(text=text, response_type="ephemeral")
        elif verb == "bug":
            ack()
            bug_form.open_form(
                rt,
                trigger_id=command["trigger_id"],
                user=command["user_id"],
                channel=command.get("channel_id"),
                thread_ts=None,
                text=" ".join(words[1:]),
            )
        else:
            ack(text=HELP, response_type="ephemeral")

    @app.view(bug_form.CALLBACK_ID)
    def _bug_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        lang = bug_form.form_lang(view)
        if "summary" not in bug_form.submitted_fields(view):
            needed = word("summary_needed", lang)
            ack(response_action="errors", errors={"summary": needed})
            return
        ack()
        try:
            bug_report.on_submit(rt, body)
        except Exception:
            log.exception("bug form submission failed")
            _tell_user(rt, body["user"]["id"], word("failed", lang))

    @app.error
    def _error(error: Exception, body: dict[str, Any]) -> None:
        log.error("slack listener failed: %s", error, exc_info=error)


def _publish_home(rt: SlackRuntime, user: str) -> None:
    try:
        rt.client.views_publish(user_id=user, view=status.home_view(rt, user=user))
    except (SlackApiError, OSError):
        log.exception("could not publish App Home for %s", user)


def _tell_user(rt: SlackRuntime, user: str, text: str) -> None:
    try:
        opened = rt.client.conversations_open(users=user)
        rt.client.chat_postMessage(channel=opened["channel"]["id"], text=text)
    except (SlackApiError, OSError, KeyError):
        log.exception("could not reach %s", user)
