"""Each transition of the conversation's state machine on its own (no store, no docs)."""

from __future__ import annotations

import pytest

from bot.conversation.intents import Intent, Reading
from bot.conversation.machine import Step, decide, situation
from bot.conversation.state import ConversationState, KnownIssue, dump, load
from bot.triage.intake import IntakeSession


def _idle() -> ConversationState:
    return ConversationState()


def _reporting(awaiting: str | None = "details") -> ConversationState:
    return ConversationState(report=IntakeSession(transcript=["app crashes"]), awaiting=awaiting)  # type: ignore[arg-type]


def _following() -> ConversationState:
    return ConversationState(report=IntakeSession(opened=True), on_ticket=True)


CASES = [
    # (state, ticket open, intent, step)
    (_idle, False, Intent.QUESTION, Step.ANSWER),
    (_idle, False, Intent.REPORT, Step.START_REPORT),
    (_idle, False, Intent.DETAIL, Step.START_REPORT),
    (_idle, False, Intent.OPEN_TICKET, Step.OPEN_FROM_CHAT),
    (_idle, False, Intent.GO_AHEAD, Step.OPEN_FROM_CHAT),
    (_idle, False, Intent.HUMAN, Step.HUMAN),
    (_idle, False, Intent.STATUS, Step.STATUS),
    (_idle, False, Intent.LIST_TICKETS, Step.LIST_TICKETS),
    (_idle, False, Intent.COMMERCIAL, Step.COMMERCIAL),
    (_idle, False, Intent.FEATURE, Step.FEATURE),
    (_idle, False, Intent.THANKS, Step.ACK_THANKS),
    (_idle, False, Intent.SOLVED, Step.ACK_SOLVED),
    (_idle, False, Intent.GREETING, Step.GREET),
    (_idle, False, Intent.NOT_IT, Step.ANSWER),
    (_idle, False, Intent.NEW_TOPIC, Step.START_OVER),
    (_reporting, False, Intent.DETAIL, Step.CONTINUE_REPORT),
    (_reporting, False, Intent.REPORT, Step.CONTINUE_REPORT),
    (_reporting, False, Intent.FEATURE, Step.CONTINUE_REPORT),
    (_reporting, False, Intent.QUESTION, Step.ANSWER),
    (_reporting, False, Intent.GO_AHEAD, Step.OPEN_REPORT),
    (_reporting, False, Intent.OPEN_TICKET, Step.OPEN_REPORT),
    (_reporting, False, Intent.STATUS, Step.STATUS),
    (_reporting, False, Intent.HUMAN, Step.HUMAN),
    (_reporting, False, Intent.NOT_IT, Step.CONTINUE_REPORT),
    (_following, True, Intent.DETAIL, Step.ADD_TO_TICKET),
    (_following, True, Intent.REPORT, Step.START_REPORT),
    (_following, True, Intent.QUESTION, Step.ANSWER),
    (_following, True, Intent.STATUS, Step.STATUS),
    (_following, True, Intent.OPEN_TICKET, Step.ALREADY_OPEN),
    (_following, True, Intent.FEATURE, Step.FEATURE),
    # The ticket was resolved meanwhile: nothing to add detail to, so a new report starts.
    (_following, False, Intent.DETAIL, Step.START_REPORT),
]


@pytest.mark.parametrize(("make", "ticket_open", "intent", "step"), CASES)
def test_transition(make: object, ticket_open: bool, intent: Intent, step: Step) -> None:
    state: ConversationState = make()  # type: ignore[operator]
    before = dump(state)
    transition = decide(state, Reading(intent), ticket_open=ticket_open)
    assert transition.step is step
    assert dump(state) == before, "decide returns a new state; the old one is left alone"


def test_situations() -> None:
    assert situation(_idle(), ticket_open=False) == "idle"
    assert situation(_reporting(), ticket_open=True) == "reporting"
    assert situation(_following(), ticket_open=True) == "ticket"
    assert situation(_following(), ticket_open=False) == "idle"


def test_new_topic_drops_the_report_and_stops_following_the_ticket() -> None:
    new = decide(_reporting(), Reading(Intent.NEW_TOPIC), ticket_open=False).state
    assert new.report is None and new.awaiting is None
    followed = decide(_following(), Reading(Intent.NEW_TOPIC), ticket_open=True).state
    assert not followed.on_ticket and followed.report is not None, "an opened report is kept"


def test_not_it_sets_the_known_issue_aside() -> None:
    state = _reporting("known_issue")
    state.known_issue = KnownIssue(key="k", text="t", source="s", heading="h")
    new = decide(state, Reading(Intent.NOT_IT), ticket_open=False).state
    assert new.known_issue is None and new.awaiting is None and new.report is not None


def test_solved_after_a_known_issue_keeps_the_report_unopened() -> None:
    new = decide(_reporting("known_issue"), Reading(Intent.SOLVED), ticket_open=False).state
    assert new.solved and new.awaiting is None
    assert new.report is not None and not new.report.opened


def test_a_new_report_clears_what_the_bot_was_waiting_for() -> None:
    state = _following()
    state.awaiting = "sign_in"
    new = decide(state, Reading(Intent.REPORT), ticket_open=True).state
    assert new.awaiting is None and not new.solved


def test_state_round_trips_and_old_states_start_afresh() -> None:
    state = _reporting()
    assert load(dump(state)) == state
    assert load({"intake": {"kind": "bug"}, "solved": True}) == ConversationState()
    assert load({"version": 2, "lang": "fr"}) == ConversationState()
    assert load(None) == ConversationState()
