"""One set of buttons per customer thread: a new reply retires the buttons of the older ones
(clicking "Solved" under an answer the thread has moved past would be confusing). Replies with
buttons, and the thread's ticket message, are remembered (:mod:`bot.store.slack_posts`) so
they can be changed later; bookkeeping never costs the customer the reply.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.conversation.types import Reply
from bot.slack.blocks import Block, has_buttons, without_buttons
from bot.slack.runtime import SlackRuntime
from bot.store.slack_posts import CUSTOMER, REPLY, SlackPost, SlackPostStore

log = logging.getLogger("deskbot.slack.buttons")


def remember_reply(
    rt: SlackRuntime,
    *,
    ref: str,
    channel: str,
    thread_ts: str,
    ts: str,
    reply: Reply,
    text: str,
    blocks: list[Block],
) -> None:
    """Retire the older replies' buttons and remember this one (when it has buttons, or is the
    ticket's message in the thread, which is kept up to date with the ticket)."""
    try:
        posts = SlackPostStore(rt.ctx.db)
        retire_older(rt, posts, ref=ref, keep=ts)
        kind, ticket_id = REPLY, None
        if reply.kind == "ticket_opened" and reply.ticket is not None:
            kind, ticket_id = CUSTOMER, rt.ctx.tickets.get(reply.ticket.key).id
        live = has_buttons(blocks)
        if live or kind == CUSTOMER:
            posts.record(
                channel=channel, ts=ts, kind=kind, now=rt.now(), ticket_id=ticket_id,
                thread_ts=thread_ts, conversation_ref=ref, buttons=live,
                payload={"text": text, "blocks": blocks, "lang": reply.lang},
            )  # fmt: skip
    except Exception:
        log.exception("could not keep track of the reply in %s", ref)


def retire_older(rt: SlackRuntime, posts: SlackPostStore, *, ref: str, keep: str | None) -> None:
    """Take the buttons off every remembered reply of the thread but ``keep``."""
    for post in posts.with_buttons(ref):
        if post.ts != keep:
            retire(rt, posts, post)


def retire(
    rt: SlackRuntime, posts: SlackPostStore, post: SlackPost, note: str | None = None
) -> None:
    """Take one reply's buttons off (adding ``note``, e.g. who chose what); a Slack failure
    leaves them for the next try."""
    blocks = without_buttons(list(post.payload.get("blocks") or []))
    if note:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    text = str(post.payload.get("text") or note or "…")
    try:
        rt.client.chat_update(channel=post.channel, ts=post.ts, text=text, blocks=blocks)
    except (SlackApiError, OSError):
        log.warning("could not retire the buttons of %s in %s", post.ts, post.channel)
        return
    posts.update(post.id, payload={**post.payload, "blocks": blocks}, buttons=False)
