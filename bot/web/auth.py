"""Who is asking: anonymous visitors, customers (web key or vendor token) and staff.

A request is authenticated by, in order: a trusted reverse-proxy header (staff), an
``Authorization: Bearer`` token (a session token from ``POST /api/session`` or a token minted
by the vendor's site), a ``token`` query parameter (for EventSource and links), or the signed
``deskbot_session`` cookie. Everything else is an anonymous visitor.

A session token is signed, and names a server-side session record (:mod:`bot.store.sessions`):
signing out ends the record, so the token stops working at once; a staff session also ends
when that person's password changes. CSRF tokens are bound to the session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
import weakref
from collections.abc import MutableMapping
from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal

from fastapi import Depends, Request, Response

from bot.context import AppContext
from bot.errors import DeskbotError, InvalidInput
from bot.passwords import verify_password
from bot.service.deps import get_context
from bot.settings import secret_from_env
from bot.web import signing

COOKIE = "deskbot_session"
CUSTOMER_TTL = 30 * 24 * 3600
STAFF_TTL = 12 * 3600
# A vendor's token should live minutes (docs/web.md); one valid for longer than this is refused.
VENDOR_TOKEN_MAX_TTL = 24 * 3600
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
    session_id: str | None = None  # the server-side session this request came with

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"

    @property
    def ttl(self) -> int:
        return STAFF_TTL if self.is_staff else CUSTOMER_TTL

    def payload(self, *, now: float, session_id: str) -> dict[str, Any]:
        return {
            "k": self.kind,
            "u": self.user,
            "n": self.name,
            "a": self.account_id,
            "r": list(self.roles),
            "sid": session_id,
            "exp": int(now + self.ttl),
        }


def issue(
    ctx: AppContext, principal: Principal, *, now: float | None = None
) -> tuple[Principal, str]:
    """Open a server-side session for ``principal``: (the principal bound to it, its token)."""
    at = time.time() if now is None else now
    record = ctx.sessions.create(
        kind=principal.kind,
        user=principal.user,
        account_id=principal.account_id,
        now=dt.datetime.fromtimestamp(at, dt.UTC),
        ttl=dt.timedelta(seconds=principal.ttl),
        credential=_credential(ctx, principal),
    )
    payload = principal.payload(now=at, session_id=record.id)
    token = signing.sign(payload, _session_key(ctx), purpose="session")
    return replace(principal, session_id=record.id), token


def session_token(ctx: AppContext, principal: Principal, *, now: float | None = None) -> str:
    return issue(ctx, principal, now=now)[1]


def set_session_cookie(
    ctx: AppContext, response: Response, principal: Principal, *, now: float | None = None
) -> tuple[Principal, str]:
    """Open a session and set its cookie on ``response``; returns what :func:`issue` does."""
    bound, token = issue(ctx, principal, now=now)
    secure = ctx.settings.public_url.startswith("https://")
    response.set_cookie(
        COOKIE, token, max_age=principal.ttl, httponly=True, samesite="lax", secure=secure, path="/"
    )
    return bound, token


def with_identity(
    ctx: AppContext, principal: Principal, response: Response, *, now: float | None = None
) -> Principal:
    """A request that came with no session at all gets a visitor session of its own (as a
    cookie), so what it starts belongs to it and not to whoever sends the same chat id."""
    if principal.via != "anonymous":
        return principal
    bound, _ = set_session_cookie(ctx, response, visitor(), now=now)
    return replace(bound, via="cookie")


def sign_out(ctx: AppContext, request: Request) -> int:
    """End every session this request carries a token of; returns how many were ended."""
    now = time.time()
    ended = 0
    for token, _via in _tokens(request):
        payload = signing.verify(token, _session_key(ctx), purpose="session", now=now)
        sid = payload.get("sid") if payload else None
        if isinstance(sid, str) and ctx.sessions.revoke(
            sid, now=dt.datetime.fromtimestamp(now, dt.UTC)
        ):
            ended += 1
    return ended


def visitor() -> Principal:
    return Principal(kind="visitor", user="v-" + secrets.token_hex(8))


def customer_from_key(
    ctx: AppContext, key: str, *, user: str | None = None, name: str | None = None
) -> Principal:
    key = key.strip()
    # Keys are ASCII; compare_digest refuses other text (a TypeError, not a wrong key).
    account = ctx.config.account_for_web_key(key) if key.isascii() else None
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
    if payload is None or payload["exp"] > now + VENDOR_TOKEN_MAX_TTL:
        return None
    try:
        user = _clean_user(str(payload.get("user", "")))
    except InvalidInput:
        return None
    if not user:
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
    for token, via in _tokens(request):
        found = _from_session(ctx, token, via=via, now=now)
        if found is None and via == "bearer":
            found = vendor_token(ctx, token, now=now)
        if found is not None:
            return found
    return Principal(kind="visitor", user="anonymous")


def _tokens(request: Request) -> list[tuple[str, str]]:
    """The tokens a request carries, in the order they are tried: (token, via)."""
    auth = request.headers.get("authorization", "")
    candidates: list[tuple[str, str]] = []
    if auth.lower().startswith("bearer "):
        candidates.append((auth[7:].strip(), "bearer"))
    if request.query_params.get("token"):
        candidates.append((request.query_params["token"], "bearer"))
    if request.cookies.get(COOKIE):
        candidates.append((request.cookies[COOKIE], "cookie"))
    return candidates


def _from_session(ctx: AppContext, token: str, *, via: str, now: float) -> Principal | None:
    payload = signing.verify(token, _session_key(ctx), purpose="session", now=now)
    if payload is None or payload.get("k") not in ("visitor", "customer", "staff"):
        return None
    kind: Kind = payload["k"]
    sid = payload.get("sid")
    if not isinstance(sid, str):
        return None  # a token from before sessions were kept server-side
    record = ctx.sessions.get(sid)
    user = str(payload.get("u"))
    if record is None or not record.live(dt.datetime.fromtimestamp(now, dt.UTC)):
        return None  # signed out (or never issued here)
    if record.kind != kind or record.user != user[:200]:
        return None
    account_id = payload.get("a")
    if kind == "customer" and (account_id is None or ctx.config.account(account_id) is None):
        return None  # the account was removed from the config since
    if kind == "staff":
        person = ctx.config.person(user)
        if person is None:
            return None
        found = _staff(person.id, person.name, tuple(person.roles), via=via)
        if record.credential != _credential(ctx, found):
            return None  # the password changed since this session was opened
        return replace(found, session_id=sid)
    return Principal(
        kind=kind,
        user=user,
        name=payload.get("n"),
        account_id=account_id,
        via=via,
        session_id=sid,
    )


def _credential(ctx: AppContext, principal: Principal) -> str | None:
    """A digest of the staff member's current password hash (None for everyone else)."""
    if not principal.is_staff:
        return None
    person = ctx.config.person(principal.user)
    secret = (person.password_hash or "") if person is not None else ""
    return hmac.new(_session_key(ctx), b"credential:" + secret.encode(), "sha256").hexdigest()[:32]


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


