"""Slack messages deskbot may have to change later, and whether a card refresh is queued.

A ticket's copies in Slack — the card in the internal channel, the on-call engineer's DM, the
escalation channel's post, the pings threaded under them, the message in the customer's thread —
are re-rendered from the ticket whenever it changes, so every copy shows who has it and where it
stands. A reply with buttons in a customer's thread is remembered until a newer one retires its
buttons (one set of buttons per thread).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.db import Database
from bot.store.models import OutboxRow, SlackPostRow
from bot.store.notifications import outbox_item
from bot.store.records import OutboxItem

# What a post is (``SlackPost.kind``).
CARD = "card"  # a staff card of a ticket: the first message about it in a channel or DM
PING = "ping"  # an escalation ping threaded under a card
CUSTOMER = "customer"  # the ticket's message in the customer's thread
REPLY = "reply"  # a reply in a customer's thread (buttons retired when a newer one comes)
CSAT = "csat"  # the rating request after a ticket was resolved
STAFF_REPLY = "staff"  # a staff member's message under a card: an internal note, sendable
REFRESH_PREFIX = "refresh:"  # outbox target of a queued card refresh: "refresh:SUP-1042"


@dataclass(frozen=True)
class SlackPost:
    id: int
    channel: str
    ts: str
    kind: str
    created_at: dt.datetime
    thread_ts: str | None = None
    conversation_ref: str | None = None
    ticket_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    buttons: bool = False


class SlackPostStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(
        self,
        *,
        channel: str,
        ts: str,
        kind: str,
        now: dt.datetime,
        ticket_id: int | None = None,
        thread_ts: str | None = None,
        conversation_ref: str | None = None,
        payload: dict[str, Any] | None = None,
        buttons: bool = False,
    ) -> SlackPost:
        """Remember a message; a message already remembered (same channel and ts) is updated."""
        values: dict[str, Any] = {
            "thread_ts": thread_ts, "conversation_ref": conversation_ref, "ticket_id": ticket_id,
            "kind": kind, "payload": dict(payload or {}), "buttons": buttons,
        }  # fmt: skip
        try:
            with self.db.session() as session:
                row = SlackPostRow(channel=channel, ts=ts, created_at=now, **values)
                session.add(row)
                session.flush()
                return _post(row)
        except IntegrityError:
            with self.db.session() as session:
                found = session.scalars(
                    select(SlackPostRow).where(
                        SlackPostRow.channel == channel, SlackPostRow.ts == ts
                    )
                ).one()
                for name, value in values.items():
                    if value is not None:
                        setattr(found, name, value)
                session.flush()
                return _post(found)

    def get(self, channel: str, ts: str) -> SlackPost | None:
        with self.db.session() as session:
            row = session.scalars(
                select(SlackPostRow).where(SlackPostRow.channel == channel, SlackPostRow.ts == ts)
            ).first()
            return _post(row) if row is not None else None

    def for_ticket(self, ticket_id: int, *, kinds: Sequence[str] | None = None) -> list[SlackPost]:
        """The ticket's posts, oldest first."""
        query = select(SlackPostRow).where(SlackPostRow.ticket_id == ticket_id)
        if kinds is not None:
            query = query.where(SlackPostRow.kind.in_(list(kinds)))
        with self.db.session() as session:
            return [_post(r) for r in session.scalars(query.order_by(SlackPostRow.id))]

    def card_in(self, ticket_id: int, channel: str) -> SlackPost | None:
        """The ticket's card in ``channel`` (a DM channel id or a channel), if one was posted."""
        with self.db.session() as session:
            row = session.scalars(
                select(SlackPostRow)
                .where(
                    SlackPostRow.ticket_id == ticket_id,
                    SlackPostRow.channel == channel,
                    SlackPostRow.kind == CARD,
                )
                .order_by(SlackPostRow.id)
            ).first()
            return _post(row) if row is not None else None

    def card_for_thread(self, channel: str, thread_ts: str) -> SlackPost | None:
        """The card a staff thread hangs under (a reply to the card in the internal channel)."""
        post = self.get(channel, thread_ts)
        return post if post is not None and post.kind == CARD else None

    def with_buttons(self, conversation_ref: str) -> list[SlackPost]:
        """Replies in a customer's thread whose buttons are still live, oldest first."""
        with self.db.session() as session:
            rows = session.scalars(
                select(SlackPostRow)
                .where(
                    SlackPostRow.conversation_ref == conversation_ref,
                    SlackPostRow.buttons.is_(True),
                )
                .order_by(SlackPostRow.id)
            )
            return [_post(r) for r in rows]

    def update(
        self, post_id: int, *, payload: dict[str, Any] | None = None, buttons: bool | None = None
    ) -> None:
        with self.db.session() as session:
            row = session.get(SlackPostRow, post_id)
            if row is None:
                return
            if payload is not None:
                row.payload = dict(payload)
            if buttons is not None:
                row.buttons = buttons

    def has_posts(self, ticket_id: int) -> bool:
        with self.db.session() as session:
            found = session.scalar(
                select(SlackPostRow.id).where(SlackPostRow.ticket_id == ticket_id).limit(1)
            )
            return found is not None

    def refresh_queued(self, ticket_key: str) -> bool:
        """Whether a refresh of the ticket's cards waits in the outbox already."""
        with self.db.session() as session:
            found = session.scalar(
                select(OutboxRow.id)
                .where(
                    OutboxRow.transport == "slack",
                    OutboxRow.target == REFRESH_PREFIX + ticket_key,
                    OutboxRow.status == "pending",
                )
                .limit(1)
            )
            return found is not None

    def pending_for_ticket(self, ticket_id: int) -> list[OutboxItem]:
        """The ticket's Slack outbox items not delivered yet (to deliver them now)."""
        with self.db.session() as session:
            rows = session.scalars(
                select(OutboxRow)
                .where(
                    OutboxRow.ticket_id == ticket_id,
                    OutboxRow.transport == "slack",
                    OutboxRow.status == "pending",
                )
                .order_by(OutboxRow.id)
            )
            return [outbox_item(r) for r in rows]

    def claim(self, item: OutboxItem, *, now: dt.datetime, hold: dt.timedelta) -> bool:
        """Take a due outbox item for delivery by this caller alone: it is pushed ``hold`` into
        the future unless someone else moved it first (False then). Marking it sent or failed
        afterwards is the caller's; if the caller dies, the item is due again after ``hold``."""
        with self.db.session() as session:
            result = session.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.id == item.id,
                    OutboxRow.status == "pending",
                    OutboxRow.next_attempt_at == item.next_attempt_at,
                )
                .values(next_attempt_at=now + hold)
            )
            return int(getattr(result, "rowcount", 0) or 0) == 1

    def count(self, *, kind: str, since: dt.datetime, until: dt.datetime) -> int:
        """Posts of ``kind`` made in ``[since, until)``."""
        with self.db.session() as session:
            found = session.scalar(
                select(func.count(SlackPostRow.id)).where(
                    SlackPostRow.kind == kind,
                    SlackPostRow.created_at >= since,
                    SlackPostRow.created_at < until,
                )
            )
            return int(found or 0)

    def thread_link(self, ticket_id: int) -> str | None:
        """The customer thread's permalink, as a card of the ticket learnt it from Slack."""
        for post in self.for_ticket(ticket_id, kinds=(CARD,)):
            link = post.payload.get("thread_url")
            if isinstance(link, str) and link:
                return link
        return None


def _post(row: SlackPostRow) -> SlackPost:
    return SlackPost(
        id=row.id, channel=row.channel, ts=row.ts, kind=row.kind, created_at=row.created_at,
        thread_ts=row.thread_ts, conversation_ref=row.conversation_ref, ticket_id=row.ticket_id,
        payload=dict(row.payload or {}), buttons=bool(row.buttons),
    )  # fmt: skip
