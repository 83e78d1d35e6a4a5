"""Times on the pages: the formats live in :mod:`bot.dates`, shared with the conversation's
replies so a due time reads the same in the chat, the bot's text and the ticket page."""

from __future__ import annotations

from bot.dates import aware, local, span_text, when_text, zone_text

__all__ = ["aware", "local", "span_text", "when_text", "zone_text"]
