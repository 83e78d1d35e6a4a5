"""Every web router in one, for ``bot.service.app.ROUTER_MODULES``."""

from __future__ import annotations

from fastapi import APIRouter

from bot.web import chat, docs, pages, staff, tickets

router = APIRouter()
for part in (chat.router, docs.router, tickets.router, staff.router, pages.router):
    router.include_router(part)
