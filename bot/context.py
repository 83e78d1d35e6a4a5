"""The composition root: what the application is made of, built once from settings.

:func:`build_context` makes every part from the settings unless it is handed in by keyword —
the way ``httpx.Client(transport=MockTransport(...))`` takes its parts — so tests pass fakes
(a conversation service, a knowledge base, a chat model, a Slack client, a mailer, a clock)
and get the real wiring around them. The CLI builds it per command; the service inside its
lifespan. Nothing here runs at import time, and nothing here is found by name.

Start order: settings → organisation file → database (migrated) → stores → ticket desk →
chat model → knowledge (loaded on first use) → conversation service → channels and
transports (Slack when configured, e-mail when configured, the log always) → the audience,
which listens to the desk and decides who hears what (and, with Slack, the live cards, which
keep every Slack copy of a ticket up to date).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from bot.chat import build_chat_model
from bot.clock import Clock, utc_now
from bot.config import OrgConfig, load_org_config
from bot.conversation.answers import Answerer
from bot.conversation.factory import build_conversation
from bot.conversation.types import ContactForm, ContactResult, Inbound, Reply
from bot.desk import ClockKeeper, Listener, TicketDesk
from bot.errors import ConfigError
from bot.notify import Notifier
from bot.notify.audience import Audience
from bot.notify.channel import Channel, CustomerTransport, LogChannel
from bot.notify.log import LogNotifier
from bot.settings import Settings
from bot.sla_clocks import SlaClockKeeper
from bot.store.accounts import sync_accounts
from bot.store.attachments import AttachmentStore, OriginalsVault
from bot.store.conversations import ConversationStore
from bot.store.coordination import DailyRuns, InboundEvents, Leases
from bot.store.db import Database
from bot.store.gaps import GapStore
from bot.store.mail import MailThreads
from bot.store.notifications import NotificationStore
from bot.store.sessions import SessionStore
from bot.store.tickets import TicketStore
from bot.triage.factory import redactor_from
from bot.web.channel import WebChat
from retrieval.llm import ChatModel

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.email.smtp import Mailer


class ConversationPort(Protocol):
    """What channels need of the conversation service (``ConversationService`` is one)."""

    def handle(self, inbound: Inbound, *, now: dt.datetime) -> Reply: ...

    def stream(self, inbound: Inbound, *, now: dt.datetime) -> Iterator[str | Reply]: ...

    def contact(self, form: ContactForm, *, now: dt.datetime) -> ContactResult: ...


class Knowledge:
    """The docs bot, opened on first use and then shared (loading the model is slow)."""

    def __init__(self, load: Callable[[], Answerer]) -> None:
        self._load = load
        self._kb: Answerer | None = None
        self._lock = threading.Lock()

    def __call__(self) -> Answerer:
        with self._lock:
            if self._kb is None:
                self._kb = self._load()
            return self._kb

    @property
    def loaded(self) -> Answerer | None:
        return self._kb


@dataclass(eq=False)
class AppContext:
    """What the application is made of; typed parts, no bag of extras."""

    settings: Settings
    config: OrgConfig
    db: Database
    clock: Clock
    tickets: TicketStore
    conversations: ConversationStore
    gaps: GapStore
    attachments: AttachmentStore
    notifications: NotificationStore
    leases: Leases
    inbound: InboundEvents
    daily_runs: DailyRuns
    sessions: SessionStore
    mail_threads: MailThreads
    desk: TicketDesk
    chat_model: ChatModel | None
    knowledge: Callable[[], Answerer]
    conversation: ConversationPort
    channels: Mapping[str, Channel]  # how a ticket's customer is told, by ticket channel
    transports: Mapping[str, Notifier]  # how outbox items go out, by transport
    audience: Audience
    slack_client: WebClient | None = None
    mailer: Mailer | None = None

    def replace(self, **parts: Any) -> AppContext:
        """The same application with some parts swapped (tests)."""
        return dataclasses.replace(self, **parts)

    def close(self) -> None:
        # The knowledge base is shared by the process (bot.knowledge caches it): not closed.
        for transport in self.transports.values():
            close = getattr(transport, "close", None)
            if callable(close):
                close()
        self.db.dispose()


def build_context(
    settings: Settings,
    *,
    config: OrgConfig | None = None,
    db: Database | None = None,
    keeper: ClockKeeper | None = None,
    migrate: bool = True,
    now: dt.datetime | None = None,
    clock: Clock = utc_now,
    chat_model: ChatModel | None = None,
    knowledge: Callable[[], Answerer] | None = None,
    conversation: Callable[[AppContext], ConversationPort] | None = None,
    slack_client: WebClient | None = None,
    mailer: Mailer | None = None,
    transports: Mapping[str, Notifier] | None = None,
) -> AppContext:
    """Load the organisation file, open (and migrate) the database, sync accounts, and wire
    every part. ``conversation``: builds the conversation service from the context (default
    :func:`bot.conversation.factory.build_conversation`); ``transports``: extra or replacing
    outbox transports."""
    config = config if config is not None else load_org_config(settings.config_path)
    settings.home.mkdir(parents=True, exist_ok=True)
    db = db if db is not None else Database(settings.db_url)
    if migrate:
        db.upgrade()
    sync_accounts(db, config, now=now or clock())
    org = config.organisation
    redactor = redactor_from(settings)  # the one redactor every store writes through
    tickets = TicketStore(
        db, prefix=org.ticket_prefix, first_number=org.first_ticket_number, redactor=redactor
    )
    notifications = NotificationStore(db)
    conversations = ConversationStore(db, redactor=redactor)
    inbound = InboundEvents(db)
    if keeper is None:
        keeper = SlaClockKeeper(config, fired_keys=notifications.fired_keys)
    if chat_model is None:
        chat_model = build_chat_model(settings)
    if knowledge is None:
        knowledge = Knowledge(_knowledge_loader(settings, chat_model))
    if slack_client is None and settings.slack_enabled:
        from bot.slack.client import web_client

        slack_client = web_client(settings)
    if mailer is None and settings.smtp_url is not None:
        from bot.email.smtp import SmtpMailer

        mailer = SmtpMailer.from_url(settings.smtp_url.get_secret_value())
    mail_threads = MailThreads(db)
    channels: dict[str, Channel] = {"web": WebChat(conversations), "cli": LogChannel("cli")}
    wired: dict[str, Notifier] = {"log": LogNotifier()}
    _notification_transports(config, wired)
    listeners: list[Listener] = []
    if slack_client is not None:
        from bot.slack.channel import SlackThread
        from bot.slack.live import LiveCards
        from bot.slack.notifier import SlackNotifier
        from bot.store.slack_posts import SlackPostStore

        posts = SlackPostStore(db)
        channels["slack"] = SlackThread(slack_client)
        wired["slack"] = SlackNotifier(
            client=slack_client, config=config, tickets=tickets, clock=clock,
            public_url=settings.public_url, posts=posts, conversations=conversations,
        )  # fmt: skip
        # Every copy of a ticket in Slack follows the ticket.
        cards = LiveCards(posts=posts, notifications=notifications, inbound=inbound, clock=clock)
        listeners.append(cards.on_change)
    if mailer is not None:
        channels["email"], wired["email"] = _email_parts(
            settings, config, mailer, tickets, conversations, mail_threads
        )
    wired["customer"] = CustomerTransport(
        tickets=tickets, channels=channels, config=config, conversations=conversations,
        clock=clock,
    )  # fmt: skip
    wired.update(transports or {})
    audience = Audience(
        config=config, notifications=notifications, inbound=inbound,
        conversations=conversations, transports=wired, tickets=tickets, clock=clock,
    )  # fmt: skip
    desk = TicketDesk(store=tickets, keeper=keeper, listeners=[audience.on_change, *listeners])
    ctx = AppContext(
        settings=settings,
        config=config,
        db=db,
        clock=clock,
        tickets=tickets,
        conversations=conversations,
        gaps=GapStore(db),
        attachments=AttachmentStore(
            db,
            settings.files_dir,
            redactor=redactor,
            originals=_originals(settings),
            max_bytes=settings.max_upload_mb * 1024 * 1024,
        ),
        notifications=notifications,
        leases=Leases(db),
        inbound=inbound,
        daily_runs=DailyRuns(db),
        sessions=SessionStore(db),
        mail_threads=mail_threads,
        desk=desk,
        chat_model=chat_model,
        knowledge=knowledge,
        conversation=None,  # type: ignore[arg-type]  # built next, on this context
        channels=channels,
        transports=wired,
        audience=audience,
        slack_client=slack_client,
        mailer=mailer,
    )
    build = conversation if conversation is not None else build_conversation
    return ctx.replace(conversation=build(ctx))


def _knowledge_loader(settings: Settings, chat_model: ChatModel | None) -> Callable[[], Answerer]:
    def load() -> Answerer:
        from bot.knowledge import build_knowledge

        return build_knowledge(settings, llm=chat_model)

    return load


def _notification_transports(config: OrgConfig, out: dict[str, Notifier]) -> None:
    """``webhook`` and ``pagerduty`` when the organisation file configures them."""
    if config.notifications.webhooks:
        from bot.notify.webhook import WebhookNotifier

        out["webhook"] = WebhookNotifier(config.notifications.webhooks)
    if config.notifications.pagerduty is not None:
        from bot.notify.pagerduty import PagerDutyNotifier

        out["pagerduty"] = PagerDutyNotifier(config.notifications.pagerduty)


def _email_parts(
    settings: Settings,
    config: OrgConfig,
    mailer: Mailer,
    tickets: TicketStore,
    conversations: ConversationStore,
    threads: MailThreads,
) -> tuple[Channel, Notifier]:
    from bot.email.channel import EmailReplies
    from bot.email.transport import EmailTransport

    if config.email is None:
        raise ConfigError(
            "DESKBOT_SMTP_URL is set but the organisation file has no 'email:' section "
            "(the support address replies come from)"
        )
    transport = EmailTransport(
        mailer=mailer, sender=config.email, tickets=tickets, public_url=settings.public_url
    )
    channel = EmailReplies(
        transport=transport, conversations=conversations, threads=threads, sender=config.email
    )
    return channel, transport


def _originals(settings: Settings) -> OriginalsVault | None:
    """The vault for unredacted originals, when the organisation keeps them."""
    if not settings.keep_original_files:
        return None
    if settings.files_key is None:
        raise ConfigError(
            "DESKBOT_KEEP_ORIGINAL_FILES is on but DESKBOT_FILES_KEY is not set; originals are "
            "only kept encrypted"
        )
    return OriginalsVault(settings.files_key.get_secret_value())
