"""What a thread said before the bot was asked: someone @mentions deskbot in a thread it did
not start, and the substance ("the app crashes when…", versions, a log) is in the messages
above the mention, which only says "can you help?".

``conversations.replies`` (scopes ``channels:history``, ``groups:history``, ``im:history``)
gives them. Bots' messages, ours included, are left out, and what is kept is bounded: the
thread's first message and the latest ones before the mention, at most ``MAX_MESSAGES`` and
about ``MAX_CHARS`` characters. When Slack will not give them (a missing scope, a rate limit,
a network error) the mention is answered on its own and a warning is logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.slack.client import delivery_error
from bot.slack.people import limited, readable
from bot.slack.runtime import SlackRuntime

log = logging.getLogger("deskbot.slack.thread")
MAX_MESSAGES = 50
MAX_CHARS = 8_000
MAX_FILES = 5
NAME_LOOKUPS = 10  # users.info calls for the people mentioned in the whole thread
PAGE_SIZE = 200
MAX_PAGES = 5
_ONE_MESSAGE = MAX_CHARS // 2
_LEAST = 200  # a message clipped shorter than this says nothing useful
_HUMAN_SUBTYPES = {None, "file_share", "thread_broadcast"}


@dataclass(frozen=True)
class Earlier:
    """The earlier messages as text (oldest first) and the files shared with them."""

    texts: tuple[str, ...] = ()
    files: tuple[dict[str, Any], ...] = ()


def earlier_messages(rt: SlackRuntime, *, channel: str, thread_ts: str, before: str) -> Earlier:
    """People's messages in the thread before the one with ts ``before``; never raises."""
    bot = rt.identity()
    people = [
        m
        for m in _replies(rt, channel=channel, thread_ts=thread_ts, before=before)
        if _by_a_person(m, bot) and _ts(m) < _ts({"ts": before})
    ]
    names = limited(rt.user_name, NAME_LOOKUPS)
    texts: list[tuple[str, dict[str, Any]]] = []
    for message in _bounded(people):
        text = readable(str(message.get("text") or ""), names=names, drop=bot)
        if text or message.get("files"):
            texts.append((text, message))
    kept = _within_chars(texts)
    files = [
        f for _, m in kept for f in m.get("files") or [] if isinstance(f, dict) and f.get("id")
    ]
    return Earlier(
        texts=tuple(t for t, _ in kept if t),
        files=tuple(files[-MAX_FILES:]),
    )


def _replies(
    rt: SlackRuntime, *, channel: str, thread_ts: str, before: str
) -> list[dict[str, Any]]:
    """The thread's messages, oldest first, a bounded number of pages. A failure keeps the
    pages already read (the thread's first message comes first)."""
    messages: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        try:
            page = rt.client.conversations_replies(
                channel=channel, ts=thread_ts, latest=before, inclusive=False,
                limit=PAGE_SIZE, cursor=cursor,
            )  # fmt: skip
        except (SlackApiError, OSError) as exc:
            why = delivery_error(exc)
            wait = f"; Slack asks to wait {why.retry_after:g} s" if why.retry_after else ""
            then = "using the pages read" if messages else "answering from the mention alone"
            log.warning(
                "could not read thread %s:%s (%s%s); %s", channel, thread_ts, why, wait, then
            )
            break
        messages.extend(m for m in page.get("messages") or [] if isinstance(m, dict))
        cursor = ((page.get("response_metadata") or {}).get("next_cursor")) or None
        if not page.get("has_more") or not cursor:
            break
    return messages


def _by_a_person(message: dict[str, Any], bot: str | None) -> bool:
    if message.get("bot_id") or message.get("subtype") not in _HUMAN_SUBTYPES:
        return False
    user = message.get("user")
    return bool(user) and user != bot


def _ts(message: dict[str, Any]) -> float:
    try:
        return float(message.get("ts") or 0)
    except ValueError:
        return 0.0


def _bounded(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first message and the latest ones, ``MAX_MESSAGES`` in all."""
    if len(messages) <= MAX_MESSAGES:
        return messages
    return [messages[0], *messages[-(MAX_MESSAGES - 1) :]]


def _within_chars(
    texts: list[tuple[str, dict[str, Any]]],
) -> list[tuple[str, dict[str, Any]]]:
    """About ``MAX_CHARS`` characters: the first message (clipped), then from the newest back;
    a message that does not fit is clipped to what is left, and older ones are dropped."""
    if not texts:
        return []
    first_text, first = texts[0]
    first_text = first_text[:_ONE_MESSAGE]
    left = MAX_CHARS - len(first_text)
    newest: list[tuple[str, dict[str, Any]]] = []
    for text, message in reversed(texts[1:]):
        if left < _LEAST and len(text) > left:
            break
        text = text[: min(_ONE_MESSAGE, left)]
        newest.append((text, message))
        left -= len(text)
    return [(first_text, first), *reversed(newest)]
