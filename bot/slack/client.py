"""The Slack Web API client, and what its errors mean for us."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import ConfigError
from bot.notify import DeliveryError
from bot.settings import Settings

DEFAULT_API_URL = "https://slack.com/api/"
SERVICE = "slack"  # what a rate limit holds back in the outbox (every item bound for Slack)
# Errors that no retry can fix: a wrong channel, a revoked token, a deleted user.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "user_not_found",
        "users_not_found",
        "cannot_dm_bot",
        "user_disabled",
        "missing_scope",
        "invalid_blocks",
        "msg_too_long",
        "no_text",
        "restricted_action",
        "team_access_not_granted",
        "channel_is_archived",
    }
)


def api_base_url(settings: Settings) -> str:
    """The Web API base URL; ``DESKBOT_SLACK_API_URL`` overrides it (stub servers, proxies).

    slack_sdk joins method names onto it, so it must end with a slash.
    """
    base = settings.slack_api_url or DEFAULT_API_URL
    return base if base.endswith("/") else base + "/"


def web_client(settings: Settings, *, timeout: int = 10) -> WebClient:
    """A client with the bot token, pointed at the configured Web API."""
    if settings.slack_bot_token is None:
        raise ConfigError("Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET")
    return WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=api_base_url(settings),
        timeout=timeout,
    )


def error_code(exc: SlackApiError) -> str:
    data = exc.response.data if exc.response is not None else None
    if isinstance(data, dict):
        return str(data.get("error") or "unknown_error")
    return "unknown_error"


def delivery_error(exc: Exception) -> DeliveryError:
    """Translate a slack_sdk failure: 429 carries ``Retry-After``; 5xx and network errors are
    retried; a bad channel or token is permanent."""
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code if exc.response is not None else 0
        code = error_code(exc)
        if status == 429 or code == "ratelimited":
            headers = exc.response.headers if exc.response is not None else {}
            raw = _header(headers, "Retry-After")
            try:
                retry_after = float(raw) if raw is not None else 1.0
            except ValueError:
                retry_after = 1.0
            return DeliveryError(
                f"slack rate limited ({code})", retry_after=retry_after, service=SERVICE
            )
        if status >= 500:
            return DeliveryError(f"slack server error {status}")
        return DeliveryError(f"slack error: {code}", permanent=code in PERMANENT_ERRORS)
    return DeliveryError(f"slack unreachable: {type(exc).__name__}: {exc}")


def _header(headers: object, name: str) -> str | None:
    if not isinstance(headers, dict):
        return None
    for key, value in headers.items():
        if str(key).lower() == name.lower():
            return str(value[0] if isinstance(value, list) else value)
    return None
