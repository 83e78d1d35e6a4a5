"""The conversation service as the web sees it (``ctx.conversation``, built by the lead)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, Protocol

from bot.conversation.types import ContactForm, ContactResult, Inbound, Reply
from bot.errors import ServiceUnavailable


class ConversationPort(Protocol):
    def handle(self, inbound: Inbound, *, now: dt.datetime) -> Reply: ...

    def stream(self, inbound: Inbound, *, now: dt.datetime) -> Iterator[str | Reply]: ...

    def contact(self, form: ContactForm, *, now: dt.datetime) -> ContactResult: ...


def conversation_service(ctx: Any) -> ConversationPort:
    """``ctx.conversation`` (or ``ctx.extras["conversation"]``); 503 when neither is set."""
    service = getattr(ctx, "conversation", None) or ctx.extras.get("conversation")
    if service is None:
        raise ServiceUnavailable("the chat service is not running; try again shortly")
    return service
