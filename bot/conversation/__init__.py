"""The conversation service: one brain behind Slack, the web chat and the CLI.

Channel adapters turn their input into an :class:`Inbound` and call
:meth:`ConversationService.handle`; they render the :class:`Reply` as Block Kit or JSON.
"""

from bot.conversation.types import Action, Inbound, Reply, TicketSummary, Upload

__all__ = ["Action", "Inbound", "Reply", "TicketSummary", "Upload"]
