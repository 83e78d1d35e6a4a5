"""Web API calls for the customer's thread, retried in place: a rate limit (429, honouring
``Retry-After``), a server error (5xx) or a dropped connection is tried again a few times
within a bounded wait; an error no retry can fix (a wrong channel, a revoked token) is raised
at once. The caller decides what to do when even that fails (post the answer as a new
message, queue it in the outbox).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from slack_sdk.errors import SlackApiError

from bot.slack.client import delivery_error

log = logging.getLogger("deskbot.slack.retry")
T = TypeVar("T")
ATTEMPTS = 4
MAX_WAIT = 10.0  # seconds waited in all, per call
FIRST_BACKOFF = 0.25


def with_retries(
    call: Callable[[], T],
    *,
    what: str,
    attempts: int = ATTEMPTS,
    max_wait: float = MAX_WAIT,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``call()``, retried on transient Slack failures; raises the last ``SlackApiError`` or
    ``OSError`` when it still fails (or at once when retrying cannot help)."""
    waited = 0.0
    backoff = FIRST_BACKOFF
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except (SlackApiError, OSError) as exc:
            why = delivery_error(exc)
            wait = why.retry_after if why.retry_after is not None else backoff
            if why.permanent or attempt == attempts or waited + wait > max_wait:
                log.warning("%s failed for good after %d attempt(s): %s", what, attempt, why)
                raise
            log.info("%s failed (%s); retrying in %.2g s", what, why, wait)
            sleep(wait)
            waited += wait
            backoff *= 2
    raise AssertionError("unreachable")  # pragma: no cover
