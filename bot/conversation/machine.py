"""The conversation as a state machine: situation × intent → the step to take.

Situations (derived from :class:`~bot.conversation.state.ConversationState`):

- ``idle``: no report being taken and no ticket being followed;
- ``reporting``: a bug report is being taken (``awaiting`` says what the bot asked: the
  missing details, or whether a known issue matches);
- ``ticket``: the conversation follows an open ticket (new detail goes to it).

Transitions (any situation unless named):

==================  ==========================================================================
intent              step
==================  ==========================================================================
STATUS              STATUS — the followed ticket's stage and due times, else the open ones
LIST_TICKETS        LIST_TICKETS
HUMAN               HUMAN — reporting: the report is opened now; otherwise a ticket for a person
NEW_TOPIC           START_OVER — the report in progress is dropped, the ticket no longer followed
COMMERCIAL          COMMERCIAL — a request to the account's CSM, never the engineering queue
SOLVED / THANKS     ACK_SOLVED / ACK_THANKS (a report in progress is kept, not opened)
GREETING            GREET
QUESTION            ANSWER — from the docs; a report in progress waits (after "a person,
                    please" with nothing said yet: HUMAN, with the question); a report that
                    was only a headline is dropped when the question replaces it
FEATURE             FEATURE (reporting: DETAIL, part of the report)
REPORT              idle/ticket: START_REPORT (a second problem starts its own report);
                    reporting: CONTINUE_REPORT
DETAIL              reporting: CONTINUE_REPORT; ticket: ADD_TO_TICKET; idle: START_REPORT
NOT_IT              reporting: CONTINUE_REPORT (the known issue is set aside); else ANSWER
GO_AHEAD            reporting: OPEN_REPORT; ticket: ALREADY_OPEN; idle: OPEN_FROM_CHAT
OPEN_TICKET         as GO_AHEAD
==================  ==========================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from bot.conversation.intents import Intent, Reading
from bot.conversation.state import ConversationState

Situation = Literal["idle", "reporting", "ticket"]


class Step(StrEnum):
    ANSWER = "answer"
    GREET = "greet"
    ACK_THANKS = "ack_thanks"
    ACK_SOLVED = "ack_solved"
    HUMAN = "human"
    START_OVER = "start_over"
    STATUS = "status"
    LIST_TICKETS = "list_tickets"
    COMMERCIAL = "commercial"
    FEATURE = "feature"
    START_REPORT = "start_report"
    CONTINUE_REPORT = "continue_report"
    OPEN_REPORT = "open_report"
    OPEN_FROM_CHAT = "open_from_chat"
    ALREADY_OPEN = "already_open"
    ADD_TO_TICKET = "add_to_ticket"


@dataclass(frozen=True)
class Transition:
    step: Step
    state: ConversationState


def situation(state: ConversationState, *, ticket_open: bool) -> Situation:
    if state.reporting:
        return "reporting"
    if ticket_open and state.on_ticket:
        return "ticket"
    return "idle"


def decide(state: ConversationState, reading: Reading, *, ticket_open: bool) -> Transition:
    """The step for ``reading`` and the state after it (a new value; ``state`` is kept)."""
    where = situation(state, ticket_open=ticket_open)
    new = state.model_copy(deep=True)
    intent = reading.intent

    def go(step: Step) -> Transition:
        return Transition(step, new)

    if intent is Intent.STATUS:
        return go(Step.STATUS)
    if intent is Intent.LIST_TICKETS:
        return go(Step.LIST_TICKETS)
    if intent is Intent.NEW_TOPIC:
        if new.reporting:
            new.report = None
        new.awaiting, new.known_issue, new.on_ticket, new.solved = None, None, False, False
        return go(Step.START_OVER)
    if intent is Intent.HUMAN:
        new.awaiting = None
        return go(Step.HUMAN)
    if intent is Intent.COMMERCIAL:
        return go(Step.COMMERCIAL)
    if intent in (Intent.SOLVED, Intent.THANKS):
        new.solved = intent is Intent.SOLVED or new.solved
        if new.awaiting == "known_issue":
            new.awaiting = None  # the known issue was it: the report waits, unopened
        return go(Step.ACK_SOLVED if intent is Intent.SOLVED else Step.ACK_THANKS)
    if intent is Intent.GREETING:
        return go(Step.GREET)
    if intent in (Intent.GO_AHEAD, Intent.OPEN_TICKET):
        new.awaiting = None
        if where == "reporting":
            return go(Step.OPEN_REPORT)
        return go(Step.ALREADY_OPEN if where == "ticket" else Step.OPEN_FROM_CHAT)
    if intent is Intent.QUESTION:
        if state.awaiting == "person":
            new.awaiting = None
            return go(Step.HUMAN)  # they asked for a person first, then said what about
        if reading.instead_of_report and where == "reporting":
            new.report, new.awaiting, new.known_issue = None, None, None
        return go(Step.ANSWER)
    if intent is Intent.NOT_IT:
        if where != "reporting":
            return go(Step.ANSWER)
        new.awaiting, new.known_issue = None, None
        return go(Step.CONTINUE_REPORT)
    if intent is Intent.FEATURE:
        return go(Step.CONTINUE_REPORT if where == "reporting" else Step.FEATURE)
    # REPORT and DETAIL
    new.solved = False
    if where == "reporting":
        return go(Step.CONTINUE_REPORT)
    if where == "ticket" and intent is Intent.DETAIL:
        return go(Step.ADD_TO_TICKET)
    new.awaiting, new.known_issue = None, None
    return go(Step.START_REPORT)
