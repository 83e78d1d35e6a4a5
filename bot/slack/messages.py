"""Messages and @mentions: which ones we answer, and the answer in its thread.

Rules (so nothing loops and nothing is answered twice):
    * bots, edits, deletions and our own posts are ignored;
    * in a support channel (mapped to an account) a top-level message starts a conversation
      and replies in a thread we already hold continue it; the ``app_mention`` twin of such a
      message is ignored;
    * elsewhere only an @mention starts one (``app_mention``); replies in its thread continue it;
    * a DM to the bot is always a conversation;
    * a configured staff member replying in a thread that has a ticket is an agent reply (the
      first response), not a question; staff top-level posts are questions only with a mention;
    * a delivery is processed once per ``event_id`` (Slack retries after 3 s without an ack).

A mention in a thread we do not hold yet (started before we were asked) is answered with the
thread's earlier messages as context (:mod:`bot.slack.thread`).

When the database refuses writes, a message is not lost: it is kept in the local spool
(:mod:`bot.slack.spool`), the thread is told so honestly, and it is answered once the database
is back (:func:`replay`). A message we could only tell apart from chatter by reading the
database is kept without a word.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.conversation.texts import language
from bot.conversation.types import Inbound, Reply
from bot.errors import ServiceUnavailable, StoreUnavailable
from bot.slack.blocks import LOOKING, LOOKING_ZH, apology, mrkdwn, reply_message, sections
from bot.slack.buttons import remember_reply
from bot.slack.card_thread import card_of, on_card_reply
from bot.slack.files import fetch_uploads
from bot.slack.placeholder import post_note, put_reply
from bot.slack.runtime import SlackRuntime
from bot.slack.spool import Spooled
from bot.slack.thread import Earlier, earlier_messages
from bot.slack.ticket_thread import customer_answered, reopen, reopens

log = logging.getLogger("deskbot.slack.messages")
_HANDLED_SUBTYPES = {None, "file_share", "thread_broadcast"}
KEPT = (
    ":hourglass: Sorry — I can't reach our records right now, so I can't answer yet. "
    "I've kept your message and will reply in this thread as soon as they are back; there is "
    "no need to send it again."
)
KEPT_STAFF = (
    "deskbot can't reach its database right now; your message is kept and will be recorded "
    "on the ticket as soon as it is back."
)
NOT_KEPT = (
    ":warning: Sorry — I can't reach our records right now and could not keep your message. "
    "Please send it again in a few minutes."
)


class Undecided(StoreUnavailable):
    """Whether the message is for us depends on the database, which is not answering."""


@dataclass
class Progress:
    """The "looking…" note of a turn, once posted (replaced by the answer or an apology)."""

    ts: str | None = None


@dataclass(frozen=True)
class Turn:
    """A message we will handle: where it is and what the conversation service gets."""

    channel: str
    thread_ts: str
    ts: str
    user: str
    text: str
    account_id: str | None
    files: list[dict[str, Any]]
    mentioned: bool = False
    direct: bool = False
    joined_late: bool = False  # a reply in a thread we hold nothing of: read what it said

    @property
    def ref(self) -> str:
        return f"{self.channel}:{self.thread_ts}"


def on_event(rt: SlackRuntime, event: dict[str, Any], body: dict[str, Any], *, kind: str) -> None:
    """Entry point for ``message`` and ``app_mention`` events (after bolt's ack)."""
    progress = Progress()
    try:
        handle(rt, event, body, kind=kind, progress=progress)
    except StoreUnavailable as exc:
        event_id = _event_id(event, body)
        log.warning("database unavailable; keeping slack message %s for later", event_id)
        try:
            kept = rt.spool is not None
            if kept:
                assert rt.spool is not None
                rt.spool.put(kind=kind, event=event, event_id=event_id)
        except OSError:
            log.exception("could not keep slack message %s", event_id)
            kept = False
        if not isinstance(exc, Undecided):
            _tell_kept(rt, event, progress, kept=kept)


def replay(rt: SlackRuntime, item: Spooled) -> None:
    """Handle a message kept while the database was down; ``StoreUnavailable`` (raised on) when
    it still is. Each kept message is handled once, even if the process dies after."""
    if rt.ctx.inbound.seen("slack-replay", item.event_id):
        return
    progress = Progress()
    try:
        handle(rt, item.event, {"event_id": item.event_id}, kind=item.kind, progress=progress,
               replayed=True)  # fmt: skip
    except StoreUnavailable:
        if progress.ts is not None:
            _tell_kept(rt, item.event, progress, kept=True)
        raise
    rt.ctx.inbound.first_time("slack-replay", item.event_id, now=rt.now())


def replay_kept(rt: SlackRuntime) -> int:
    """Answer the kept messages once the database takes writes again; how many were handled."""
    if rt.spool is None or not rt.spool.pending():
        return 0
    try:
        rt.ctx.db.check_writes()
    except StoreUnavailable:
        return 0
    return rt.spool.replay(lambda item: replay(rt, item))


def handle(
    rt: SlackRuntime,
    event: dict[str, Any],
    body: dict[str, Any],
    *,
    kind: str,
    progress: Progress,
    replayed: bool = False,
) -> None:
    """Select, de-duplicate and answer one message; ``StoreUnavailable`` when the database
    refuses."""
    card = card_of(rt, event) if kind == "message" else None
    if card is not None:  # staff under a ticket's card: an internal note
        if rt.first_delivery(_event_id(event, body)) or replayed:
            on_card_reply(rt, event, card)
        return
    turn = select(rt, event, kind=kind)
    if turn is None:
        return
    event_id = _event_id(event, body)
    # A kept message was seen (and maybe recorded) before the database failed: its replay
    # goes ahead, and is counted once by ``replay``.
    if not rt.first_delivery(event_id) and not replayed:
        log.info("duplicate delivery %s ignored", event_id)
        return
    person = rt.ctx.config.person_for_slack_user(turn.user)
    conversation = rt.ctx.conversations.find("slack", turn.ref)
    ticket = None
    if conversation is not None and conversation.ticket_id is not None:
        ticket = rt.ctx.tickets.get(conversation.ticket_id)
    if person is not None:
        if ticket is not None:
            said = rt.readable(turn.text)
            rt.ctx.desk.agent_reply(
                ticket, agent=person.id, body=said, now=rt.now(), in_thread=True
            )
            return
        if not (turn.mentioned or turn.direct):
            return  # staff talking in a customer's thread; not a question for the bot
    waiting = ticket is not None and ticket.status == "waiting_on_customer"
    if (
        ticket is not None
        and conversation is not None
        and reopens(ticket, conversation, turn.text, now=rt.now())
    ):
        with rt.turn_lock(turn.ref):
            reopen(rt, ticket, conversation, user=turn.user, text=turn.text)
        return
    answer(rt, turn, progress=progress)
    if waiting and ticket is not None:
        try:
            customer_answered(rt, ticket)
        except Exception:
            log.exception("could not update the cards of %s", ticket.key)


def _event_id(event: dict[str, Any], body: dict[str, Any]) -> str:
    return str(body.get("event_id") or f"{event.get('channel')}:{event.get('ts')}")


def _tell_kept(rt: SlackRuntime, event: dict[str, Any], progress: Progress, *, kept: bool) -> None:
    """Tell the thread what became of a message the database did not take."""
    channel, user = event.get("channel"), event.get("user")
    if not channel:
        return
    thread_ts = event.get("thread_ts") or event.get("ts")
    try:
        if user and rt.ctx.config.person_for_slack_user(str(user)) is not None:
            # Staff: not a note for the customer's thread.
            rt.client.chat_postEphemeral(channel=channel, user=user, text=KEPT_STAFF if kept
                                         else NOT_KEPT)  # fmt: skip
            return
        text = KEPT if kept else NOT_KEPT
        if progress.ts is not None:
            _update(rt, str(channel), progress.ts, text, sections(text))
        else:
            rt.client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text)
    except (SlackApiError, OSError):
        log.exception("could not tell %s that its message was kept", channel)


