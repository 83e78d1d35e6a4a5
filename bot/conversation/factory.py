"""Build the conversation service of an application context (once per process)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.config import OrgConfig
from bot.conversation.intake import TriageIntake
from bot.conversation.service import Answerer, ConversationService
from bot.triage.followup import KB_COLLECT_LOGS

KB_COLLECT_LOGS_ZH = "knowledge_base/docs/zh/troubleshooting/collect-logs.md"

if TYPE_CHECKING:
    from bot.context import AppContext
    from bot.store.records import Ticket


def build_conversation(
    ctx: AppContext, *, knowledge: Callable[[], Answerer] | None = None
) -> ConversationService:
    """The service with the configured triage engine and the docs bot, loaded on first use."""
    from bot.triage.factory import build_engine

    engine = build_engine(ctx.settings)
    router = build_engine(ctx.settings, engine="offline")
    return ConversationService(
        config=ctx.config,
        conversations=ctx.conversations,
        tickets=ctx.tickets,
        desk=ctx.desk,
        gaps=ctx.gaps,
        attachments=ctx.attachments,
        knowledge=knowledge or lazy_knowledge(ctx),
        intake=TriageIntake(
            engine=engine,
            router=router,
            max_upload_bytes=ctx.settings.max_upload_mb * 2**20,
            logs_url={
                "en": docs_page_url(ctx.config, KB_COLLECT_LOGS),
                "zh": docs_page_url(ctx.config, KB_COLLECT_LOGS_ZH),
            },
        ),
        on_ticket_opened=lambda ticket: announce_to_engineers(ctx, ticket),
    )


def docs_page_url(config: OrgConfig, page: str) -> str:
    """The published address of a page of the organisation's docs (``page`` relative to the
    folder above the docs root, as the sample knowledge base names it), or ``page`` itself
    when no docs source has a ``base_url``."""
    for source in config.docs:
        root = source.path.rstrip("/") + "/"
        if source.base_url and page.startswith(root):
            relative = page.removeprefix(root).removesuffix(".md").removesuffix(".mdx")
            return source.base_url.rstrip("/") + "/" + relative
    return page


def announce_to_engineers(ctx: AppContext, ticket: Ticket) -> None:
    """Queue the new-ticket posts (on-call DM, account's internal channel) for web and CLI
    tickets, for the outbox worker. A Slack ticket is left to the Slack adapter, which queues
    the same posts through the same function after its reply and delivers them at once."""
    if ticket.channel == "slack" or not ctx.settings.slack_enabled:
        return
    from bot.slack.announce import queue_announcement

    queue_announcement(ctx, ticket, now=dt.datetime.now(dt.UTC))


def lazy_knowledge(ctx: AppContext) -> Callable[[], Answerer]:
    """The knowledge base, opened on first use and then shared (loading the model is slow).

    ``bot.knowledge`` caches it per process, so every context of these settings shares one.
    """
    lock = threading.Lock()

    def get() -> Answerer:
        with lock:
            kb = ctx.extras.get("knowledge")
            if kb is None:
                from bot.knowledge import build_knowledge

                kb = ctx.extras["knowledge"] = build_knowledge(ctx.settings)
            return kb

    return get
