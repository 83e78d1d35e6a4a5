"""Rate limits on the public web endpoints, counted by the ``limits`` library.

    rule           counts                                           default (settings)
    chat_session   chat turns per signed session (tokenless         20/minute
                   visitors: per chat session id)
    chat_ip        chat turns per client address, so minting new    60/minute
                   sessions does not get around the one above
    session_ip     POST /api/session per client address             30/minute
    signin_ip      failed sign-ins per client address: account      10/15 minutes
                   keys, vendor tokens, staff passwords
    signin_user    failed staff sign-ins per login name             10/15 minutes

Counts live in a ``limits`` storage: in this process's memory by default, or one that several
workers share (``redis://``, ``memcached://``, ...) named by ``DESKBOT_RATE_LIMIT_STORAGE_URI``.
If that storage fails, requests go through and a warning is logged: a broken counter must not
take the chat down with it.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import Request
from limits import RateLimitItem, parse_many
from limits.errors import ConfigurationError, StorageError
from limits.storage import (
    MovingWindowSupport,
    SlidingWindowCounterSupport,
    Storage,
    storage_from_string,
)
from limits.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    RateLimiter,
    SlidingWindowCounterRateLimiter,
)

from bot.errors import ConfigError, RateLimited
from bot.settings import Settings
from bot.web.auth import Principal

log = logging.getLogger("deskbot.web.ratelimit")

RULES = ("chat_session", "chat_ip", "session_ip", "signin_ip", "signin_user")
Check = tuple[str, str]  # (rule, key)


class RateLimits:
    """The rules in force and their counters. Rules left out (or "off") never refuse."""

    def __init__(
        self,
        rules: Mapping[str, str],
        *,
        storage_uri: str = "memory://",
        ip_header: str | None = None,
    ) -> None:
        self.rules: dict[str, tuple[RateLimitItem, ...]] = {}
        for name, spec in rules.items():
            if name not in RULES:
                raise ValueError(f"no rate limit rule {name!r}")
            items = () if spec == "off" else tuple(i for i in parse_many(spec) if i.amount > 0)
            if items:
                self.rules[name] = items
        self.ip_header = ip_header
        self._limiter: RateLimiter | None = None
        if self.rules:
            try:
                storage = storage_from_string(storage_uri, wrap_exceptions=True)
            except ConfigurationError as exc:
                raise ConfigError(f"DESKBOT_RATE_LIMIT_STORAGE_URI: {exc}") from None
            if not isinstance(storage, Storage):
                raise ConfigError("DESKBOT_RATE_LIMIT_STORAGE_URI: use a storage without async+")
            self._limiter = _strategy(storage)

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        rules = {name: getattr(settings, f"rate_limit_{name}") for name in RULES}
        return cls(
            rules if settings.rate_limits else {},
            storage_uri=settings.rate_limit_storage_uri,
            ip_header=settings.client_ip_header,
        )

    def take(self, checks: Iterable[Check]) -> tuple[str, int] | None:
        """Count one request against every ``(rule, key)``; or, when one of them is used up,
        count nothing and return that rule and the seconds until it allows one more."""
        checks = [(rule, key) for rule, key in checks if rule in self.rules]
        refused = self.exhausted(checks)
        if refused is None:
            for rule, key in checks:
                self.hit(rule, key)
        return refused

    def exhausted(self, checks: Iterable[Check]) -> tuple[str, int] | None:
        """The first used-up ``(rule, key)`` and its wait in seconds, counting nothing."""
        for rule, key in checks:
            wait = self.wait(rule, key)
            if wait:
                return rule, wait
        return None

    def wait(self, rule: str, key: str) -> int:
        """Whole seconds until ``rule`` allows one more for ``key``; 0 when it does now."""
        if self._limiter is None or rule not in self.rules:
            return 0
        longest, ids = 0.0, _ids(rule, key)
        for item in self.rules[rule]:
            try:
                if self._limiter.test(item, *ids):
                    continue
                reset = self._limiter.get_window_stats(item, *ids).reset_time
            except StorageError as exc:
                _storage_failed(exc)
                return 0
            longest = max(longest, reset - time.time(), 1.0)
        return math.ceil(longest)

    def hit(self, rule: str, key: str) -> None:
        if self._limiter is None or rule not in self.rules:
            return
        for item in self.rules[rule]:
            try:
                self._limiter.hit(item, *_ids(rule, key))
            except StorageError as exc:
                _storage_failed(exc)
                return

    def clear(self, rule: str, key: str) -> None:
        if self._limiter is None or rule not in self.rules:
            return
        for item in self.rules[rule]:
            try:
                self._limiter.clear(item, *_ids(rule, key))
            except StorageError as exc:
                _storage_failed(exc)
                return


def _strategy(storage: Storage) -> RateLimiter:
    # A moving window is exact; memcached has no moving window, so the next best it offers.
    if isinstance(storage, MovingWindowSupport):
        return MovingWindowRateLimiter(storage)
    if isinstance(storage, SlidingWindowCounterSupport):
        return SlidingWindowCounterRateLimiter(storage)
    return FixedWindowRateLimiter(storage)


def _ids(rule: str, key: str) -> tuple[str, ...]:
    # Keys carry user-chosen text (logins, user ids); a digest suits every storage's key rules.
    return ("deskbot", rule, hashlib.sha256(key.encode()).hexdigest()[:32])


def _storage_failed(exc: Exception) -> None:
    log.warning("rate limit storage failed; letting the request through", extra={"error": str(exc)})


# ---- what the routes call ----------------------------------------------------------------


def of(request: Request) -> RateLimits:
    limits: RateLimits = request.app.state.rate_limits
    return limits


def client_address(request: Request) -> str:
    """The client's address: from the trusted proxy header when one is configured (its last
    value, the one the nearest proxy wrote), else the peer. IPv6 counts per /64 network,
    which is what one subscriber usually gets."""
    header = of(request).ip_header
    raw = ""
    if header:
        raw = request.headers.get(header, "").split(",")[-1].strip()
    if not raw:
        raw = request.client.host if request.client else "unknown"
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:100]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def session_key(principal: Principal, session_id: str) -> str:
    """Who is chatting: the signed session's identity, else (no token at all) the chat id."""
    if principal.via == "anonymous":
        return f"anonymous/{session_id}"
    return f"{principal.kind}/{principal.account_id or '-'}/{principal.user}"


