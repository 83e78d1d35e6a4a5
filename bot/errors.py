"""The exceptions deskbot raises for users, in one tree.

    DeskbotError                 a user-facing problem; the edge turns it into a CLI line,
    │                            an HTTP 4xx/5xx or a polite chat reply
    ├── ConfigError              the organisation YAML or the settings are wrong
    ├── NotFound                 a ticket, account, person or conversation does not exist
    │   └── AccessDenied         ... or exists but belongs to someone else (same message)
    ├── InvalidInput             a message, file or argument we cannot accept
    │   └── Conflict             ... because the ticket changed meanwhile
    ├── RateLimited              too many requests from one client; says when to come back
    └── ServiceUnavailable       a dependency (database, index, LLM, Slack) failed
        ├── StoreUnavailable
        ├── IndexUnavailable
        └── LLMUnavailable

Foreign errors (SQLAlchemy, chromadb, openai, slack_sdk) are translated into these where they
are called, so the rest of the code handles one family.
"""

from __future__ import annotations


class DeskbotError(Exception):
    """Base of every error meant for a user."""

    exit_code = 1
    http_status = 500


class ConfigError(DeskbotError):
    """The configuration is invalid; the message names the file, key and problem."""

    http_status = 500


class NotFound(DeskbotError):
    http_status = 404


class AccessDenied(NotFound):
    """Raised instead of revealing that another account's object exists."""


class InvalidInput(DeskbotError):
    exit_code = 2
    http_status = 422


class Conflict(InvalidInput):
    """Another action changed the ticket first (two people, or a person and the customer)."""

    http_status = 409


class RateLimited(DeskbotError):
    """Over a rate limit; ``retry_after`` is the whole seconds until one more is allowed."""

    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)


class ServiceUnavailable(DeskbotError):
    http_status = 503


class StoreUnavailable(ServiceUnavailable):
    pass


class IndexUnavailable(ServiceUnavailable):
    pass


class LLMUnavailable(ServiceUnavailable):
    pass
