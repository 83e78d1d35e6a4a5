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
from bot.notify import DeliveryError
from bot.slack.blocks import ACTION_FOR_ID, Block, apology, label, reply_message
from bot.slack.buttons import remember_reply, retire
from bot.slack.cards import ENGINEER_ACTIONS, engineer_buttons
from bot.slack.history import CardFacts, slack_time
from bot.slack.notifier import SlackNotifier
from bot.slack.placeholder import put_reply
from bot.slack.roles import refusal
from bot.slack.runtime import SlackRuntime
from bot.store.records import Ticket
from bot.store.slack_posts import SlackPostStore

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
        ephemeral(rt, where, str(user or ""), NOT_HERE)
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
        ts = put_reply(rt, channel=channel, thread_ts=thread_ts, note=None, text=text,
                       blocks=blocks)  # fmt: skip
        if ts is not None:
            remember_reply(rt, ref=ref, channel=channel, thread_ts=thread_ts, ts=ts,
                           reply=reply, text=text, blocks=blocks)  # fmt: skip
    except Exception:
        log.exception("button %s in %s failed", name, ref)
        text, blocks = apology(value=ref)  # the reply (and its language) never came
        try:
            put_reply(rt, channel=channel, thread_ts=thread_ts, note=None, text=text,
                      blocks=blocks)  # fmt: skip
        except Exception:
            log.exception("could not apologise in %s", ref)


def on_engineer_action(rt: SlackRuntime, body: dict[str, Any]) -> None:
    """Acknowledge / Take it / Waiting on customer / Resolve, from any copy of the card.

    Checked in order: a staff member; the card may be where it was clicked; the click is new;
    the person's role allows it on this ticket; it has not been done already ("already
    acknowledged by Chen Hao at 10:02"). Then the desk acts, every copy of the card is
    re-rendered, and the audience tells the customer what changed for them."""
    action = body["actions"][0]
    action_id, key = str(action["action_id"]), str(action.get("value") or "")
    user = str(body.get("user", {}).get("id") or "")
    channel = str(
        (body.get("channel") or {}).get("id") or body.get("container", {}).get("channel_id") or ""
    )
    person = rt.ctx.config.person_for_slack_user(user)
    if person is None:
        ephemeral(rt, channel, user, "Only support staff listed in deskbot's config can do that.")
        return
    try:
        notifier = rt.notifier()
        # One click at a time per ticket: the second of two quick clicks sees the first.
        with rt.turn_lock(f"ticket:{key}"):
            before = rt.ctx.tickets.get(key)
            if not _card_may_be_in(rt, channel, before):
                log.warning("engineer button for %s clicked in %s refused", key, channel)
                ephemeral(rt, channel, user, NOT_HERE)
                return
            if not first_click(rt, body):
                log.info("repeated click on %s for %s ignored", action_id, key)
                return
            why = refusal(person, action_id, before, rt.ctx.config, now=rt.now())
            if why is None:
                why = _done_already(action_id, before, person, notifier.facts(before))
            if why is not None:
                ephemeral(rt, channel, user, why)
                _show_current(rt, notifier, body, before)
                return
            after, note = _apply(rt, action_id, before, person)
    except DeskbotError as exc:
        ephemeral(rt, channel, user, f"Could not {ENGINEER_ACTIONS[action_id].lower()}: {exc}")
        return
    rt.cards().queue_refresh(after, now=rt.now())  # the desk listener's job, if it is not here
    rt.deliver_now(after)
    _show_current(rt, notifier, body, after, note=note)