def enforce(request: Request, checks: Iterable[Check], *, message: str) -> None:
    """Count this request; raise :class:`RateLimited` (HTTP 429) when a limit is used up."""
    refused = of(request).take(checks)
    if refused is not None:
        rule, wait = refused
        _count(request, rule)
        raise RateLimited(f"{message}; try again in {wait} s", retry_after=wait)


def signin_wait(request: Request, login: str | None = None) -> int:
    """Seconds this address (or login name) must wait before trying to sign in again; 0 = now.

    Only failures count, so people who type their password right are never slowed down."""
    refused = of(request).exhausted(_signin_checks(request, login))
    if refused is None:
        return 0
    _count(request, refused[0])
    return refused[1]


def signin_failed(request: Request, login: str | None = None) -> None:
    limits = of(request)
    for rule, key in _signin_checks(request, login):
        limits.hit(rule, key)


def signin_succeeded(request: Request, login: str) -> None:
    """A right password forgives that login's earlier failures (not the address's)."""
    if login.strip():
        of(request).clear("signin_user", login.strip().lower())


def _signin_checks(request: Request, login: str | None) -> list[Check]:
    checks = [("signin_ip", client_address(request))]
    if login and login.strip():
        checks.append(("signin_user", login.strip().lower()))
    return checks


def _count(request: Request, rule: str) -> None:
    route: Any = request.scope.get("route")
    metrics = getattr(request.app.state, "metrics", None)
    if metrics is not None:
        metrics.rate_limited.labels(getattr(route, "path", request.url.path), rule).inc()
    log.info("rate limited", extra={"rule": rule, "path": request.url.path})
