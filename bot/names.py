"""People's names on a ticket: one rule for the web pages, the CLI and the Slack cards.

Who a reference (a person id, a Slack user id, a web user id, "anonymous") is, in order:

1. the bot is the organisation;
2. staff come from the organisation config: a Slack user id configured as someone's
   ``slack_user`` whoever acted, a person id only for staff and system actions (a customer
   cannot take a staff member's name by choosing it as their web user id);
3. the ticket's requester is ``requester_name``;
4. other customers are the names kept with the ticket's conversation (who started it, and
   the author of each message, e.g. a colleague writing in the Slack thread);
5. anyone else is their reference: never blank.

Nothing heavy is imported here, so ``bot.web``, ``bot.cli`` and ``bot.slack`` can all use it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from bot.errors import NotFound

if TYPE_CHECKING:
    from bot.config import OrgConfig
    from bot.store.records import Conversation, Ticket

_SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,}")


def is_slack_user(ref: str | None) -> bool:
    """Whether ``ref`` looks like a Slack user id (``U0123ABC``, ``W0123ABC``)."""
    return bool(ref) and _SLACK_USER.fullmatch(ref or "") is not None


class ConversationLookup(Protocol):
    """What :func:`ticket_names` reads (``bot.store.conversations.ConversationStore``)."""

    def get(self, conversation_id: str, *, account_id: str | None = None) -> Conversation: ...

    def for_ticket(self, ticket_id: int) -> Conversation | None: ...


class TicketNames:
    """Names for the people on one ticket (see the module's rule)."""

    def __init__(
        self,
        config: OrgConfig,
        ticket: Ticket,
        *,
        customers: Mapping[str, str] | None = None,
    ) -> None:
        self.config = config
        self.ticket = ticket
        self.customers = dict(customers or {})

    def name(self, ref: str | None, actor_kind: str | None = None) -> str:
        """The name to show for ``ref``; ``actor_kind`` is the event's (customer, agent, ...)."""
        if actor_kind == "bot":
            return self.config.organisation.name
        ref = (ref or "").strip()
        if not ref:
            return actor_kind or "unknown"
        person = self.config.person_for_slack_user(ref) if is_slack_user(ref) else None
        if person is None and actor_kind != "customer":
            person = self.config.person(ref)
        if person is not None:
            return person.name
        requester_name = (self.ticket.requester_name or "").strip()
        if ref == self.ticket.requester and requester_name:
            return requester_name
        return self.customers.get(ref) or ref

    @property
    def requester(self) -> str:
        """The requester's name (their reference when no name is known)."""
        return self.name(self.ticket.requester, "customer")


def ticket_names(
    config: OrgConfig, conversations: ConversationLookup, ticket: Ticket
) -> TicketNames:
    """:class:`TicketNames` with the names the store keeps for the ticket's conversation."""
    conv: Conversation | None = None
    if ticket.conversation_id:
        try:
            conv = conversations.get(ticket.conversation_id)
        except NotFound:
            conv = None
    if conv is None:
        conv = conversations.for_ticket(ticket.id)
    customers: dict[str, str] = {}
    if conv is not None and conv.user_ref and (conv.user_name or "").strip():
        customers[conv.user_ref] = (conv.user_name or "").strip()
    for message in conv.messages if conv is not None else ():
        name = str(message.data.get("author_name") or "").strip()
        if message.role == "user" and message.author and name:
            customers.setdefault(message.author, name)
    return TicketNames(config, ticket, customers=customers)
