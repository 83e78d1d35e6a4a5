"""The one clock type: a function that says what time it is (aware, UTC). Tests pass a fixed
or moving one; nothing else reads the wall clock where a clock is passed in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
