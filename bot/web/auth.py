"""Who is asking: anonymous visitors, customers (web key or vendor token) and staff.

A request is authenticated by, in order: a trusted reverse-proxy header (staff), an
``Authorization: Bearer`` token (a session token from ``POST /api/session`` or a token minted
by the vendor's site), a ``token`` query parameter (for EventSource and links), or the signed
``deskbot_session`` cookie. Everything else is an anonymous visitor.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Request

from bot.context import AppContext
from bot.errors import DeskbotError, InvalidInput
from bot.passwords import verify_password
from bot.service.deps import get_context
from bot.settings import secret_from_env
from bot.web import signing

COOKIE = "deskbot_session"
CUSTOMER_TTL = 30 * 24 * 3600
STAFF_TTL = 12 * 3600
Kind = Literal["visitor", "customer", "staff"]


class NotSignedIn(DeskbotError):
    """The request needs a customer or staff identity it does not carry."""

    http_status = 401


class Forbidden(DeskbotError):
    http_status = 403


@dataclass(frozen=True)
class Principal:
    kind: Kind
    user: str
    name: str | None = None
    account_id: str | None = None
    roles: tuple[str, ...] = ()
    via: str = "anonymous"  # cookie | bearer | vendor-token | proxy | anonymous

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"

    def payload(self, *, now: float) -> dict[str, Any]:
        ttl = STAFF_TTL if self.is_staff else CUSTOMER_TTL
        return {
            "k": self.kind,
            "u": self.user,
            "n": self.name,
            "a": self.account_id,
            "r": list(self.roles),
            "exp": int(now + ttl),
        }


def session_token(ctx: AppContext, principal: Principal, *, now: float | None = None) -> str:
    key = _session_key(ctx)
    return signing.sign(principal.payload(now=now or time.time()), key, purpose="session")


def visitor() -> Principal:
    return Principal(kind="visitor", user="v-" + secrets.token_hex(8))


def customer_from_key(
    ctx: AppContext, key: str, *, user: str | None = None, name: str | None = None
) -> Principal:
    account = ctx.config.account_for_web_key(key.strip())
    if account is None:
        raise NotSignedIn("unknown account key")
    return Principal(
        kind="customer",
        user=_clean_user(user) or "web-" + secrets.token_hex(6),
        name=(name or "").strip()[:80] or None,
        account_id=account.id,
        via="cookie",
    )


def staff_from_password(ctx: AppContext, login: str, password: str) -> Principal:
    """A person from the config by id or e-mail whose password hash matches."""
    wanted = login.strip().lower()
    for person in ctx.config.people:
        if wanted in {person.id.lower(), (person.email or "").lower()}:
            if person.password_hash and verify_password(password, person.password_hash):
                return _staff(person.id, person.name, tuple(person.roles), via="cookie")
            break
    # Same answer for an unknown login and a wrong password.
    raise NotSignedIn("wrong name or password")


def login_name(ctx: AppContext, login: str) -> str:
    """One name per person whether they typed their id or their e-mail (for counting failures)."""
    wanted = login.strip().lower()
    for person in ctx.config.people:
        if wanted in {person.id.lower(), (person.email or "").lower()}:
            return person.id.lower()
    return wanted


def vendor_token(ctx: AppContext, token: str, *, now: float) -> Principal | None:
    """A customer identity from a token minted by the vendor's site (see docs/web.md)."""
    env = ctx.config.web.token_secret_env
    master = secret_from_env(env) if env else None
    if master is None:
        return None
    body = token.partition(".")[0]
    try:
        claimed = json.loads(signing.b64decode(body))
        account_id = str(claimed["account"])
    except (ValueError, KeyError, TypeError):
        return None
    if ctx.config.account(account_id) is None:
        return None
    key = signing.account_token_key(master.get_secret_value().encode(), account_id)
    payload = signing.verify(token, key, now=now)
    user = _clean_user(str(payload.get("user", ""))) if payload else None
    if payload is None or not user:
        return None
    name = payload.get("name")
    return Principal(
        kind="customer",
        user=user,
        name=str(name)[:80] if name else None,
        account_id=account_id,
        via="vendor-token",
    )


