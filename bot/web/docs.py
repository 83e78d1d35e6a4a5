"""The docs bot over HTTP: ``POST /api/docs/search`` and ``POST /api/docs/ask``.

What ``deskbot search`` and ``deskbot ask`` print, answered by the running service, whose
model and indexes are already loaded: ``deskbot ask --server URL`` takes a few milliseconds
of the service's time instead of a cold start. Nothing is recorded (no conversation, no
knowledge gap); open to anyone who may use the chat, under the chat's per-address limit.
"""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from bot.context import AppContext
from bot.knowledge import answer_payload, hit_payload
from bot.service.deps import ContextDep
from bot.web import ratelimit
from bot.web.schemas import MAX_MESSAGE, CitationOut, ErrorOut, RateLimitedOut

router = APIRouter(tags=["docs"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorOut, "description": "Invalid input."},
    429: {"model": RateLimitedOut, "description": "Too many requests: see Retry-After."},
    503: {"model": ErrorOut, "description": "The index is not available."},
}


class SearchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=MAX_MESSAGE)
    k: int = Field(default=5, ge=1, le=100)
    platform: str | None = Field(default=None, max_length=40)
    product: str | None = Field(default=None, max_length=80)


class HitOut(BaseModel):
    source: str = Field(description="Path relative to the ingested folder.")
    heading: str
    text: str
    score: float
    url: str | None = None


class SearchOut(BaseModel):
    results: list[HitOut]


class AskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=MAX_MESSAGE)


class AnswerOut(BaseModel):
    answer: str
    citations: list[CitationOut]
    confidence: float
    handoff: bool = Field(description="True when the docs do not answer it.")
    mode: str = Field(description="extractive | llm")


def _knowledge(ctx: AppContext) -> Any:
    """The process's knowledge base: the one the chat uses (loaded on first use)."""
    return ctx.knowledge()


def _limit(request: Request) -> None:
    address = ratelimit.client_address(request)
    ratelimit.enforce(request, [("chat_ip", address)], message="too many questions; slow down")


@router.post("/api/docs/search", response_model=SearchOut, responses=_ERRORS, summary="Search")
async def search(body: SearchIn, request: Request, ctx: ContextDep) -> SearchOut:
    """Retrieval only, as ``deskbot search --json``."""
    _limit(request)
    from retrieval import SearchFilters

    filters = (
        SearchFilters(platform=body.platform, product=body.product)
        if body.platform or body.product
        else None
    )

    def run() -> SearchOut:
        kb = _knowledge(ctx)
        hits = kb.search(body.query, k=body.k, filters=filters)
        return SearchOut.model_validate({"results": [hit_payload(h) for h in hits]})

    return await anyio.to_thread.run_sync(run)


@router.post("/api/docs/ask", response_model=AnswerOut, responses=_ERRORS, summary="Ask")
async def ask(body: AskIn, request: Request, ctx: ContextDep) -> AnswerOut:
    """A cited answer or a handoff, as ``deskbot ask --json``."""
    _limit(request)

    def run() -> AnswerOut:
        kb = _knowledge(ctx)
        return AnswerOut.model_validate(answer_payload(kb.ask(body.question)))

    return await anyio.to_thread.run_sync(run)
