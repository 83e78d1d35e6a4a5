"""Who may press which staff button on which ticket.

Engineers, managers and admins may act on any ticket. A CSM works the account team's queue:
commercial requests (upgrades, pricing, contracts) are theirs to acknowledge, take, park and
resolve. An engineering ticket's clocks are the engineers' to stop: a CSM's click there is
refused, with who to ask, unless the organisation allows it
(``organisation.csm_acknowledges_engineering``).
"""

from __future__ import annotations

import datetime as dt

from bot.config import OrgConfig, Person
from bot.errors import DeskbotError
from bot.sla_clocks import COMMERCIAL_KINDS
from bot.sla_setup import rotation_for
from bot.store.records import Ticket

ENGINEERING_ROLES = {"engineer", "manager", "admin"}
VERBS = {
    "deskbot_ack": "acknowledge",
    "deskbot_take": "take",
    "deskbot_wait": "set waiting on the customer",
    "deskbot_resolve": "resolve",
}


def refusal(
    person: Person, action_id: str, ticket: Ticket, config: OrgConfig, *, now: dt.datetime
) -> str | None:
    """Why ``person`` may not do ``action_id`` on ``ticket`` (None: they may)."""
    roles = set(person.roles)
    if roles & ENGINEERING_ROLES:
        return None
    commercial = ticket.kind in COMMERCIAL_KINDS
    if "csm" in roles and (commercial or config.organisation.csm_acknowledges_engineering):
        return None
    verb = VERBS.get(action_id, "do that on")
    who = _engineer(ticket, config, now)
    return (
        f"{ticket.key} is an engineering {ticket.kind} ({ticket.priority}): only an engineer "
        f"may {verb} it, since that stops or moves its SLA clocks. {who} — or ask your "
        "support manager to set `organisation.csm_acknowledges_engineering`."
    )


def _engineer(ticket: Ticket, config: OrgConfig, now: dt.datetime) -> str:
    if ticket.assignee_id:
        person = config.person(ticket.assignee_id)
        return f"{person.name if person else ticket.assignee_id} has it"
    try:
        rotation = rotation_for(config)
    except DeskbotError:
        rotation = None
    if rotation is not None:
        person = config.person(rotation.on_call(now) or "")
        if person is not None:
            slack = f" (<@{person.slack_user}>)" if person.slack_user else ""
            return f"The on-call engineer is {person.name}{slack}"
    return "Ask an engineer to pick it up"
