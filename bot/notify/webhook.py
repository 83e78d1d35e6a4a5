"""The ``webhook`` transport: a generic JSON POST, optionally signed.

Body::

    {"event": "escalation", "delivery_id": 42, "data": {...the outbox payload...}}

Headers: ``X-Deskbot-Event``, ``X-Deskbot-Delivery`` (the outbox id; the same on retries, so a
receiver can drop duplicates) and, when the target names ``secret_env``, ``X-Deskbot-Signature:
sha256=<hex HMAC-SHA256 of the raw body>``. A 2xx answer is success; 429 and 5xx (and network
errors) are retried, honouring ``Retry-After``; any other 4xx is permanent.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from typing import Any

import httpx
from pydantic import SecretStr

from bot import __version__
from bot.config.channels import WebhookTarget
from bot.notify import DeliveryError
from bot.settings import secret_from_env
from bot.store.records import OutboxItem

SecretLookup = Callable[[str], SecretStr | None]
SIGNATURE_HEADER = "X-Deskbot-Signature"


def sign(secret: str, body: bytes) -> str:
    """The signature header value for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def retry_after_seconds(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date (RFC 9110)."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def post_json(
    client: httpx.Client,
    url: str,
    body: bytes,
    *,
    headers: dict[str, str],
    what: str,
    ok: Callable[[int], bool] = lambda status: 200 <= status < 300,
) -> httpx.Response:
    """POST and classify the answer into success or a :class:`DeliveryError`."""
    try:
        response = client.post(
            url, content=body, headers={"Content-Type": "application/json", **headers}
        )
    except httpx.HTTPError as exc:  # connect, read, timeout: worth another try
        raise DeliveryError(f"{what}: {type(exc).__name__}: {exc}") from exc
    status = response.status_code
    if ok(status):
        return response
    detail = f"{what}: HTTP {status} {response.text[:200]}".strip()
    if status == 429 or status >= 500:
        raise DeliveryError(
            detail, retry_after=retry_after_seconds(response.headers.get("Retry-After"))
        )
    raise DeliveryError(detail, permanent=True)


class WebhookNotifier:
    """POSTs outbox items to the configured webhook targets (the item's target is the URL)."""

    transport = "webhook"

    def __init__(
        self,
        targets: Sequence[WebhookTarget],
        *,
        client: httpx.Client | None = None,
        timeout: float = 10.0,
        secrets: SecretLookup = secret_from_env,
    ) -> None:
        self.targets = {t.url: t for t in targets}
        self.client = client or httpx.Client(timeout=timeout, follow_redirects=False)
        self.secrets = secrets

    def deliver(self, item: OutboxItem) -> None:
        event = str(item.payload.get("kind") or "notification")
        document: dict[str, Any] = {"event": event, "delivery_id": item.id, "data": item.payload}
        body = json.dumps(document, ensure_ascii=False, sort_keys=True).encode()
        headers = {
            "User-Agent": f"deskbot/{__version__}",
            "X-Deskbot-Event": event,
            "X-Deskbot-Delivery": str(item.id),
        }
        target = self.targets.get(item.target)
        if target is not None and target.secret_env:
            secret = self.secrets(target.secret_env)
            if secret is None:
                # Sending unsigned would teach the receiver to accept unsigned calls.
                raise DeliveryError(
                    f"webhook secret variable {target.secret_env} is not set", permanent=True
                )
            headers[SIGNATURE_HEADER] = sign(secret.get_secret_value(), body)
        post_json(self.client, item.target, body, headers=headers, what=f"webhook {item.target}")

    def close(self) -> None:
        self.client.close()
