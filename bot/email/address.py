"""Mail server connection URLs: ``smtp[s]://user:password@host:port`` (``smtp+starttls://``
upgrades a plain connection) and ``imap[s]://user:password@host:port/FOLDER``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

from bot.errors import ConfigError

Security = Literal["tls", "starttls", "none"]
_SCHEMES: dict[str, tuple[str, Security, int]] = {
    "smtp": ("smtp", "none", 25),
    "smtp+starttls": ("smtp", "starttls", 587),
    "smtps": ("smtp", "tls", 465),
    "imap": ("imap", "none", 143),
    "imap+starttls": ("imap", "starttls", 143),
    "imaps": ("imap", "tls", 993),
}


@dataclass(frozen=True)
class ServerAddress:
    protocol: str  # smtp | imap
    host: str
    port: int
    security: Security
    user: str | None = None
    password: str | None = None
    folder: str = "INBOX"

    def __repr__(self) -> str:  # never show the password
        return f"ServerAddress({self.protocol}://{self.user or ''}@{self.host}:{self.port})"


def parse_server_url(url: str, *, protocol: str) -> ServerAddress:
    parts = urlsplit(url.strip())
    known = _SCHEMES.get(parts.scheme.lower())
    if known is None or known[0] != protocol:
        names = ", ".join(f"{s}://" for s, v in _SCHEMES.items() if v[0] == protocol)
        raise ConfigError(f"a {protocol} URL starts with one of {names}")
    if not parts.hostname:
        raise ConfigError(f"the {protocol} URL names no host")
    _, security, default_port = known
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return ServerAddress(
        protocol=protocol,
        host=parts.hostname,
        port=parts.port or default_port,
        security=security,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        folder=folder,
    )
