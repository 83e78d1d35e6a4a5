"""The ``pagerduty`` transport: PagerDuty Events API v2 ``trigger`` events.

One incident per ticket and clock: the outbox item's target is the ``dedup_key``
(``deskbot:SUP-1042:resolution``), so the 80% and 100% steps of a clock update one incident
instead of paging twice. The routing key comes from the environment variable named by
``notifications.pagerduty.routing_key_env``. PagerDuty answers 202; 429 and 5xx are retried
(with ``Retry-After`` when sent); 400 (a bad event or key) is permanent.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from bot.config.channels import PagerDutyConfig
from bot.notify import DeliveryError
from bot.notify.webhook import SecretLookup, post_json
from bot.settings import secret_from_env
from bot.store.records import OutboxItem


def severity(payload: dict[str, Any]) -> str:
    """A breach is critical; the step before it an error; earlier ones warnings."""
    fraction = float(payload.get("fraction") or 0)
    if fraction >= 1.0:
        return "critical"
    return "error" if fraction >= 0.75 else "warning"


def event_body(routing_key: str, item: OutboxItem) -> dict[str, Any]:
    payload = item.payload
    dedup_key = str(payload.get("dedup_key") or item.target)
    details = {
        k: payload.get(k)
        for k in ("ticket", "account", "account_name", "tier", "priority", "subject", "clock",
                  "escalation_clock", "level", "fraction", "fire_at", "due_at", "late",
                  "recipients")
    }  # fmt: skip
    return {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": dedup_key,
        "payload": {
            "summary": str(payload.get("text") or dedup_key)[:1024],
            "severity": severity(payload),
            "source": "deskbot",
            "component": str(payload.get("account") or "deskbot"),
            "group": str(payload.get("tier") or ""),
            "class": "sla_escalation",
            "custom_details": details,
        },
        "client": "deskbot",
    }


class PagerDutyNotifier:
    transport = "pagerduty"

    def __init__(
        self,
        config: PagerDutyConfig,
        *,
        client: httpx.Client | None = None,
        timeout: float = 10.0,
        secrets: SecretLookup = secret_from_env,
    ) -> None:
        self.config = config
        self.client = client or httpx.Client(timeout=timeout, follow_redirects=False)
        self.secrets = secrets

    def deliver(self, item: OutboxItem) -> None:
        key = self.secrets(self.config.routing_key_env)
        if key is None:
            raise DeliveryError(
                f"PagerDuty routing key variable {self.config.routing_key_env} is not set",
                permanent=True,
            )
        body = json.dumps(event_body(key.get_secret_value(), item), ensure_ascii=False).encode()
        post_json(self.client, self.config.url, body, headers={}, what="pagerduty")

    def close(self) -> None:
        self.client.close()
