"""The ``log`` transport: every notification as one structured log line.

Always succeeds, so escalations are visible (``deskbot`` logs, ``docker logs``, journald) even
with no Slack, webhook or PagerDuty configured.
"""

from __future__ import annotations

import logging

from bot.store.records import OutboxItem

log = logging.getLogger("deskbot.notify")


class LogNotifier:
    transport = "log"

    def __init__(self, *, logger: logging.Logger = log) -> None:
        self.logger = logger

    def deliver(self, item: OutboxItem) -> None:
        payload = item.payload
        text = str(payload.get("text") or payload.get("kind") or "notification")
        # Breaches are warnings in the log; earlier ladder steps are information.
        level = logging.WARNING if float(payload.get("fraction") or 0) >= 1.0 else logging.INFO
        self.logger.log(
            level,
            text,
            extra={
                "notification": payload.get("kind"),
                "outbox_id": item.id,
                "target": item.target,
                "ticket": payload.get("ticket"),
                "payload": payload,
            },
        )
