"""Customer satisfaction in Slack: after a ticket is resolved, its thread is asked for a 1–5
rating (one request per resolution, :func:`bot.slack.live.queue_csat`); the click is recorded
(:mod:`bot.store.csat`, counted by ``deskbot stats``) and the buttons give way to a thank-you.
A rating is taken only from the thread it was asked in, and a second click changes it.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.errors import DeskbotError
from bot.slack.rating import thanks_text
from bot.slack.runtime import SlackRuntime
from bot.store.csat import CsatStore
from bot.store.slack_posts import SlackPostStore

log = logging.getLogger("deskbot.slack.csat")


def on_rating(rt: SlackRuntime, body: dict[str, Any]) -> None:
    """A rating click: recorded once per click, from the ticket's own thread only."""
    from bot.slack.actions import NOT_HERE, clicked_in, ephemeral, first_click

    action = (body.get("actions") or [{}])[0]
    key, _, raw = str(action.get("value") or "").partition(":")
    user = str((body.get("user") or {}).get("id") or "")
    channel, thread = clicked_in(body)
    try:
        score = int(raw)
        ticket = rt.ctx.tickets.get(key)
    except (ValueError, DeskbotError):
        return
    if ticket.channel_ref != channel or (thread is not None and thread != ticket.thread_ref):
        ephemeral(rt, channel, user, NOT_HERE)
        return
    if rt.ctx.config.person_for_slack_user(user) is not None:
        ephemeral(rt, channel, user, "Ratings are for the customer; staff clicks are not counted.")
        return
    if not first_click(rt, body):
        return
    try:
        CsatStore(rt.ctx.db).rate(ticket, score=score, rater=user, channel="slack", now=rt.now())
    except DeskbotError as exc:
        ephemeral(rt, channel, user, f"Could not record the rating: {exc}")
        return
    message = body.get("message") or {}
    asked = SlackPostStore(rt.ctx.db).get(channel, str(message.get("ts") or ""))
    lang = str(asked.payload.get("lang") or "en") if asked is not None else "en"
    thanks = thanks_text(key, score, lang)
    if message.get("ts"):
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": thanks}}]
        try:
            rt.client.chat_update(channel=channel, ts=message["ts"], text=thanks, blocks=blocks)
        except (SlackApiError, OSError):
            log.warning("could not thank %s for rating %s", user, key)
