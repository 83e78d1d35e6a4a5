"""The application's parts, wired once from settings: config, database, stores, desk.

Built by the CLI per command and by the service inside its lifespan; tests build it around a
temporary home. Nothing here runs at import time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.config import OrgConfig, load_org_config
from bot.desk import ClockKeeper, TicketDesk
from bot.errors import ConfigError
from bot.settings import Settings
from bot.sla_clocks import SlaClockKeeper
from bot.store.accounts import sync_accounts
from bot.store.attachments import AttachmentStore, OriginalsVault
from bot.store.conversations import ConversationStore
from bot.store.coordination import DailyRuns, InboundEvents, Leases
from bot.store.db import Database
from bot.store.gaps import GapStore
from bot.store.notifications import NotificationStore
from bot.store.sessions import SessionStore
from bot.store.tickets import TicketStore

if TYPE_CHECKING:
    from bot.conversation.service import ConversationService


@dataclass
class AppContext:
    settings: Settings
    config: OrgConfig
    db: Database
    tickets: TicketStore
    conversations: ConversationStore
    gaps: GapStore
    attachments: AttachmentStore
    notifications: NotificationStore
    leases: Leases
    inbound: InboundEvents
    daily_runs: DailyRuns
    desk: TicketDesk
    sessions: SessionStore
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def conversation(self) -> ConversationService:
        """The conversation service, built on first use (see ``bot.conversation.factory``)."""
        service = self.extras.get("conversation")
        if service is None:
            from bot.conversation.factory import build_conversation

            service = self.extras["conversation"] = build_conversation(self)
        return service

    def close(self) -> None:
        # The knowledge base is shared by the process (bot.knowledge caches it): not closed here.
        self.db.dispose()


def build_context(
    settings: Settings,
    *,
    config: OrgConfig | None = None,
    db: Database | None = None,
    keeper: ClockKeeper | None = None,
    migrate: bool = True,
    now: dt.datetime | None = None,
) -> AppContext:
    """Load the organisation file, open (and migrate) the database, sync accounts."""
    config = config if config is not None else load_org_config(settings.config_path)
    settings.home.mkdir(parents=True, exist_ok=True)
    db = db if db is not None else Database(settings.db_url)
    if migrate:
        db.upgrade()
    sync_accounts(db, config, now=now or dt.datetime.now(dt.UTC))
    org = config.organisation
    from bot.triage.factory import redactor_from  # the one redactor every store writes through

    redactor = redactor_from(settings)
    tickets = TicketStore(
        db, prefix=org.ticket_prefix, first_number=org.first_ticket_number, redactor=redactor
    )
    notifications = NotificationStore(db)
    if keeper is None:
        keeper = SlaClockKeeper(config, fired_keys=notifications.fired_keys)
    return AppContext(
        settings=settings,
        config=config,
        db=db,
        tickets=tickets,
        conversations=ConversationStore(db, redactor=redactor),
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
        inbound=InboundEvents(db),
        daily_runs=DailyRuns(db),
        desk=TicketDesk(store=tickets, keeper=keeper),
        sessions=SessionStore(db),
    )


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