_SESSION_KEYS: weakref.WeakKeyDictionary[AppContext, bytes] = weakref.WeakKeyDictionary()


def _session_key(ctx: AppContext) -> bytes:
    """The key that signs this application's sessions, read (or made) once per context."""
    key = _SESSION_KEYS.get(ctx)
    if key is None:
        key = _SESSION_KEYS[ctx] = signing.session_key(ctx.settings)
    return key


def csrf_token(ctx: AppContext, principal: Principal) -> str:
    """A token for forms, bound to the session (cookies are also SameSite=Lax): it dies with
    the session and is worth nothing in another one."""
    bound = principal.session_id or f"{principal.kind}:{principal.user}"
    message = f"csrf:{bound}".encode()
    return hmac.new(_session_key(ctx), message, hashlib.sha256).hexdigest()[:32]


def check_csrf(ctx: AppContext, principal: Principal, token: str | None) -> None:
    if principal.via == "proxy":
        return  # the proxy authenticates each request; no ambient cookie to forge with
    if not token or not hmac.compare_digest(token, csrf_token(ctx, principal)):
        raise Forbidden("the form has expired; reload the page and try again")


def may_upload(scope: MutableMapping[str, Any]) -> bool:
    """Whether the request (its head only) is from a signed-in customer, who may attach files;
    decided before the body is read (:mod:`bot.service.bodylimit`)."""
    return current(Request(scope)).kind == "customer"


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
