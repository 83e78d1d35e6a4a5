"""A real OpenAI-compatible HTTP server for tests.

openai 3.x talks through httpx2, which respx cannot intercept, so tests point the client (or
LangChain's ``ChatOpenAI``) at this server instead. It records every JSON body it receives so a
test can check what was sent (e.g. that no secret reached the LLM).

    with OpenAIStub(reply="hello") as stub:
        client = openai.OpenAI(base_url=stub.base_url, api_key="test")
        ...
        assert stub.requests[0]["messages"][-1]["content"] == "hi"
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from types import TracebackType
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

# FastAPI resolves the string annotations (``from __future__``) against module globals, so
# Request must be imported here, not inside _app.
Reply = str | Callable[[dict[str, Any]], "str | dict[str, Any]"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class OpenAIStub:
    """Runs a FastAPI app under uvicorn in a background thread on 127.0.0.1.

    ``reply``: the assistant content (str), or a callable(request_json) returning a str or a
    full assistant message dict (e.g. with ``tool_calls``). ``delay``: seconds to wait before
    answering (timeout tests). ``status``: answer every chat request with this HTTP error.
    ``token_delay``: stream the content word by word, waiting this long between words (a slow
    model); ``last_token_at`` is then the ``time.monotonic()`` of the last word sent.
    """

    def __init__(
        self,
        *,
        reply: Reply = "ok",
        delay: float = 0.0,
        status: int | None = None,
        model: str = "stub-model",
        token_delay: float = 0.0,
    ) -> None:
        self.reply: Reply = reply
        self.delay = delay
        self.token_delay = token_delay
        self.last_token_at: float | None = None
        self.status = status
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._server: Any = None
        self._thread: threading.Thread | None = None

    # setters kept explicit so tests read naturally: stub.set_reply(...)
    def set_reply(self, reply: Reply) -> None:
        self.reply = reply

    def set_delay(self, delay: float) -> None:
        self.delay = delay

    def set_status(self, status: int | None) -> None:
        self.status = status

    def _message(self, body: dict[str, Any]) -> dict[str, Any]:
        reply = self.reply(body) if callable(self.reply) else self.reply
        if isinstance(reply, dict):
            message = {"role": "assistant", "content": None, **reply}
        else:
            message = {"role": "assistant", "content": reply}
        return message

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/v1/models")
        async def models() -> dict[str, Any]:
            return {
                "object": "list",
                "data": [{"id": self.model, "object": "model", "created": 0, "owned_by": "stub"}],
            }

        @app.post("/v1/chat/completions")
        async def chat(request: Request) -> Any:
            body = await request.json()
            self.requests.append(body)
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.status is not None:
                return JSONResponse(
                    status_code=self.status,
                    content={
                        "error": {
                            "message": f"stub error {self.status}",
                            "type": "stub_error",
                            "code": str(self.status),
                        }
                    },
                )
            message = self._message(body)
            finish = "tool_calls" if message.get("tool_calls") else "stop"
            ident = f"chatcmpl-{uuid.uuid4().hex[:12]}"
            created = int(time.time())
            model = body.get("model", self.model)
            if body.get("stream"):
                return StreamingResponse(
                    self._sse(ident, created, model, message, finish),
                    media_type="text/event-stream",
                )
            return {
                "id": ident,
                "object": "chat.completion",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }

        return app

    async def _sse(
        self, ident: str, created: int, model: str, message: dict[str, Any], finish: str
    ) -> AsyncIterator[str]:
        def chunk(delta: dict[str, Any], reason: str | None = None) -> str:
            payload = {
                "id": ident,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": reason}],
            }
            return f"data: {json.dumps(payload)}\n\n"

        yield chunk({"role": "assistant", "content": ""})
        content = message.get("content") or ""
        if self.token_delay:
            for word in re.findall(r"\S+\s*", content):
                await asyncio.sleep(self.token_delay)
                yield chunk({"content": word})
                self.last_token_at = time.monotonic()
        else:
            # a few pieces so clients really assemble a stream
            step = max(1, len(content) // 3) if content else 1
            for start in range(0, len(content), step):
                yield chunk({"content": content[start : start + step]})
        for index, call in enumerate(message.get("tool_calls") or []):
            yield chunk({"tool_calls": [{"index": index, **call}]})
        yield chunk({}, finish)
        yield "data: [DONE]\n\n"

    def start(self) -> OpenAIStub:
        config = uvicorn.Config(
            self._app(), host="127.0.0.1", port=self.port, log_level="error", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("OpenAIStub did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> OpenAIStub:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