def current(request: Request) -> Principal:
    """The principal of this request (cached on it)."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    ctx = get_context(request)
    principal = _resolve(ctx, request, now=time.time())
    request.state.principal = principal
    return principal


def _resolve(ctx: AppContext, request: Request, *, now: float) -> Principal:
    header = ctx.config.web.trusted_user_header
    if header and request.headers.get(header):
        person = _person(ctx, request.headers[header])
        if person is not None:
            return person
    auth = request.headers.get("authorization", "")
    candidates: list[tuple[str, str]] = []
    if auth.lower().startswith("bearer "):
        candidates.append((auth[7:].strip(), "bearer"))
    if request.query_params.get("token"):
        candidates.append((request.query_params["token"], "bearer"))
    if request.cookies.get(COOKIE):
        candidates.append((request.cookies[COOKIE], "cookie"))
    for token, via in candidates:
        found = _from_session(ctx, token, via=via, now=now)
        if found is None and via == "bearer":
            found = vendor_token(ctx, token, now=now)
        if found is not None:
            return found
    return Principal(kind="visitor", user="anonymous")


def _from_session(ctx: AppContext, token: str, *, via: str, now: float) -> Principal | None:
    payload = signing.verify(token, _session_key(ctx), purpose="session", now=now)
    if payload is None or payload.get("k") not in ("visitor", "customer", "staff"):
        return None
    kind: Kind = payload["k"]
    account_id = payload.get("a")
    if kind == "customer" and (account_id is None or ctx.config.account(account_id) is None):
        return None  # the account was removed from the config since
    if kind == "staff":
        person = ctx.config.person(str(payload.get("u")))
        if person is None:
            return None
        return _staff(person.id, person.name, tuple(person.roles), via=via)
    return Principal(
        kind=kind,
        user=str(payload.get("u")),
        name=payload.get("n"),
        account_id=account_id,
        via=via,
    )


def _person(ctx: AppContext, login: str) -> Principal | None:
    wanted = login.strip().lower()
    for person in ctx.config.people:
        if wanted in {person.id.lower(), (person.email or "").lower()}:
            return _staff(person.id, person.name, tuple(person.roles), via="proxy")
    return None


def _staff(person_id: str, name: str, roles: tuple[str, ...], *, via: str) -> Principal:
    return Principal(kind="staff", user=person_id, name=name, roles=roles, via=via)


def _clean_user(user: str | None) -> str | None:
    text = (user or "").strip()
    if not text:
        return None
    if len(text) > 120 or any(ord(ch) < 32 for ch in text):
        raise InvalidInput("user must be at most 120 printable characters")
    return text


def _session_key(ctx: AppContext) -> bytes:
    key = ctx.extras.get("web.session_key")
    if not isinstance(key, bytes):
        key = signing.session_key(ctx.settings)
        ctx.extras["web.session_key"] = key
    return key


def csrf_token(ctx: AppContext, principal: Principal) -> str:
    """A per-user token for staff forms (cookies are also SameSite=Lax)."""
    message = f"csrf:{principal.kind}:{principal.user}".encode()
    return hmac.new(_session_key(ctx), message, hashlib.sha256).hexdigest()[:32]


def check_csrf(ctx: AppContext, principal: Principal, token: str | None) -> None:
    if principal.via == "proxy":
        return  # the proxy authenticates each request; no ambient cookie to forge with
    if not token or not hmac.compare_digest(token, csrf_token(ctx, principal)):
        raise Forbidden("the form has expired; reload the page and try again")


PrincipalDep = Annotated[Principal, Depends(current)]


def require_customer(principal: PrincipalDep) -> Principal:
    if principal.kind != "customer" or principal.account_id is None:
        raise NotSignedIn("sign in with your account key to see tickets")
    return principal


def require_staff(principal: PrincipalDep) -> Principal:
    if not principal.is_staff:
        raise NotSignedIn("staff sign-in required")
    return principal


CustomerDep = Annotated[Principal, Depends(require_customer)]
StaffDep = Annotated[Principal, Depends(require_staff)]
