"""Every web router in one, for ``bot.service.app.ROUTER_MODULES``."""

from __future__ import annotations

from fastapi import APIRouter

from bot.web import apidocs, chat, docs, insights, pages, sessions, staff, tickets

router = APIRouter()
for part in (
    sessions.router,
    chat.router,
    docs.router,
    tickets.router,
    staff.router,
    insights.router,
    pages.router,
    apidocs.router,
):
    router.include_router(part)
