"""Who hears about an escalation step: ladder roles turned into people and channels.

Roles (see :mod:`sla.escalation`): ``assignee`` is the ticket's assignee, else the on-call
engineer; ``oncall`` the on-call engineer at ``now``; ``csm`` the account's CSM; ``manager``
the organisation's support manager; ``channel`` the escalation channel. A role nobody fills
(no CSM on a community account, no rotation configured) is skipped, and one person holding two
roles of a step is notified once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.config import OrgConfig, Person
from bot.sla_setup import rotation_for
from bot.store.records import Ticket
from sla import Rotation


@dataclass(frozen=True)
class Recipient:
    """One destination of a step: a person (``person`` set) or the escalation channel."""

    role: str
    target: str  # a person id, or a Slack channel id for the channel
    slack_user: str | None = None

    @property
    def is_channel(self) -> bool:
        return self.role == "channel"

    @property
    def slack_target(self) -> str | None:
        """Where Slack delivers it: the person's Slack user, or the channel id."""
        return self.target if self.is_channel else self.slack_user


class RecipientResolver:
    """Resolves ladder roles against the organisation file (rotation built once)."""

    def __init__(self, config: OrgConfig) -> None:
        self.config = config
        self._rotation: Rotation | None = rotation_for(config)

    def on_call(self, now: dt.datetime) -> str | None:
        return self._rotation.on_call(now) if self._rotation is not None else None

    def resolve(self, roles: Sequence[str], ticket: Ticket, *, now: dt.datetime) -> list[Recipient]:
        out: list[Recipient] = []
        seen: set[str] = set()
        for role in roles:
            target = self._target(role, ticket, now)
            if target is None or target in seen:
                continue
            seen.add(target)
            # A person the organisation file does not know (a stale assignee) is still named
            # in the record and the log, but has no Slack user to message.
            person: Person | None = None if role == "channel" else self.config.person(target)
            out.append(Recipient(role, target, person.slack_user if person else None))
        return out

    def _target(self, role: str, ticket: Ticket, now: dt.datetime) -> str | None:
        org = self.config.organisation
        if role == "assignee":
            return ticket.assignee_id or self.on_call(now)
        if role == "oncall":
            return self.on_call(now)
        if role == "csm":
            account = self.config.account(ticket.account_id)
            return account.csm if account is not None else None
        if role == "manager":
            return org.support_manager
        if role == "channel":
            return org.escalation_channel
        return None
