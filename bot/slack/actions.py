"""Button clicks: the customer's (Solved / Open a ticket / Talk to a human) go to the
conversation service; the engineers' (Acknowledge / Take it / Waiting on customer / Resolve)
call the same ticket desk methods as the web staff page and the CLI, and so drive the SLA
clocks; what the customer hears of them is the desk audience's business, as everywhere.

A click is taken once (a signed click replayed within Slack's five minutes is ignored), and
its target is checked, not trusted: a customer button acts only on the conversation of the
thread it was clicked in, an engineer button only from a staff member, and never from a
customer's channel or another account's internal channel.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.config import Person
from bot.conversation.types import Inbound
from bot.errors import DeskbotError
from bot.slack.blocks import ACTION_FOR_ID, Block, apology, label, reply_message
from bot.slack.cards import ENGINEER_ACTIONS, engineer_buttons
from bot.slack.runtime import SlackRuntime
from bot.store.records import Ticket

log = logging.getLogger("deskbot.slack.actions")


NOT_HERE = "That button does not belong to this conversation."


def first_click(rt: SlackRuntime, body: dict[str, Any]) -> bool:
    """True the first time this click arrives: a replay of the same signed payload carries the
    same trigger id, action time, user, button and value; a new click never does."""
    action = (body.get("actions") or [{}])[0]
    parts = (
        body.get("trigger_id"), action.get("action_ts"), (body.get("user") or {}).get("id"),
        action.get("action_id"), action.get("value"),
    )  # fmt: skip
    key = hashlib.sha256(repr(parts).encode()).hexdigest()
    return rt.ctx.inbound.first_time("slack-click", key, now=rt.now())


def clicked_in(body: dict[str, Any]) -> tuple[str, str | None]:
    """(channel, thread) the clicked message is in; the thread is None when Slack says none."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
    thread = message.get("thread_ts") or container.get("thread_ts")
    return channel, str(thread) if thread else None


def on_customer_action(rt: SlackRuntime, body: dict[str, Any]) -> None:
    action = body["actions"][0]
    name = ACTION_FOR_ID[action["action_id"]]
    ref = str(action.get("value") or "")
    channel, _, thread_ts = ref.partition(":")
    user = body.get("user", {}).get("id")
    if not channel or not thread_ts:
        return
    where, thread = clicked_in(body)
    if where != channel or (thread is not None and thread != thread_ts):
        log.warning("button for %s clicked in %s:%s refused", ref, where, thread)
        _ephemeral(rt, where, str(user or ""), NOT_HERE)
        return
    account = rt.account_for(channel)
    try:
        if not first_click(rt, body):
            log.info("repeated click on %s in %s ignored", name, ref)
            return
        inbound = Inbound(
            channel="slack",
            conversation_ref=ref,
            text="",
            user_ref=user,
            account_id=account.id if account else None,
            action=name,
        )
        with rt.turn_lock(ref):
            reply = rt.service().handle(inbound, now=rt.now())
        _retire_buttons(rt, body, f"<@{user}> chose *{label(name, reply.lang)}*")
        text, blocks = reply_message(reply, value=ref, now=rt.now())
        rt.client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text, blocks=blocks)
    except Exception:
        log.exception("button %s in %s failed", name, ref)
        text, blocks = apology(value=ref)  # the reply (and its language) never came
        try:
            rt.client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, text=text, blocks=blocks
            )
        except (SlackApiError, OSError):
            log.exception("could not apologise in %s", ref)


def on_engineer_action(rt: SlackRuntime, body: dict[str, Any]) -> None:
    action = body["actions"][0]
    action_id, key = str(action["action_id"]), str(action.get("value") or "")
    user = str(body.get("user", {}).get("id") or "")
    channel = str(
        (body.get("channel") or {}).get("id") or body.get("container", {}).get("channel_id") or ""
    )
    person = rt.ctx.config.person_for_slack_user(user)
    if person is None:
        _ephemeral(rt, channel, user, "Only support staff listed in deskbot's config can do that.")
        return
    try:
        before = rt.ctx.tickets.get(key)
        if not _card_may_be_in(rt, channel, before):
            log.warning("engineer button for %s clicked in %s refused", key, channel)
            _ephemeral(rt, channel, user, NOT_HERE)
            return
        if not first_click(rt, body):
            log.info("repeated click on %s for %s ignored", action_id, key)
            return
        after, note = _apply(rt, action_id, before, person)
    except DeskbotError as exc:
        _ephemeral(rt, channel, user, f"Could not {ENGINEER_ACTIONS[action_id].lower()}: {exc}")
        return
    message = body.get("message") or {}
    if channel and message.get("ts"):
        blocks: list[Block] = [b for b in message.get("blocks") or [] if b.get("type") != "actions"]
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
        buttons = engineer_buttons(after)
        if buttons is not None:
            blocks.append(buttons)
        try:
            rt.client.chat_update(
                channel=channel, ts=message["ts"], text=message.get("text") or note, blocks=blocks
            )
        except (SlackApiError, OSError):
            log.exception("could not update the card of %s", key)


def _card_may_be_in(rt: SlackRuntime, channel: str, ticket: Ticket) -> bool:
    """Engineer cards go to DMs, the account's internal channel and the escalation channel:
    never to a customer's channel, nor to another account's internal channel."""
    config = rt.ctx.config
    if config.account_for_channel(channel) is not None:
        return False
    owner = next((a for a in config.accounts if a.internal_channel == channel), None)
    return owner is None or owner.id == ticket.account_id


def _apply(rt: SlackRuntime, action_id: str, ticket: Ticket, person: Person) -> tuple[Ticket, str]:
    """Run the desk operation; returns (ticket, note for the card)."""
    desk, now, who = rt.ctx.desk, rt.now(), person.name
    stamp = now.strftime("%H:%M UTC")
    if action_id == "deskbot_ack":
        after = desk.acknowledge(ticket, agent=person.id, now=now)
        return after, f":white_check_mark: Acknowledged by {who} at {stamp}"
    if action_id == "deskbot_take":
        after = desk.take(ticket, agent=person.id, now=now)
        return after, f":raising_hand: Taken by {who} at {stamp}"
    if action_id == "deskbot_wait":
        after = desk.wait_on_customer(ticket, agent=person.id, now=now)
        return after, f":hourglass: Waiting on the customer ({who}, {stamp})"
    if action_id == "deskbot_resolve":
        after = desk.resolve(ticket, by=person.id, now=now)
        return after, f":tada: Resolved by {who} at {stamp}"
    raise KeyError(action_id)


def _retire_buttons(rt: SlackRuntime, body: dict[str, Any], note: str) -> None:
    """Replace the clicked reply's buttons with who chose what, so nobody clicks twice."""
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id")
    if not channel or not message.get("ts"):
        return
    blocks = [b for b in message.get("blocks") or [] if b.get("block_id") != "deskbot_reply"]
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    try:
        rt.client.chat_update(
            channel=channel, ts=message["ts"], text=message.get("text") or note, blocks=blocks
        )
    except (SlackApiError, OSError):
        log.warning("could not retire the buttons of %s", message.get("ts"))


def _ephemeral(rt: SlackRuntime, channel: str, user: str, text: str) -> None:
    try:
        if channel:
            rt.client.chat_postEphemeral(channel=channel, user=user, text=text)
    except (SlackApiError, OSError):
        log.warning("could not post an ephemeral note to %s", user)
