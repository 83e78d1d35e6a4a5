"""The "looking…" note and the reply that takes its place, without ever losing the reply.

The note is posted first (retried; when Slack will not take it, the turn goes on without one).
The reply then replaces it with ``chat.update`` (retried); when the update still fails, the
reply is posted as a new message in the thread and the note is deleted, so it is never left
alone saying "looking…". When Slack takes nothing at all for a while, the reply is queued in
the outbox (``kind: message`` with ``thread_ts`` and ``replace``) and delivered by the outbox
worker with its retries, never dropped.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.slack.retry import with_retries
from bot.slack.runtime import SlackRuntime
from bot.store.notifications import Delivery

log = logging.getLogger("deskbot.slack.placeholder")
Block = dict[str, Any]


def post_note(rt: SlackRuntime, *, channel: str, thread_ts: str, text: str) -> str | None:
    """Post the progress note; its ts, or None when Slack would not take it (the reply is
    then posted as a new message)."""
    try:
        posted = with_retries(
            lambda: rt.client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text),
            what="the progress note",
        )
    except (SlackApiError, OSError):
        log.warning("no progress note in %s:%s; the reply will be a new message", channel,
                    thread_ts)  # fmt: skip
        return None
    return str(posted["ts"])


def put_reply(
    rt: SlackRuntime,
    *,
    channel: str,
    thread_ts: str,
    note: str | None,
    text: str,
    blocks: list[Block] | None,
) -> str | None:
    """Show the reply in the thread: in place of ``note`` when Slack lets us, else as a new
    message (the note deleted). Returns the reply's ts; None when it had to be queued."""
    kwargs: dict[str, Any] = {"channel": channel, "text": text}
    if blocks is not None:
        kwargs["blocks"] = blocks
    if note is not None:
        try:
            with_retries(lambda: rt.client.chat_update(ts=note, **kwargs), what="the reply update")
            return note
        except (SlackApiError, OSError):
            log.warning("could not replace the progress note in %s; posting the reply", channel)
    try:
        posted = with_retries(
            lambda: rt.client.chat_postMessage(thread_ts=thread_ts, **kwargs), what="the reply"
        )
    except (SlackApiError, OSError):
        queue_reply(rt, channel=channel, thread_ts=thread_ts, note=note, text=text, blocks=blocks)
        return None
    if note is not None:
        drop_note(rt, channel=channel, note=note)
    return str(posted["ts"])


def drop_note(rt: SlackRuntime, *, channel: str, note: str) -> None:
    """Delete a progress note whose reply went out as a new message."""
    try:
        with_retries(lambda: rt.client.chat_delete(channel=channel, ts=note), what="the note")
    except (SlackApiError, OSError):
        log.warning("a progress note in %s could not be deleted", channel)


def queue_reply(
    rt: SlackRuntime,
    *,
    channel: str,
    thread_ts: str,
    note: str | None,
    text: str,
    blocks: list[Block] | None,
) -> None:
    """Hand the reply to the outbox: Slack refused it for longer than a turn may wait. It goes
    the way every message of the desk goes (:meth:`bot.notify.audience.Audience.send`): one
    more attempt now, then the outbox worker's retries, and a visible failure at the end."""
    payload: dict[str, Any] = {"kind": "message", "text": text, "blocks": blocks or [],
                               "thread_ts": thread_ts, "replace": note}  # fmt: skip
    log.error("slack refused the reply in %s:%s; queued in the outbox", channel, thread_ts)
    rt.ctx.audience.send([Delivery("slack", channel, payload)], ticket_id=None)
