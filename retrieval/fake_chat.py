"""The shipped fake chat model: a real :class:`retrieval.llm.ChatModel` fed by the caller,
for tests and demos without an endpoint."""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from retrieval.llm import LLMError, LLMTimeout

S = TypeVar("S", bound=BaseModel)


@dataclass
class Scripted:
    """One reply of :class:`FakeChat`: text (or a structured answer), a failure, a delay."""

    reply: str | dict[str, Any] | BaseModel | Exception = ""
    delay: float = 0.0


class FakeChat:
    """A real :class:`ChatModel` fed by the test: ``enqueue`` replies, read ``calls`` after.

    With nothing queued it answers ``default``. A delay longer than the call's ``timeout``
    raises :class:`LLMTimeout` after the timeout (a hanging model, without sleeping longer)."""

    def __init__(self, *replies: Scripted | str, default: str = "ok") -> None:
        self.queue: deque[Scripted] = deque()
        self.default = default
        self.calls: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        for reply in replies:
            self.enqueue(reply)

    def warm_up(self) -> None:
        return None

    def enqueue(self, reply: Scripted | str | Exception, *, delay: float = 0.0) -> None:
        self.queue.append(reply if isinstance(reply, Scripted) else Scripted(reply, delay))

    def _next(self, kind: str, system: str, user: str, timeout: float | None) -> Any:
        with self._lock:
            self.calls.append({"kind": kind, "system": system, "user": user, "timeout": timeout})
            scripted = self.queue.popleft() if self.queue else Scripted(self.default)
        if scripted.delay:
            wait = scripted.delay if timeout is None else min(scripted.delay, timeout)
            time.sleep(wait)
            if timeout is not None and scripted.delay > timeout:
                raise LLMTimeout("fake model timed out")
        if isinstance(scripted.reply, Exception):
            raise scripted.reply
        return scripted.reply

    def stream(self, system: str, user: str, *, timeout: float | None = None) -> Iterator[str]:
        reply = self._next("stream", system, user, timeout)
        text = reply if isinstance(reply, str) else json.dumps(_plain(reply))
        yield from re.findall(r"\S+\s*|\s+", text)

    def structured(
        self, system: str, user: str, schema: type[S], *, timeout: float | None = None
    ) -> S:
        reply = self._next("structured", system, user, timeout)
        try:
            data = json.loads(reply) if isinstance(reply, str) else _plain(reply)
            return schema.model_validate(data)
        except ValueError as exc:
            raise LLMError(f"unusable structured answer: {exc}") from exc


def _plain(reply: Any) -> Any:
    return reply.model_dump() if isinstance(reply, BaseModel) else reply
