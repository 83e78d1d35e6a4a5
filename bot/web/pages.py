"""The chat page, the embeddable widget, static assets and customer sign-in."""

from __future__ import annotations

import math
import re
from pathlib import Path

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from bot.context import AppContext
from bot.errors import NotFound
from bot.service.deps import ContextDep
from bot.web import auth, ratelimit
from bot.web.i18n import translate
from bot.web.render import page, page_language

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).resolve().parent / "static"
_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
_ASSET_NAME = re.compile(r"^[A-Za-z0-9_-]+\.[a-z]{2,4}$")


@router.get("/", response_class=HTMLResponse)
def chat_page(request: Request, ctx: ContextDep) -> HTMLResponse:
    embed = request.query_params.get("embed") == "1"
    return page(
        request,
        "chat.html",
        embeddable=True,
        embed=embed,
        public=ctx.config.web.public_questions,
        max_upload_mb=ctx.settings.max_upload_mb,
    )


@router.get("/widget.js")
def widget() -> Response:
    return _asset("widget.js", cache=300)


@router.get("/static/{name}")
def static(name: str) -> Response:
    return _asset(name, cache=3600)


def _asset(name: str, *, cache: int) -> Response:
    if not _ASSET_NAME.match(name):
        raise NotFound(f"no asset {name[:60]}")
    path = (STATIC / name).resolve()
    # Only plain files directly in the folder: no traversal, no surprises.
    if path.parent != STATIC or path.suffix not in _TYPES or not path.is_file():
        raise NotFound(f"no asset {name}")
    return FileResponse(
        path,
        media_type=_TYPES[path.suffix],
        headers={"Cache-Control": f"public, max-age={cache}"},
    )


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request) -> HTMLResponse:
    return page(request, "signin.html", error=None, next=_next(request.query_params.get("next")))


@router.post("/signin", response_class=HTMLResponse)
def signin(
    request: Request,
    ctx: ContextDep,
    account_key: str = Form(default="", max_length=200),
    name: str = Form(default="", max_length=80),
    next: str = Form(default="/tickets", max_length=300),
) -> Response:
    wait = ratelimit.signin_wait(request)
    if wait:
        return signin_refused(request, "signin.html", wait, next=_next(next))
    try:
        principal = auth.customer_from_key(ctx, account_key, name=name or None)
    except auth.NotSignedIn:
        ratelimit.signin_failed(request)
        error = translate(page_language(request), "unknown_key")
        return page(request, "signin.html", status=401, error=error, next=_next(next))
    redirect = RedirectResponse(_next(next), status_code=303)
    set_session_cookie(ctx, redirect, principal)
    return redirect


@router.post("/signout")
def signout(request: Request, ctx: ContextDep) -> Response:
    auth.sign_out(ctx, request)
    redirect = RedirectResponse("/", status_code=303)
    redirect.delete_cookie(auth.COOKIE, path="/")
    return redirect


def set_session_cookie(ctx: AppContext, response: Response, principal: auth.Principal) -> None:
    auth.set_session_cookie(ctx, response, principal)


def signin_refused(request: Request, template: str, wait: int, *, next: str) -> HTMLResponse:
    """The sign-in form again, with 429 and how long to wait, in the reader's language."""
    error = translate(page_language(request), "too_many_signins", minutes=math.ceil(wait / 60))
    response = page(request, template, status=429, error=error, next=next)
    response.headers["Retry-After"] = str(wait)
    return response


def _next(target: str | None) -> str:
    """Only same-site paths: no open redirects."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/tickets"
    return target
