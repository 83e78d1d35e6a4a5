"""The Slack transport of the outbox: escalation pings, new-ticket posts, plain messages.

Outbox items with ``transport="slack"`` (queue them with
``ctx.notifications.enqueue(Delivery("slack", target, payload), now=...)`` or
``NotificationStore.fire``).

``target`` — where it goes:
    * a Slack user id (``U…``/``W…``): a DM (``conversations.open`` then ``chat.postMessage``);
    * a Slack channel id (``C…``/``G…``/``D…``): a post in that channel;
    * a person id from the organisation file (``eng-chen``): a DM to their ``slack_user``.

``payload`` — what it says; one of three kinds (JSON-safe; times ISO 8601 with offset):

    {"kind": "escalation",          # an SLA ping
     "ticket": "SUP-1042",          # required; everything else below is optional
     "clock": "first_response",     # or "resolution"; default first_response
     "level": 2, "fraction": 0.8,   # the ladder step (fraction of the target elapsed)
     "due_at": "2026-11-18T03:00:00+00:00",  # default: the ticket's stored clock
     "late": false,                 # true when fired after downtime
     "recipient": "csm"}            # role it is for (assignee|oncall|csm|manager|channel)

    {"kind": "new_ticket", "ticket": "SUP-1042", "headline": "New ticket"}

    {"kind": "message", "text": "fallback text", "blocks": [...]}   # pre-rendered (digests)
    # with "thread_ts": a reply in that thread; with "replace": a progress note to delete

    {"kind": "refresh", "ticket": "SUP-1042"}         # re-render every copy of the ticket
    {"kind": "csat", "ticket": "SUP-1042"}            # the rating request, if still resolved
    {"kind": "note", "ticket": "SUP-1042", "text": "The customer answered on …"}
                                   # a line for one person, threaded under the card in their DM

Account, tier, priority, subject, assignee, the thread link (``chat.getPermalink``) and the
time left (or how late) are read from the ticket at delivery time, so a ping delivered after
a retry is still accurate. The first message about a ticket in a channel or DM is its card
(with the Acknowledge / Take it / Waiting on customer / Resolve buttons that still make
sense, :mod:`bot.slack.cards`); later pings there are threaded under it, @mentioning the
people they are for. Every copy is remembered (:mod:`bot.store.slack_posts`) and re-rendered
from the ticket when it changes (``refresh``).

Failures raise :class:`bot.notify.DeliveryError`: HTTP 429 with ``retry_after`` from
``Retry-After``; 5xx and network errors retryable; an unknown channel or user, a revoked
token, or a payload we cannot render ``permanent``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import Clock, utc_now
from bot.config import OrgConfig
from bot.conversation.texts import language
from bot.errors import DeskbotError, NotFound
from bot.notify import DeliveryError
from bot.notify.texts import customer_language
from bot.sla_setup import rotation_for
from bot.slack.blocks import Block, escape
from bot.slack.cards import escalation_card, ping_reply, ticket_card
from bot.slack.client import SERVICE, delivery_error
from bot.slack.history import CardFacts, card_facts
from bot.slack.progress import customer_copy
from bot.slack.rating import request_blocks
from bot.store.conversations import ConversationStore
from bot.store.records import OutboxItem, Ticket
from bot.store.slack_posts import CARD, CSAT, CUSTOMER, PING, SlackPost, SlackPostStore
from bot.store.tickets import TicketStore

log = logging.getLogger("deskbot.slack.notifier")
_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL = re.compile(r"^[CGD][A-Z0-9-]{2,}$")
MAX_COPIES = 40  # copies re-rendered per refresh (the card's, then the latest pings')
# Errors of a copy that is gone for good: deleted, or in an archived channel.
_GONE = {"message_not_found", "cant_update_message", "channel_not_found", "is_archived"}


class SlackNotifier:
    """Delivers outbox items to Slack. Thread-safe; holds no state between deliveries."""

    transport = "slack"

    def __init__(
        self,
        *,
        client: WebClient,
        config: OrgConfig,
        tickets: TicketStore,
        clock: Clock = utc_now,
        public_url: str | None = None,
        posts: SlackPostStore | None = None,
        conversations: ConversationStore | None = None,
    ) -> None:
        self.client = client
        self.config = config
        self.tickets = tickets
        self.clock = clock
        self.public_url = public_url.rstrip("/") if public_url else None
        self.posts = posts if posts is not None else SlackPostStore(tickets.db)
        self.conversations = conversations

    def service_of(self, item: OutboxItem) -> str:
        return SERVICE

    def deliver(self, item: OutboxItem) -> None:
        payload = item.payload
        kind = payload.get("kind")
        try:
            if kind == "message":
                self._message(item)
            elif kind == "refresh":
                self.refresh(self._ticket(payload))
            elif kind == "csat":
                self._csat(self._ticket(payload))
            elif kind == "note":
                ticket = self._ticket(payload)
                self._note(ticket, self.destination(item.target), payload, target=item.target)
            elif kind in ("escalation", "new_ticket"):
                ticket = self._ticket(payload)
                channel = self.destination(item.target)
                self._post_about(ticket, channel, payload, target=item.target)
            else:
                raise DeliveryError(f"unknown slack payload kind {kind!r}", permanent=True)
        except (SlackApiError, OSError) as exc:
            raise delivery_error(exc) from exc

    # -- rendering ---------------------------------------------------------------------------
    def render(
        self,
        payload: dict[str, Any],
        *,
        facts: CardFacts | None = None,
        mentions: tuple[str, ...] = (),
    ) -> tuple[str, list[Block]]:
        kind = payload.get("kind")
        if kind == "message":
            text = str(payload.get("text") or "")
            blocks = payload.get("blocks") or []
            if not text and not blocks:
                raise DeliveryError("empty message payload", permanent=True)
            return text or "deskbot", list(blocks)
        if kind not in ("escalation", "new_ticket"):
            raise DeliveryError(f"unknown slack payload kind {kind!r}", permanent=True)
        ticket = self._ticket(payload)
        facts = facts if facts is not None else self.facts(ticket)
        now = self.clock()
        link = payload.get("thread_url") or self.permalink(ticket)
        desk = self.desk_url(ticket)
        if kind == "escalation":
            return escalation_card(
                ticket, payload, config=self.config, now=now, permalink=link, desk_url=desk,
                facts=facts, mentions=mentions,
            )  # fmt: skip
        headline = str(payload.get("headline") or "New ticket")
        return ticket_card(
            ticket, config=self.config, now=now, headline=headline, permalink=link,
            desk_url=desk, facts=facts,
        )  # fmt: skip

    def facts(self, ticket: Ticket) -> CardFacts:
        return card_facts(ticket, self.tickets.events(ticket.id), self.config)

    def desk_url(self, ticket: Ticket) -> str | None:
        return f"{self.public_url}/staff/tickets/{ticket.key}" if self.public_url else None

    # -- posting -------------------------------------------------------------------------------
    def _post_about(
        self, ticket: Ticket, channel: str, payload: dict[str, Any], *, target: str = ""
    ) -> None:
        """The ticket's card in ``channel``, or — when it has one there — a ping threaded under
        it (a second new-ticket post for the same channel is not made)."""
        card = self.posts.card_in(ticket.id, channel)
        if card is not None and payload.get("kind") == "new_ticket":
            return
        facts = self.facts(ticket)
        mentions = self.mentions(ticket, payload, channel, target, threaded=card is not None)
        now = self.clock()
        if card is not None:
            text, blocks = ping_reply(
                ticket, payload, config=self.config, now=now, facts=facts, mentions=mentions
            )
            posted = self.client.chat_postMessage(
                channel=channel, thread_ts=card.ts, text=text, blocks=blocks
            )
            self._remember(posted, channel, PING, ticket, payload, mentions, thread_ts=card.ts)
            self._update_copy(card, ticket, facts)
            return
        link = payload.get("thread_url") or self.permalink(ticket)
        text, blocks = self.render({**payload, "thread_url": link}, facts=facts, mentions=mentions)
        posted = self.client.chat_postMessage(channel=channel, text=text, blocks=blocks)
        self._remember(posted, channel, CARD, ticket, {**payload, "thread_url": link}, mentions)

    def _remember(
        self,
        posted: Any,
        channel: str,
        kind: str,
        ticket: Ticket,
        payload: dict[str, Any],
        mentions: tuple[str, ...],
        *,
        thread_ts: str | None = None,
    ) -> None:
        ts = posted.get("ts") if hasattr(posted, "get") else None
        if not ts:
            return
        try:
            self.posts.record(
                channel=str(posted.get("channel") or channel), ts=str(ts), kind=kind,
                now=self.clock(), ticket_id=ticket.id, thread_ts=thread_ts,
                payload={**payload, "mentions": list(mentions)},
            )  # fmt: skip
        except DeskbotError:
            # Posted but not remembered: the copy will not be refreshed; the ping still went.
            log.exception("could not remember the post about %s in %s", ticket.key, channel)

    def mentions(
        self, ticket: Ticket, payload: dict[str, Any], channel: str, target: str, *,
        threaded: bool,
    ) -> tuple[str, ...]:  # fmt: skip
        """Who a post @mentions: in a channel, the people the escalation is for and whoever
        works the ticket (assignee, else on call); in a DM, its person, on threaded pings only
        (a reply in a thread notifies nobody otherwise)."""
        if payload.get("kind") != "escalation":
            return ()
        if channel.startswith("D"):
            person = self.config.person(target)
            recipient = person.slack_user if person is not None else target
            return (recipient,) if threaded and recipient and _USER.match(recipient) else ()
        people = [str(r) for r in payload.get("recipients") or []]
        people.append(ticket.assignee_id or self.on_call() or "")
        users: list[str] = []
        for person_id in people:
            person = self.config.person(person_id) if person_id else None
            if person is not None and person.slack_user and person.slack_user not in users:
                users.append(person.slack_user)
        return tuple(users)

    def on_call(self) -> str | None:
        try:
            rotation = rotation_for(self.config)
            return rotation.on_call(self.clock()) if rotation is not None else None
        except DeskbotError:
            return None

    def _message(self, item: OutboxItem) -> None:
        text, blocks = self.render(item.payload)
        thread_ts = item.payload.get("thread_ts")
        channel = self.destination(item.target)
        kwargs: dict[str, Any] = {"channel": channel, "text": text, "blocks": blocks}
        if thread_ts:
            kwargs["thread_ts"] = str(thread_ts)
        self.client.chat_postMessage(**kwargs)
        note = item.payload.get("replace")
        if note:
            try:
                self.client.chat_delete(channel=channel, ts=str(note))
            except (SlackApiError, OSError):
                log.warning("could not delete the progress note %s in %s", note, channel)

    def _csat(self, ticket: Ticket) -> None:
        """Ask the customer's thread for a rating, if the ticket is still resolved."""
        if ticket.is_open or not ticket.channel_ref or not ticket.thread_ref:
            return
        lang = self.lang(ticket)
        text, blocks = request_blocks(ticket.key, lang)
        posted = self.client.chat_postMessage(
            channel=ticket.channel_ref, thread_ts=ticket.thread_ref, text=text, blocks=blocks
        )
        self._remember(posted, ticket.channel_ref, CSAT, ticket, {"lang": lang}, (),
                       thread_ts=ticket.thread_ref)  # fmt: skip

    def _note(self, ticket: Ticket, channel: str, payload: dict[str, Any], *, target: str) -> None:
        """A line for one person about a ticket ("the customer replied: …"), threaded under
        the ticket's card in their DM when there is one, else as a card with the line."""
        line = escape(str(payload.get("text") or ""))
        card = self.posts.card_in(ticket.id, channel)
        if card is not None:
            person = self.config.person(target)
            user = person.slack_user if person is not None else target
            who = f"<@{user}> " if user and _USER.match(user) else ""
            self.client.chat_postMessage(
                channel=channel, thread_ts=card.ts, text=f"{who}{line}",
                blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": f"{who}{line}"}}],
            )  # fmt: skip
            self._update_copy(card, ticket, self.facts(ticket))
            return
        link = self.permalink(ticket)
        card_payload = {"kind": "new_ticket", "ticket": ticket.key, "thread_url": link,
                        "headline": str(payload.get("headline") or "Ticket")}  # fmt: skip
        _, blocks = self.render(card_payload)
        blocks.insert(1, {"type": "section", "text": {"type": "mrkdwn", "text": line}})
        posted = self.client.chat_postMessage(channel=channel, text=f"{line[:200]}", blocks=blocks)
        self._remember(posted, channel, CARD, ticket, card_payload, ())

    def lang(self, ticket: Ticket) -> str:
        """The language of the ticket's conversation."""
        if self.conversations is not None:
            return customer_language(self.conversations, ticket)
        return language(ticket.subject)

    # -- live copies ---------------------------------------------------------------------------
    def refresh(self, ticket: Ticket) -> int:
        """Re-render every copy of the ticket from its state now; how many were updated. A
        copy that is gone is skipped; any other failure raises (the refresh is retried)."""
        facts = self.facts(ticket)
        copies = self.posts.for_ticket(ticket.id, kinds=(CARD, PING, CUSTOMER))
        cards = [c for c in copies if c.kind != PING]
        pings = [c for c in copies if c.kind == PING]
        chosen = [*cards, *pings[-max(0, MAX_COPIES - len(cards)) :]][:MAX_COPIES]
        failed: DeliveryError | None = None
        done = 0
        for copy in chosen:
            try:
                self._update_copy(copy, ticket, facts, strict=True)
                done += 1
            except DeliveryError as exc:
                failed = exc
        if failed is not None:
            raise failed
        return done

    def _update_copy(
        self, copy: SlackPost, ticket: Ticket, facts: CardFacts, *, strict: bool = False
    ) -> None:
        now = self.clock()
        mentions = tuple(copy.payload.get("mentions") or ())
        if copy.kind == CUSTOMER:
            text, blocks = self._customer_copy(copy, ticket)
        elif copy.kind == PING:
            text, blocks = ping_reply(
                ticket, copy.payload, config=self.config, now=now, facts=facts, mentions=mentions
            )
        else:
            text, blocks = self.render(copy.payload, facts=facts, mentions=mentions)
        try:
            self.client.chat_update(channel=copy.channel, ts=copy.ts, text=text, blocks=blocks)
        except (SlackApiError, OSError) as exc:
            error = delivery_error(exc)
            code = str(exc.response.get("error")) if isinstance(exc, SlackApiError) else ""
            if code in _GONE:
                log.info("copy %s of %s is gone (%s)", copy.ts, ticket.key, code)
                return
            log.warning("could not update copy %s of %s: %s", copy.ts, ticket.key, error)
            if strict:
                raise error from exc

    def _customer_copy(self, copy: SlackPost, ticket: Ticket) -> tuple[str, list[Block]]:
        oncall = self.config.person(self.on_call() or "")
        return customer_copy(
            copy.payload, ticket, config=self.config, now=self.clock(),
            lang=str(copy.payload.get("lang") or self.lang(ticket)),
            oncall=oncall.name if oncall else None,
        )  # fmt: skip

    # -- lookups -------------------------------------------------------------------------------
    def destination(self, target: str) -> str:
        """A channel id to post to; users get a DM channel."""
        if _CHANNEL.match(target):
            return target
        user = target if _USER.match(target) else None
        if user is None:
            person = self.config.person(target)
            user = person.slack_user if person else None
        if not user:
            raise DeliveryError(f"no Slack user or channel for {target!r}", permanent=True)
        opened = self.client.conversations_open(users=user)
        channel = (opened.get("channel") or {}).get("id")
        if not channel:
            raise DeliveryError(f"could not open a DM with {user}")
        return str(channel)

    def permalink(self, ticket: Ticket) -> str | None:
        """A link to the customer's thread; a missing link never blocks a ping."""
        if not ticket.channel_ref or not ticket.thread_ref or ticket.channel != "slack":
            return None
        try:
            found = self.client.chat_getPermalink(
                channel=ticket.channel_ref, message_ts=ticket.thread_ref
            )
        except (SlackApiError, OSError):
            return None
        link = found.get("permalink")
        return str(link) if link else None

    def _ticket(self, payload: dict[str, Any]) -> Ticket:
        ref = payload.get("ticket")
        if not ref:
            raise DeliveryError("payload names no ticket", permanent=True)
        try:
            return self.tickets.get(str(ref))
        except NotFound as exc:
            raise DeliveryError(f"no ticket {ref}", permanent=True) from exc