def select(rt: SlackRuntime, event: dict[str, Any], *, kind: str) -> Turn | None:
    """The turn to handle, or None for messages that must not trigger anything."""
    if event.get("subtype") not in _HANDLED_SUBTYPES or event.get("bot_id"):
        return None
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    if not user or not channel or not ts:
        return None
    bot = rt.identity()
    if user == bot:
        return None
    text = str(event.get("text") or "")
    thread_ts = str(event.get("thread_ts") or ts)
    mapped = rt.ctx.config.account_for_channel(channel)
    mentioned = bot is not None and f"<@{bot}>" in text
    is_dm = event.get("channel_type") == "im" or str(channel).startswith("D")
    top_level = thread_ts == ts
    staff = rt.ctx.config.person_for_slack_user(user) is not None

    def wanted(known: bool) -> bool:
        if kind == "app_mention":
            return mapped is None and not is_dm
        if is_dm:
            return True
        if mapped is not None:
            return (known if not top_level else (not staff or mentioned)) or mentioned
        return known and not mentioned

    try:
        known = rt.ctx.conversations.find("slack", f"{channel}:{thread_ts}") is not None
    except StoreUnavailable:
        if wanted(True) != wanted(False):
            raise Undecided("whether this message is for us is in the database") from None
        known = False
    if not wanted(known):
        return None
    account = rt.account_for(None if is_dm else channel)
    return Turn(
        channel=str(channel),
        thread_ts=thread_ts,
        ts=str(ts),
        user=str(user),
        text=text,  # Slack markup; made readable after the de-duplication (names cost calls)
        account_id=account.id if account else None,
        files=list(event.get("files") or []),
        mentioned=mentioned or kind == "app_mention",
        direct=is_dm,
        joined_late=not known and not top_level,
    )


