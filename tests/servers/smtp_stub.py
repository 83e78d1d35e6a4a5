"""A real SMTP server on loopback for tests (aiosmtpd), recording what it accepts; it can
refuse the next messages with a temporary error (451) to test retries."""

from __future__ import annotations

import email
import email.policy
import socket
import time
from email.message import EmailMessage
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Handler:
    def __init__(self, stub: SmtpStub) -> None:
        self.stub = stub

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.stub.refusals > 0:
            self.stub.refusals -= 1
            return "451 4.3.0 try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.stub.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"


class SmtpStub:
    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"smtp://127.0.0.1:{self.port}"
        self.messages: list[EmailMessage] = []
        self.refusals = 0
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def refuse(self, count: int = 1) -> None:
        self.refusals = count

    def wait(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.messages) >= count, f"{count} message(s) expected, got {self.messages}"
        return self.messages

    def __enter__(self) -> SmtpStub:
        self._controller.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:  # fmt: skip
        self._controller.stop()
