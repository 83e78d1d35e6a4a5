"""The conversation service as the web sees it (``ctx.conversation``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Protocol

from bot.context import AppContext
from bot.conversation.types import ContactForm, ContactResult, Inbound, Reply
from bot.errors import ServiceUnavailable


class ConversationPort(Protocol):
    def handle(self, inbound: Inbound, *, now: dt.datetime) -> Reply: ...

    def stream(self, inbound: Inbound, *, now: dt.datetime) -> Iterator[str | Reply]: ...

    def contact(self, form: ContactForm, *, now: dt.datetime) -> ContactResult: ...


def conversation_service(ctx: AppContext) -> ConversationPort:
    """The context's conversation service; 503 when it has none."""
    if ctx.conversation is None:
        raise ServiceUnavailable("the chat service is not running; try again shortly")
    return ctx.conversation
