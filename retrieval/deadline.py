"""One deadline per chat turn: every model call of the turn gets only the time left.

A chat turn may make several model calls (a follow-up rewritten, the answer, the triage of a
report). :func:`deadline_scope` (or :func:`with_deadline` for a generator that is resumed from
several threads) makes one :class:`Deadline` current for all of them;
:class:`retrieval.llm.GuardedChat` reads it with :func:`current_deadline`.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")
Monotonic = Callable[[], float]


@dataclass(frozen=True)
class Deadline:
    """A moment (on the monotonic clock) by which every model call of one turn must end."""

    at: float
    clock: Monotonic = field(default=time.monotonic, compare=False, repr=False)

    @classmethod
    def after(cls, seconds: float, *, clock: Monotonic = time.monotonic) -> Deadline:
        return cls(clock() + max(0.0, seconds), clock)

    def remaining(self) -> float:
        return max(0.0, self.at - self.clock())

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0.0


_CURRENT: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "deskbot_llm_deadline", default=None
)


def current_deadline() -> Deadline | None:
    """The deadline of the turn being handled here, if any."""
    return _CURRENT.get()


@contextmanager
def deadline_scope(deadline: Deadline | None) -> Iterator[Deadline | None]:
    """Make ``deadline`` current for the model calls inside the block (on this thread)."""
    token = _CURRENT.set(deadline)
    try:
        yield deadline
    finally:
        _CURRENT.reset(token)


def with_deadline(pieces: Iterator[T], deadline: Deadline | None) -> Iterator[T]:
    """``pieces`` run with ``deadline`` current at every resumption, whichever thread resumes
    it (a web stream's pieces are pulled from worker threads, each with a fresh context)."""
    context = contextvars.copy_context()
    context.run(_CURRENT.set, deadline)
    while True:
        try:
            piece = context.run(next, pieces)
        except StopIteration:
            return
        yield piece
