"""Signed tokens (stdlib HMAC): web sessions, and tokens minted by the vendor's own site.

Format, shared by both::

    token = base64url(JSON payload, no padding) + "." + hex(HMAC-SHA256(key, signed part))

Sessions sign ``"session." + payload`` with the session secret (``DESKBOT_SESSION_SECRET``, or
a random secret kept in ``$DESKBOT_HOME/session_secret``). Vendor tokens sign the payload part
alone with the account's token key, ``hex(HMAC-SHA256(master, "deskbot-account:" + account))``,
where ``master`` is the variable named by ``web.token_secret_env``. See docs/web.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

from bot.settings import Settings


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(payload: dict[str, Any], key: bytes, *, purpose: str = "") -> str:
    body = b64encode(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    return body + "." + _mac(key, purpose, body)


def verify(token: str, key: bytes, *, purpose: str = "", now: float) -> dict[str, Any] | None:
    """The payload of a well-signed, unexpired token; None for anything else."""
    body, dot, mac = token.strip().partition(".")
    if not dot or len(token) > 4096 or not token.isascii():
        return None
    if not hmac.compare_digest(_mac(key, purpose, body).encode(), mac.encode()):
        return None
    try:
        payload = json.loads(b64decode(body))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(payload, dict):
        return None
    exp = payload.get("exp")
    if not isinstance(exp, int | float) or exp < now:
        return None
    return payload


def _mac(key: bytes, purpose: str, body: str) -> str:
    message = f"{purpose}.{body}" if purpose else body
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def session_key(settings: Settings) -> bytes:
    """The configured secret, else one generated once and kept under the home (0600)."""
    if settings.session_secret is not None:
        return settings.session_secret.get_secret_value().encode()
    path: Path = settings.home / "session_secret"
    try:
        return path.read_text().strip().encode()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: if another worker won the race, keep theirs so every worker agrees.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip().encode()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def account_token_key(master: bytes, account_id: str) -> bytes:
    """The key one account's tokens are signed with (hex text, as the docs show)."""
    return (
        hmac.new(master, f"deskbot-account:{account_id}".encode(), hashlib.sha256)
        .hexdigest()
        .encode()
    )
