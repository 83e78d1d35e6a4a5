"""``/api/session``: an account key or a vendor token exchanged for a signed session (none:
an anonymous visitor), who am I, and sign-out."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request, Response

from bot.errors import RateLimited
from bot.service.deps import ContextDep
from bot.web import auth, ratelimit
from bot.web.auth import Principal, PrincipalDep
from bot.web.schemas import ErrorOut, RateLimitedOut, SessionOut, SessionRequest

router = APIRouter(tags=["chat"])

_LIMITED: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "The account key or token is not valid."},
    422: {"model": ErrorOut, "description": "Invalid input."},
    429: {
        "model": RateLimitedOut,
        "description": "Too many requests: wait the seconds in the Retry-After header.",
    },
}


@router.post(
    "/api/session", response_model=SessionOut, responses=_LIMITED, summary="Start a session"
)
def start_session(
    body: SessionRequest, request: Request, ctx: ContextDep, response: Response
) -> SessionOut:
    """Exchange an account key (or a vendor token) for a signed session; none = anonymous."""
    address = ratelimit.client_address(request)
    ratelimit.enforce(
        request, [("session_ip", address)], message="too many new sessions from your address"
    )
    now = time.time()
    if body.token or body.account_key:
        # Guessing keys or tokens here counts like guessing them on the sign-in form.
        wait = ratelimit.signin_wait(request)
        if wait:
            raise RateLimited(
                f"too many failed sign-in attempts; try again in {wait} s", retry_after=wait
            )
        try:
            principal = _credentials(ctx, body, now=now)
        except auth.NotSignedIn:
            ratelimit.signin_failed(request)
            raise
    else:
        principal = auth.visitor()
    return _issue(ctx, principal, response, now=now)


def _credentials(ctx: Any, body: SessionRequest, *, now: float) -> Principal:
    if body.token:
        principal = auth.vendor_token(ctx, body.token, now=now)
        if principal is None:
            raise auth.NotSignedIn("the token is invalid or expired")
        return principal
    return auth.customer_from_key(ctx, body.account_key or "", user=body.user, name=body.name)


@router.get("/api/session", response_model=SessionOut, summary="Who am I")
def whoami(ctx: ContextDep, principal: PrincipalDep, response: Response) -> SessionOut:
    return _describe(ctx, principal, token="", expires_in=0)


@router.delete("/api/session", status_code=204, summary="Sign out")
def sign_out(request: Request, ctx: ContextDep, response: Response) -> Response:
    """End the session: its token (and CSRF token) stop working at once."""
    auth.sign_out(ctx, request)
    response.delete_cookie(auth.COOKIE, path="/")
    response.status_code = 204
    return response


def _issue(ctx: Any, principal: Principal, response: Response, *, now: float) -> SessionOut:
    _, token = auth.set_session_cookie(ctx, response, principal, now=now)
    return _describe(ctx, principal, token=token, expires_in=principal.ttl)


def _describe(ctx: Any, principal: Principal, *, token: str, expires_in: int) -> SessionOut:
    account = ctx.config.account(principal.account_id) if principal.account_id else None
    return SessionOut(
        kind=principal.kind,
        user=principal.user,
        name=principal.name,
        account=principal.account_id,
        account_name=account.name if account else None,
        token=token,
        expires_in=expires_in,
    )