def _show_current(
    rt: SlackRuntime,
    notifier: SlackNotifier,
    body: dict[str, Any],
    ticket: Ticket,
    *,
    note: str | None = None,
) -> None:
    """The clicked message shows the ticket as it is now: a remembered copy was re-rendered
    with the others; an older one (posted before copies were remembered) is updated here."""
    message = body.get("message") or {}
    channel = str((body.get("channel") or {}).get("id") or "")
    if not channel or not message.get("ts"):
        return
    posts = SlackPostStore(rt.ctx.db)
    copy = posts.get(channel, str(message["ts"]))
    if copy is not None:
        if note is None:
            try:
                notifier.refresh(ticket)
            except DeliveryError as exc:
                log.warning("could not refresh the cards of %s: %s", ticket.key, exc)
        return
    blocks: list[Block] = [b for b in message.get("blocks") or [] if b.get("type") != "actions"]
    if note:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    buttons = engineer_buttons(ticket)
    if buttons is not None:
        blocks.append(buttons)
    try:
        rt.client.chat_update(
            channel=channel, ts=message["ts"], text=message.get("text") or note or ticket.key,
            blocks=blocks,
        )  # fmt: skip
    except (SlackApiError, OSError):
        log.exception("could not update the card of %s", ticket.key)


def _done_already(action_id: str, ticket: Ticket, person: Person, facts: CardFacts) -> str | None:
    """Why the click changes nothing: someone did it already (who, when)."""
    if not ticket.is_open:
        return f"{ticket.key} is already {ticket.status}" + (
            f" (since {slack_time(ticket.resolved_at)})." if ticket.resolved_at else "."
        )
    if action_id == "deskbot_ack" and ticket.first_response_at is not None:
        done = facts.acknowledged
        who = (
            "you"
            if done is not None and done.who == person.name
            else (done.who if done else "someone")
        )
        return (
            f"{ticket.key} was already acknowledged by {who} at "
            f"{slack_time(done.at if done else ticket.first_response_at)}."
        )
    if action_id == "deskbot_take" and ticket.assignee_id is not None:
        taken = facts.taken
        if ticket.assignee_id == person.id:
            since = f" since {slack_time(taken.at)}" if taken else ""
            return f"You already have {ticket.key}{since}."
        who = taken.who if taken else ticket.assignee_id
        at = f" at {slack_time(taken.at)}" if taken else ""
        return f"{ticket.key} was already taken by {who}{at}."
    if action_id == "deskbot_wait" and ticket.status == "waiting_on_customer":
        return f"{ticket.key} is already waiting on the customer."
    return None


def _apply(rt: SlackRuntime, action_id: str, ticket: Ticket, person: Person) -> tuple[Ticket, str]:
    """Run the desk operation; returns (ticket, note for the card). What the customer hears of
    it is the audience's business (:mod:`bot.notify.audience`)."""
    desk, now, who = rt.ctx.desk, rt.now(), person.name
    stamp = slack_time(now)
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


def _card_may_be_in(rt: SlackRuntime, channel: str, ticket: Ticket) -> bool:
    """Engineer cards go to DMs, the account's internal channel and the escalation channel:
    never to a customer's channel, nor to another account's internal channel."""
    config = rt.ctx.config
    if config.account_for_channel(channel) is not None:
        return False
    owner = next((a for a in config.accounts if a.internal_channel == channel), None)
    return owner is None or owner.id == ticket.account_id


def _retire_buttons(rt: SlackRuntime, body: dict[str, Any], note: str) -> None:
    """Replace the clicked reply's buttons with who chose what, so nobody clicks twice."""
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id")
    if not channel or not message.get("ts"):
        return
    posts = SlackPostStore(rt.ctx.db)
    copy = posts.get(str(channel), str(message["ts"]))
    if copy is not None:
        retire(rt, posts, copy, note)
        return
    blocks = [b for b in message.get("blocks") or [] if b.get("block_id") != "deskbot_reply"]
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    try:
        rt.client.chat_update(
            channel=channel, ts=message["ts"], text=message.get("text") or note, blocks=blocks
        )
    except (SlackApiError, OSError):
        log.warning("could not retire the buttons of %s", message.get("ts"))


def ephemeral(rt: SlackRuntime, channel: str, user: str, text: str) -> None:
    try:
        if channel:
            rt.client.chat_postEphemeral(channel=channel, user=user, text=text)
    except (SlackApiError, OSError):
        log.warning("could not post an ephemeral note to %s", user)
