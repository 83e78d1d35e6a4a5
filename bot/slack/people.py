"""People's names for Slack user ids, and Slack's message markup made readable.

Names come from ``users.info`` (scope ``users:read``) and are cached in this process: a name
for ``ttl`` seconds, a failed lookup for ``failure_ttl`` (a missing scope or a Slack outage
must not cost a request per message). Whoever asks gets ``None`` on failure and shows the id.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.client import error_code

log = logging.getLogger("deskbot.slack.people")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#[CGD][A-Z0-9]+\|([^>]*)>")
_LINK = re.compile(r"<((?:https?|mailto):[^>|]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")


class UserNames:
    """Display names of Slack users, as Slack shows them: the display name, else the real
    name, else the handle."""

    def __init__(
        self,
        client: WebClient,
        *,
        ttl: float = 3600.0,
        failure_ttl: float = 300.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl = ttl
        self.failure_ttl = failure_ttl
        self.max_entries = max_entries
        self.clock = clock
        self._cache: dict[str, tuple[str | None, float]] = {}
        self._lock = threading.Lock()

    def name(self, user: str) -> str | None:
        """The user's name, or None when Slack would not say (the caller shows the id)."""
        now = self.clock()
        with self._lock:
            cached = self._cache.get(user)
        if cached is not None and cached[1] > now:
            return cached[0]
        found = self._lookup(user)
        expires = now + (self.ttl if found is not None else self.failure_ttl)
        with self._lock:
            if len(self._cache) >= self.max_entries:
                self._cache = {k: v for k, v in self._cache.items() if v[1] > now}
                if len(self._cache) >= self.max_entries:
                    self._cache.clear()
            self._cache[user] = (found, expires)
        return found

    def _lookup(self, user: str) -> str | None:
        try:
            data = self.client.users_info(user=user).get("user") or {}
        except SlackApiError as exc:
            log.warning("users.info %s failed: %s", user, error_code(exc))
            return None
        except OSError as exc:
            log.warning("users.info %s failed: %s", user, exc)
            return None
        profile = data.get("profile") or {}
        for name in (
            profile.get("display_name"),
            profile.get("real_name"),
            data.get("real_name"),
            data.get("name"),
        ):
            if isinstance(name, str) and name.strip():
                return name.strip()
        return None


def limited(names: Callable[[str], str | None], lookups: int) -> Callable[[str], str | None]:
    """``names`` for at most ``lookups`` distinct users (remembered); None for the rest, so a
    message naming fifty people costs at most ``lookups`` requests."""
    looked: dict[str, str | None] = {}

    def name(user: str) -> str | None:
        if user not in looked:
            if len(looked) >= lookups:
                return None
            looked[user] = names(user)
        return looked[user]

    return name


def readable(text: str, *, names: Callable[[str], str | None], drop: str | None = None) -> str:
    """Slack markup as a person would read it: ``<@U…>`` becomes ``@name`` (or ``@U…`` when
    ``names`` has none; ``drop``, the bot, disappears), channels and links show their labels,
    ``&lt;`` is ``<`` again."""

    def user(match: re.Match[str]) -> str:
        user_id, label = match.group(1), match.group(2)
        if user_id == drop:
            return ""
        return "@" + (label or names(user_id) or user_id)

    def link(match: re.Match[str]) -> str:
        url, label = match.group(1), match.group(2)
        return f"{label} ({url})" if label and label != url else url

    text = _USER.sub(user, text)
    text = _CHANNEL.sub(lambda m: "#" + m.group(1), text)
    text = _SPECIAL.sub(lambda m: "@" + m.group(1), text)
    text = _LINK.sub(link, text)
    # Slack escapes exactly these three; "&amp;" last so "&amp;lt;" stays "&lt;".
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()
