"""``bot.names``: one rule for people's names on the web pages, the CLI and the Slack cards."""

from __future__ import annotations

import dataclasses

from bot.config import OrgConfig
from bot.errors import NotFound
from bot.names import TicketNames, is_slack_user, ticket_names
from bot.store.records import Conversation, Message, Ticket
from tests.conftest import NOW

TICKET = Ticket(
    id=7, key="SUP-1007", account_id="streamly", kind="bug", priority="P2", priority_reason="",
    status="open", stage="new", subject="Crash", fields={}, missing=[], requester="U0DEV1",
    requester_name="Dana Smith", assignee_id="eng-li", channel="slack", channel_ref="C0X",
    thread_ref="1.1", conversation_id="c-1", opened_at=NOW, updated_at=NOW,
    first_response_at=None, resolved_at=None,
)  # fmt: skip


def _conversation(user_ref: str | None, user_name: str | None) -> Conversation:
    return Conversation(
        id="c-1", channel="slack", external_ref="C0X:1.1", account_id="streamly",
        user_ref=user_ref, user_name=user_name, state={}, ticket_id=7, created_at=NOW,
        updated_at=NOW,
    )  # fmt: skip


class _Conversations:
    def __init__(self, found: Conversation | None, *, by_id: bool = True) -> None:
        self.found, self.by_id = found, by_id

    def get(self, conversation_id: str, *, account_id: str | None = None) -> Conversation:
        if self.found is None or not self.by_id:
            raise NotFound(conversation_id)
        return self.found

    def for_ticket(self, ticket_id: int) -> Conversation | None:
        return self.found


def test_staff_requester_other_customers_and_the_fallback(example_config: OrgConfig) -> None:
    names = TicketNames(example_config, TICKET, customers={"U0ALICE": "Alice Wong"})
    assert names.name("deskbot", "bot") == "Nimbus Cloud"
    assert names.name("eng-chen", "agent") == "Chen Hao"
    assert names.name("U0ENGCHEN", "agent") == names.name("U0ENGCHEN", "customer") == "Chen Hao"
    # A customer cannot borrow a staff member's name by picking their id as a web user id.
    assert names.name("eng-chen", "customer") == "eng-chen"
    assert names.requester == names.name("U0DEV1", "customer") == "Dana Smith"
    assert names.name("U0ALICE", "customer") == "Alice Wong"
    assert names.name("U0CAROL", "customer") == "U0CAROL"
    assert names.name(None, "system") == "system" and names.name("", None) == "unknown"


def test_a_blank_requester_name_is_the_id(example_config: OrgConfig) -> None:
    ticket = dataclasses.replace(TICKET, requester_name="  ")
    assert TicketNames(example_config, ticket).requester == "U0DEV1"
    anonymous = dataclasses.replace(TICKET, requester="anonymous", requester_name=None)
    assert TicketNames(example_config, anonymous).requester == "anonymous"


def test_names_kept_with_the_tickets_conversation(example_config: OrgConfig) -> None:
    alice = _conversation("U0ALICE", "Alice Wong")
    assert ticket_names(example_config, _Conversations(alice), TICKET).name("U0ALICE") == (
        "Alice Wong"
    )
    # Found through the ticket when its conversation id is stale; nothing stored: the id.
    stale = _Conversations(alice, by_id=False)
    assert ticket_names(example_config, stale, TICKET).name("U0ALICE") == "Alice Wong"
    none = ticket_names(example_config, _Conversations(None), TICKET)
    assert none.name("U0ALICE") == "U0ALICE"
    nameless = ticket_names(example_config, _Conversations(_conversation("U0ALICE", "")), TICKET)
    assert nameless.name("U0ALICE") == "U0ALICE"


def test_slack_user_ids() -> None:
    assert is_slack_user("U0123ABC") and is_slack_user("W0123ABC")
    assert not is_slack_user("eng-chen") and not is_slack_user("u0123abc")
    assert not is_slack_user(None) and not is_slack_user("U")


def test_a_colleague_writing_in_the_thread_is_named_from_their_message(
    example_config: OrgConfig,
) -> None:
    def said(author: str, name: str | None, role: str = "user") -> Message:
        return Message(1, role, author, "text", NOW, {"author_name": name} if name else {})

    conv = dataclasses.replace(
        _conversation("U0DEV1", "Dana Smith"),
        messages=(
            said("U0DEV1", "Dana Smith"),
            said("U0BOB", "Bob Lee"),
            said("U0EVE", None),
            said("U0BOT", "Not A Customer", role="bot"),
        ),
    )
    names = ticket_names(example_config, _Conversations(conv), TICKET)
    assert names.name("U0BOB", "customer") == "Bob Lee"
    assert names.name("U0EVE", "customer") == "U0EVE"
    assert names.name("U0BOT", "customer") == "U0BOT"
