"""Staff talking under a ticket's card (in the internal channel, the escalation channel or a
DM): each message is an internal note on the ticket — never shown to the customer by itself —
and its author gets a *Send to customer* button that records it as their public reply (the
first response if none came yet), which the audience sends on the ticket's own channel: the
customer's Slack thread, the web chat or e-mail.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.errors import DeskbotError
from bot.slack.runtime import SlackRuntime
from bot.store.slack_posts import STAFF_REPLY, SlackPost, SlackPostStore

log = logging.getLogger("deskbot.slack.card_thread")
SEND_ACTION = "deskbot_send"


def card_of(rt: SlackRuntime, event: dict[str, Any]) -> SlackPost | None:
    """The card a staff member's thread reply hangs under, if it is one."""
    user, channel = event.get("user"), event.get("channel")
    thread_ts, ts = event.get("thread_ts"), event.get("ts")
    if event.get("bot_id") or event.get("subtype") not in (None, "thread_broadcast"):
        return None
    if not user or not channel or not thread_ts or thread_ts == ts:
        return None
    if rt.ctx.config.person_for_slack_user(str(user)) is None:
        return None
    if rt.ctx.config.account_for_channel(str(channel)) is not None:
        return None  # a customer's channel: handled as a reply in the customer's thread
    return SlackPostStore(rt.ctx.db).card_for_thread(str(channel), str(thread_ts))


def on_card_reply(rt: SlackRuntime, event: dict[str, Any], card: SlackPost) -> None:
    """Keep the message as an internal note and offer to send it to the customer."""
    user, channel, ts = str(event["user"]), str(event["channel"]), str(event["ts"])
    person = rt.ctx.config.person_for_slack_user(user)
    if person is None or card.ticket_id is None:
        return
    ticket = rt.ctx.tickets.get(card.ticket_id)
    said = rt.readable(str(event.get("text") or ""))
    if not said:
        return
    now = rt.now()
    rt.ctx.desk.note(ticket, agent=person.id, body=said, now=now)
    SlackPostStore(rt.ctx.db).record(
        channel=channel, ts=ts, kind=STAFF_REPLY, now=now, ticket_id=ticket.id,
        thread_ts=card.ts, payload={"text": said, "author": person.id},
    )  # fmt: skip
    where = {"slack": "the customer's Slack thread", "email": "an e-mail to the customer",
             "web": "the customer's web chat"}.get(ticket.channel, "the ticket")  # fmt: skip
    text = f"Kept as an internal note on {ticket.key} (the customer does not see it)."
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {
            "type": "actions",
            "block_id": f"deskbot_send:{ticket.key}",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Send to customer"},
                    "action_id": SEND_ACTION,
                    "value": f"{channel}|{ts}",
                    "confirm": {
                        "title": {"type": "plain_text", "text": "Send to the customer?"},
                        "text": {"type": "plain_text", "text": f"It is posted in {where}."},
                        "confirm": {"type": "plain_text", "text": "Send"},
                        "deny": {"type": "plain_text", "text": "Keep internal"},
                    },
                }
            ],
        },
    ]
    try:
        rt.client.chat_postEphemeral(
            channel=channel, user=user, thread_ts=card.ts, text=text, blocks=blocks
        )
    except (SlackApiError, OSError):
        log.warning("could not offer to send %s's note on %s", user, ticket.key)


def on_send(rt: SlackRuntime, body: dict[str, Any]) -> None:
    """*Send to customer* on an internal note: posted once in the customer's thread."""
    from bot.slack.actions import ephemeral, first_click

    action = (body.get("actions") or [{}])[0]
    channel, _, ts = str(action.get("value") or "").partition("|")
    user = str((body.get("user") or {}).get("id") or "")
    where = str((body.get("channel") or {}).get("id") or channel)
    person = rt.ctx.config.person_for_slack_user(user)
    if person is None:
        ephemeral(rt, where, user, "Only support staff listed in deskbot's config can do that.")
        return
    posts = SlackPostStore(rt.ctx.db)
    note = posts.get(channel, ts)
    if note is None or note.kind != STAFF_REPLY or note.ticket_id is None:
        ephemeral(rt, where, user, "That note is not one deskbot kept.")
        return
    if not first_click(rt, body):
        return
    # Claimed before it is sent (one row per note: of two clicks, one inserts it): the reply
    # reaches the customer inside agent_reply, so a click that checked afterwards sent it twice.
    claim = f"{note.id}"
    if note.payload.get("sent") or not rt.ctx.inbound.first_time(
        "slack-note-sent", claim, now=rt.now()
    ):
        ephemeral(rt, where, user, "That note was sent to the customer already.")
        return
    ticket = rt.ctx.tickets.get(note.ticket_id)
    author = rt.ctx.config.person(str(note.payload.get("author") or "")) or person
    said = str(note.payload.get("text") or "")
    try:
        ticket = rt.ctx.desk.agent_reply(ticket, agent=author.id, body=said, now=rt.now())
    except DeskbotError as exc:
        rt.ctx.inbound.forget("slack-note-sent", claim)  # not sent: it can be tried again
        ephemeral(rt, where, user, f"Could not send it: {exc}")
        return
    # The desk's audience sends the reply to the customer, on the ticket's own channel.
    posts.update(note.id, payload={**note.payload, "sent": True})
    rt.deliver_now(ticket)
    ephemeral(rt, where, user, f"Sent to the customer on {ticket.key}.")