def answer(rt: SlackRuntime, turn: Turn, *, progress: Progress | None = None) -> None:
    """Show progress, ask the conversation service, replace the progress note with the reply.
    Any failure ends in an apology in the thread with a way to a human — except the database
    refusing writes, raised on (``StoreUnavailable``) for the caller to keep the message. A
    Slack failure on the way never costs the reply (:mod:`bot.slack.placeholder`)."""
    progress = progress if progress is not None else Progress()
    placeholder: str | None = None
    lang = language(turn.text)
    try:
        looking = LOOKING_ZH if lang == "zh" else LOOKING
        placeholder = progress.ts = post_note(
            rt, channel=turn.channel, thread_ts=turn.thread_ts, text=looking
        )
        earlier = Earlier()
        if turn.joined_late:
            earlier = earlier_messages(
                rt, channel=turn.channel, thread_ts=turn.thread_ts, before=turn.ts
            )
        fetched = fetch_uploads(rt, [*earlier.files, *turn.files])
        text = rt.readable(turn.text)
        if fetched.skipped:
            text += "\n\n(files not attached: " + "; ".join(fetched.skipped) + ")"
        inbound = Inbound(
            channel="slack",
            conversation_ref=turn.ref,
            text=text,
            user_ref=turn.user,
            user_name=rt.user_name(turn.user),
            account_id=turn.account_id,
            uploads=tuple(fetched.uploads),
            external_id=turn.ts,
            context=earlier.texts,
        )
        with rt.turn_lock(turn.ref):
            reply = converse(rt, inbound, channel=turn.channel, placeholder=placeholder)
        if reply.kind == "error":
            # The service apologises for any failure; when it was the database refusing the
            # message, it was not kept, and the spool must take it.
            rt.ctx.db.check_writes()
        show(rt, turn, reply, placeholder=placeholder)
    except StoreUnavailable:
        raise
    except Exception:
        log.exception("answering %s failed", turn.ref)
        fallback, blocks = apology(value=turn.ref, lang=lang)
        try:
            put_reply(rt, channel=turn.channel, thread_ts=turn.thread_ts, note=placeholder,
                      text=fallback, blocks=blocks)  # fmt: skip
        except Exception:
            log.exception("could not even apologise in %s", turn.ref)


def converse(rt: SlackRuntime, inbound: Inbound, *, channel: str, placeholder: str | None) -> Reply:
    """The service's reply; a streamed (LLM) answer grows in the progress note meanwhile, at
    most one ``chat.update`` per ``rt.stream_interval`` seconds (Slack rate-limits updates)."""
    service = rt.service()
    shown = ""
    last = time.monotonic()
    for pieces, piece in enumerate(service.stream(inbound, now=rt.now()), start=1):
        if isinstance(piece, Reply):
            return piece
        shown += piece
        # A one-piece "stream" (extractive answers) goes straight to the final reply.
        due = time.monotonic() - last >= rt.stream_interval
        if placeholder is not None and pieces > 1 and shown.strip() and due:
            partial = mrkdwn(shown) + " …"
            try:
                _update(rt, channel, placeholder, partial, sections(partial))
            except (SlackApiError, OSError) as exc:
                log.info("skipped a streaming update: %s", exc)
            last = time.monotonic()
    raise ServiceUnavailable("the conversation ended without a reply")


def show(rt: SlackRuntime, turn: Turn, reply: Reply, *, placeholder: str | None) -> None:
    text, blocks = reply_message(reply, value=turn.ref, now=rt.now())
    ts = put_reply(rt, channel=turn.channel, thread_ts=turn.thread_ts, note=placeholder,
                   text=text, blocks=blocks)  # fmt: skip
    if ts is not None:
        remember_reply(rt, ref=turn.ref, channel=turn.channel, thread_ts=turn.thread_ts, ts=ts,
                       reply=reply, text=text, blocks=blocks)  # fmt: skip


def _update(rt: SlackRuntime, channel: str, ts: str, text: str, blocks: list[Any]) -> None:
    rt.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
