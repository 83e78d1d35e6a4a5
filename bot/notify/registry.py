"""The notifiers of this deployment, built from the organisation file and the settings.

``log`` is always there; ``webhook`` when webhooks are configured; ``pagerduty`` when
``notifications.pagerduty`` is set; ``slack`` when the Slack lifespan registered one in
``ctx.extras["notifiers"]``, or else a bot token is set and :mod:`bot.slack.notifier` exists.
An outbox item of a transport not built here fails visibly in the outbox instead of
disappearing.
"""

from __future__ import annotations

import importlib.util
import logging
from typing import TYPE_CHECKING

from bot.notify import Notifier
from bot.notify.log import LogNotifier

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger("deskbot.notify")


def build_notifiers(ctx: AppContext) -> dict[str, Notifier]:
    notifiers: dict[str, Notifier] = {"log": LogNotifier()}
    settings_ = ctx.settings
    config = ctx.config.notifications
    if config.webhooks:
        from bot.notify.webhook import WebhookNotifier

        notifiers["webhook"] = WebhookNotifier(config.webhooks)
    if config.pagerduty is not None:
        from bot.notify.pagerduty import PagerDutyNotifier

        notifiers["pagerduty"] = PagerDutyNotifier(config.pagerduty)
    # Notifiers other parts registered (the Slack lifespan puts its own, built on its runtime's
    # client, in ``ctx.extras["notifiers"]``) take precedence.
    notifiers.update(ctx.extras.get("notifiers") or {})
    wants_slack = settings_.slack_bot_token is not None and "slack" not in notifiers
    if wants_slack and _has_module("bot.slack.notifier"):
        from bot.slack.client import web_client
        from bot.slack.notifier import build_notifier

        notifiers["slack"] = build_notifier(ctx, client=web_client(settings_))
    log.debug("notifiers", extra={"transports": sorted(notifiers)})
    return notifiers


def close_notifiers(notifiers: dict[str, Notifier]) -> None:
    """Close the HTTP clients of the notifiers that hold one."""
    for notifier in notifiers.values():
        close = getattr(notifier, "close", None)
        if callable(close):
            close()


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:
        return False
