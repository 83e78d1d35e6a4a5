"""Build the conversation service of an application context."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.chat import model_seconds
from bot.config import OrgConfig
from bot.conversation.intake import TriageIntake
from bot.conversation.service import Answerer, ConversationService
from bot.triage.factory import build_engine
from bot.triage.followup import KB_COLLECT_LOGS

KB_COLLECT_LOGS_ZH = "knowledge_base/docs/zh/troubleshooting/collect-logs.md"

if TYPE_CHECKING:
    from bot.context import AppContext


def build_conversation(
    ctx: AppContext, *, knowledge: Callable[[], Answerer] | None = None
) -> ConversationService:
    """The service with the configured triage engine (on the context's chat model), the fast
    rules routing each turn, and the context's docs bot (or ``knowledge``). New tickets are
    announced by the desk's listener (the audience)."""
    engine = build_engine(ctx.settings, chat=ctx.chat_model)
    router = build_engine(ctx.settings, engine="offline")
    return ConversationService(
        config=ctx.config,
        conversations=ctx.conversations,
        tickets=ctx.tickets,
        desk=ctx.desk,
        gaps=ctx.gaps,
        attachments=ctx.attachments,
        knowledge=knowledge or ctx.knowledge,
        intake=TriageIntake(
            engine=engine,
            router=router,
            max_upload_bytes=ctx.settings.max_upload_mb * 2**20,
            logs_url={
                "en": docs_page_url(ctx.config, KB_COLLECT_LOGS),
                "zh": docs_page_url(ctx.config, KB_COLLECT_LOGS_ZH),
            },
        ),
        model_seconds=model_seconds(ctx.settings.turn_deadline),
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
