"""What every Slack handler needs, wired once: the app context, the Web API client, the
conversation service, the clock, and who the bot is."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import Clock, utc_now
from bot.config import Account
from bot.context import AppContext
from bot.conversation.types import Inbound, Reply
from bot.errors import ServiceUnavailable
from bot.slack.live import LiveCards
from bot.slack.notifier import SlackNotifier
from bot.slack.people import UserNames, limited, readable
from bot.slack.spool import Spool
from bot.store.records import Ticket
from bot.store.slack_posts import SlackPostStore

log = logging.getLogger("deskbot.slack")


class ConversationHandler(Protocol):
    """The conversation service's seam (``bot.conversation.service.ConversationService``):
    answers grow in the thread as ``stream`` produces them."""

    def handle(self, inbound: Inbound, *, now: dt.datetime) -> Reply: ...

    def stream(self, inbound: Inbound, *, now: dt.datetime) -> Iterator[str | Reply]: ...


@dataclass
class SlackRuntime:
    ctx: AppContext
    client: WebClient
    clock: Clock = utc_now
    conversation: ConversationHandler | None = None
    bot_user_id: str | None = None
    stream_interval: float = 1.0  # seconds between chat.update calls of a streamed answer
    identity_retry: float = 60.0  # after a failed auth.test, seconds before asking again
    names: UserNames | None = None  # users.info, cached; built on the client when not given
    spool: Spool | None = None  # messages kept while the database refuses writes
    # Processed delivery ids are kept this long (Slack retries within minutes) and pruned
    # once every ``prune_every`` new deliveries in this process.
    deliveries_kept: dt.timedelta = dt.timedelta(days=7)
    prune_every: int = 500
    _deliveries: int = field(default=0, repr=False)
    _identity_next_try: float = field(default=0.0, repr=False)
    _turn_locks: dict[str, threading.Lock] = field(default_factory=dict, repr=False)
    _identity_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.names is None:
            self.names = UserNames(self.client)

    def now(self) -> dt.datetime:
        return self.clock()

    def user_name(self, user: str) -> str | None:
        """A Slack user's name: staff by their name in the config, others from Slack; None
        when Slack will not say (show the id then)."""
        person = self.ctx.config.person_for_slack_user(user)
        if person is not None:
            return person.name
        assert self.names is not None
        return self.names.name(user)

    def readable(self, text: str, *, lookups: int = 5) -> str:
        """A message's text without our own mention, with people's names for theirs."""
        return readable(text, names=limited(self.user_name, lookups), drop=self.identity())

    def first_delivery(self, event_id: str) -> bool:
        """True the first time Slack delivers ``event_id`` (a retry is False); now and then
        forgets old ids, so the table stays small without a job of its own."""
        fresh = self.ctx.inbound.first_time("slack", event_id, now=self.now())
        if fresh:
            with self._identity_lock:
                self._deliveries += 1
                due = self._deliveries % self.prune_every == 0
            if due:
                self.prune_deliveries()
        return fresh

    def prune_deliveries(self) -> int:
        """Forget Slack delivery ids older than ``deliveries_kept``; a failure only logs."""
        try:
            return self.ctx.inbound.forget_before(self.now() - self.deliveries_kept, source="slack")
        except Exception as exc:  # housekeeping must never cost anyone an answer
            log.warning("could not prune old slack delivery ids: %s", exc)
            return 0

    def service(self) -> ConversationHandler:
        """The conversation service: one handed in, else the context's."""
        return self.conversation or self.ctx.conversation

    def notifier(self) -> SlackNotifier:
        """The context's Slack transport: what renders cards and delivers queued items."""
        found = self.ctx.transports.get("slack")
        if not isinstance(found, SlackNotifier):
            raise ServiceUnavailable("Slack's outbound side is not part of this application")
        return found

    def cards(self) -> LiveCards:
        """The ticket cards' bookkeeping (what the desk listener queues), for this runtime."""
        return LiveCards(
            posts=SlackPostStore(self.ctx.db), notifications=self.ctx.notifications,
            inbound=self.ctx.inbound, clock=self.clock,
        )  # fmt: skip

    def deliver_now(self, ticket: Ticket) -> int:
        """Send the ticket's queued card refreshes, rating request and staff lines at once
        (after a click or a reply); what fails stays queued for the outbox worker."""
        try:
            return self.cards().deliver_now(self.notifier(), ticket, now=self.now())
        except ServiceUnavailable as exc:
            log.warning("queued Slack updates of %s left to the outbox: %s", ticket.key, exc)
            return 0

    def identity(self) -> str | None:
        """The bot's own user id, from ``auth.test`` on first use (never at construction, so
        building the app needs no network)."""
        if self.bot_user_id is not None:
            return self.bot_user_id
        with self._identity_lock:
            # While Slack is unreachable, do not make every request wait for auth.test.
            if self.bot_user_id is None and time.monotonic() >= self._identity_next_try:
                try:
                    self.bot_user_id = self.client.auth_test().get("user_id")
                except (SlackApiError, OSError) as exc:
                    self._identity_next_try = time.monotonic() + self.identity_retry
                    log.warning("auth.test failed; bot identity unknown for now: %s", exc)
            return self.bot_user_id

    def turn_lock(self, conversation_ref: str) -> threading.Lock:
        """One turn at a time per conversation in this process, so a double click or two quick
        messages cannot, say, open two tickets."""
        with self._identity_lock:
            if len(self._turn_locks) > 10_000:
                self._turn_locks = {k: v for k, v in self._turn_locks.items() if v.locked()}
            return self._turn_locks.setdefault(conversation_ref, threading.Lock())

    def account_for(self, channel: str | None) -> Account | None:
        """The account a channel belongs to, else the organisation's default account."""
        config = self.ctx.config
        account = config.account_for_channel(channel) if channel else None
        if account is None and config.organisation.default_account:
            account = config.account(config.organisation.default_account)
        return account
