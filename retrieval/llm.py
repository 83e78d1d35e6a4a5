"""The chat model seam: one protocol (a streamed reply, a structured reply), its one LangChain
adapter (``langchain_openai.ChatOpenAI``), the guard every caller goes
through (one deadline per turn, a circuit breaker).

LangChain types never leave this module: callers pass strings (and a pydantic schema for
structured output) and get strings (or an instance of the schema) back.

Errors::

    LLMError            the model could not be reached, failed or answered nonsense
     └── LLMTimeout     it did not answer within the time left (or the breaker is open)

The shipped fake is :class:`retrieval.fake_chat.FakeChat`.

Deadlines (:mod:`retrieval.deadline`): :class:`GuardedChat` gives each call of a turn only the
time left and stops waiting when it is up, whatever the HTTP client does.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel

from retrieval.deadline import (
    Deadline,
    Monotonic,
    current_deadline,
    deadline_scope,
    with_deadline,
)

S = TypeVar("S", bound=BaseModel)


__all__ = [
    "ChatModel", "CircuitBreaker", "Deadline", "GuardedChat", "LLMError", "LLMTimeout",
    "OpenAIChat", "current_deadline", "deadline_scope", "with_deadline",
]  # fmt: skip


class LLMError(Exception):
    """The model could not be reached, timed out or answered nonsense."""


class LLMTimeout(LLMError):
    """No answer within the time left for it (or the breaker skipped the model)."""


# -- the seam ---------------------------------------------------------------------------------
class ChatModel(Protocol):
    """A chat model. ``timeout``: seconds this call may take (None: the model's own)."""

    def warm_up(self) -> None:
        """Get ready now (import and build clients) so the first call does not pay for it."""
        ...

    def stream(self, system: str, user: str, *, timeout: float | None = None) -> Iterator[str]:
        """Pieces of the assistant's reply as they arrive."""
        ...

    def structured(
        self, system: str, user: str, schema: type[S], *, timeout: float | None = None
    ) -> S:
        """The reply as an instance of ``schema`` (a pydantic model)."""
        ...


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return ""


class OpenAIChat:
    """Any OpenAI-compatible endpoint (OpenAI, Azure, vLLM, Ollama, llama.cpp server).

    ``structured_method``: ``json_schema`` sends ``response_format`` (the reply's content is the
    JSON); ``function_calling`` sends ``tools`` (for servers without JSON-schema support)."""

    def __init__(
        self,
        *,
        model: str,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = 20.0,
        temperature: float = 0.0,
        structured_method: Literal["json_schema", "function_calling"] = "json_schema",
    ) -> None:
        self.model = model
        self.api_key = api_key or "not-needed"
        self.base_url = base_url
        self.timeout = timeout
        self.temperature = temperature
        self.structured_method = structured_method
        self._chat: Any = None
        self._lock = threading.Lock()

    def _client(self) -> Any:
        with self._lock:
            if self._chat is None:
                from langchain_openai import ChatOpenAI  # lazy: langchain is slow to import

                self._chat = ChatOpenAI(
                    model=self.model,
                    api_key=self.api_key,  # type: ignore[arg-type]
                    base_url=self.base_url,
                    timeout=self.timeout,
                    max_retries=0,
                    temperature=self.temperature,
                )
            return self._chat

    def warm_up(self) -> None:
        self._client()

    def _bound(self, timeout: float | None) -> Any:
        """The client with this call's time limit (the openai client takes it per request)."""
        chat = self._client()
        if timeout is None:
            return chat
        return chat.bind(timeout=max(0.05, min(timeout, self.timeout)))

    @staticmethod
    def _messages(system: str, user: str) -> list[Any]:
        from langchain_core.messages import HumanMessage, SystemMessage

        return [SystemMessage(content=system), HumanMessage(content=user)]

    def stream(self, system: str, user: str, *, timeout: float | None = None) -> Iterator[str]:
        try:
            for chunk in self._bound(timeout).stream(self._messages(system, user)):
                text = _text(chunk.content)
                if text:
                    yield text
        except Exception as exc:  # openai/httpx/langchain raise many types; translate here
            raise _translated(exc) from exc

    def structured(
        self, system: str, user: str, schema: type[S], *, timeout: float | None = None
    ) -> S:
        try:
            runnable = self._client().with_structured_output(schema, method=self.structured_method)
            if timeout is not None:
                runnable = _with_timeout(runnable, max(0.05, min(timeout, self.timeout)))
            answer = runnable.invoke(self._messages(system, user))
            return schema.model_validate(answer) if not isinstance(answer, schema) else answer
        except Exception as exc:
            raise _translated(exc) from exc


def _with_timeout(runnable: Any, timeout: float) -> Any:
    """A structured-output chain whose model call carries ``timeout`` (the chain's first step
    is the bound model; binding the chain itself would not reach the request)."""
    from langchain_core.runnables import RunnableSequence

    if not isinstance(runnable, RunnableSequence):
        return runnable
    first, *rest = runnable.steps
    return RunnableSequence(first.bind(timeout=timeout), *rest)


def _translated(exc: Exception) -> LLMError:
    name = type(exc).__name__
    if "Timeout" in name:
        return LLMTimeout(f"LLM request timed out: {name}: {exc}")
    return LLMError(f"LLM request failed: {name}: {exc}")


# -- the guard --------------------------------------------------------------------------------
class CircuitBreaker:
    """Skips the model after ``failures`` failed calls in a row, for ``cooldown`` seconds; then
    lets one call through to see whether it is back (closed again on success)."""

    def __init__(
        self, *, failures: int = 3, cooldown: float = 60.0, clock: Monotonic = time.monotonic
    ) -> None:
        self.threshold = max(1, failures)
        self.cooldown = cooldown
        self.clock = clock
        self.failures = 0
        self.open_until: float | None = None
        self._trial = False
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self.open_until is not None and self.clock() < self.open_until

    def allow(self) -> bool:
        """Whether a call may go to the model now."""
        with self._lock:
            if self.open_until is None:
                return True
            if self.clock() < self.open_until or self._trial:
                return False
            self._trial = True  # half-open: one call tries
            return True

    def succeeded(self) -> None:
        with self._lock:
            self.failures, self.open_until, self._trial = 0, None, False

    def failed(self) -> None:
        with self._lock:
            self.failures += 1
            self._trial = False
            if self.failures >= self.threshold:
                self.open_until = self.clock() + self.cooldown


_END = object()


class GuardedChat:
    """A :class:`ChatModel` that never waits past the current turn's deadline (nor past
    ``timeout`` per call), and skips the model while its breaker is open.

    The inner call runs on a worker thread: when the time is up the caller gets
    :class:`LLMTimeout` at once, and the abandoned call ends on its own client timeout."""

    def __init__(
        self,
        inner: ChatModel,
        *,
        timeout: float = 20.0,
        breaker: CircuitBreaker | None = None,
        workers: int = 16,
    ) -> None:
        self.inner = inner
        self.timeout = timeout
        self.breaker = breaker or CircuitBreaker()
        self._workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        self.inner.warm_up()

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="llm")
            return self._pool

    def _budget(self, timeout: float | None) -> float:
        """Seconds this call may take: the per-call limit, the caller's, the turn's."""
        budget = self.timeout if timeout is None else min(timeout, self.timeout)
        deadline = current_deadline()
        if deadline is not None:
            budget = min(budget, deadline.remaining())
        if budget <= 0.0:
            raise LLMTimeout("no time left in this turn for the model")
        if not self.breaker.allow():
            raise LLMTimeout("the model is skipped for now: it failed repeatedly")
        return budget

    def structured(
        self, system: str, user: str, schema: type[S], *, timeout: float | None = None
    ) -> S:
        budget = self._budget(timeout)
        future: Future[S] = self._executor().submit(
            self.inner.structured, system, user, schema, timeout=budget
        )
        try:
            result = future.result(timeout=budget)
        except FutureTimeout:
            self.breaker.failed()
            raise LLMTimeout(f"the model did not answer within {budget:.1f} s") from None
        except LLMError:
            self.breaker.failed()
            raise
        except Exception as exc:
            self.breaker.failed()
            raise LLMError(f"LLM request failed: {type(exc).__name__}: {exc}") from exc
        self.breaker.succeeded()
        return result

    def stream(self, system: str, user: str, *, timeout: float | None = None) -> Iterator[str]:
        budget = self._budget(timeout)
        ends = time.monotonic() + budget
        pieces: queue.Queue[object] = queue.Queue()
        stop = threading.Event()

        def pump() -> None:
            try:
                for piece in self.inner.stream(system, user, timeout=budget):
                    if stop.is_set():
                        return
                    pieces.put(piece)
                pieces.put(_END)
            except Exception as exc:
                pieces.put(exc)

        self._executor().submit(pump)
        try:
            while True:
                try:
                    item = pieces.get(timeout=max(0.0, ends - time.monotonic()))
                except queue.Empty:
                    self.breaker.failed()
                    raise LLMTimeout(f"the model did not finish within {budget:.1f} s") from None
                if item is _END:
                    self.breaker.succeeded()
                    return
                if isinstance(item, Exception):
                    self.breaker.failed()
                    if isinstance(item, LLMError):
                        raise item
                    raise LLMError(f"LLM request failed: {type(item).__name__}: {item}")
                yield str(item)
        finally:
            stop.set()

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
