"""The support mailbox over IMAP (``imapclient``): new messages are read, answered and then
flagged ``\\Seen``; between checks the poller waits in IDLE when the server offers it (mail
is answered as it arrives), else for ``DESKBOT_IMAP_POLL`` seconds."""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable
from typing import Any

from bot.email.address import ServerAddress, parse_server_url

log = logging.getLogger("deskbot.email")
Handler = Callable[[bytes], object]
IDLE_MAX = 25 * 60  # servers drop IDLE after ~30 minutes: renew it before
ATTEMPTS = 3  # checks a message may fail in before it is set aside for a person


class Mailbox:
    """One IMAP connection to the support folder, opened on first use."""

    def __init__(
        self, server: ServerAddress, *, timeout: float = 30.0, context: ssl.SSLContext | None = None
    ) -> None:
        self.server = server
        self.timeout = timeout
        self.context = context
        self._client: Any = None

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Mailbox:
        return cls(parse_server_url(url, protocol="imap"), **kwargs)

    def client(self) -> Any:
        if self._client is None:
            from imapclient import IMAPClient

            server = self.server
            context = self.context or ssl.create_default_context()
            client = IMAPClient(
                server.host, port=server.port, ssl=server.security == "tls",
                ssl_context=context, timeout=self.timeout,
            )  # fmt: skip
            if server.security == "starttls":
                client.starttls(context)
            client.login(server.user or "", server.password or "")
            client.select_folder(server.folder)
            self._client = client
        return self._client

    def unseen(self) -> list[tuple[int, bytes]]:
        """The messages not read yet, oldest first (without marking them read)."""
        client = self.client()
        uids = sorted(client.search(["UNSEEN"]))
        if not uids:
            return []
        fetched = client.fetch(uids, ["BODY.PEEK[]"])
        return [(uid, fetched[uid][b"BODY[]"]) for uid in uids if uid in fetched]

    def mark_seen(self, uid: int) -> None:
        self.client().add_flags([uid], [b"\\Seen"])

    def set_aside(self, uid: int) -> None:
        """Read and flagged: out of the poller's way, in a person's (\\Flagged is the star)."""
        self.client().add_flags([uid], [b"\\Seen", b"\\Flagged"])

    def can_idle(self) -> bool:
        return b"IDLE" in self.client().capabilities()

    def wait(self, seconds: float, stop: threading.Event) -> None:
        """Until mail arrives (IDLE) or ``seconds`` pass."""
        if stop.is_set():
            return
        if not self.can_idle():
            stop.wait(seconds)
            return
        client = self.client()
        client.idle()
        try:
            client.idle_check(timeout=min(seconds, IDLE_MAX))
        finally:
            client.idle_done()

    def close(self) -> None:
        if self._client is not None:
            try:
                self._client.logout()
            except Exception:  # a dead connection: nothing to log out of
                log.debug("imap logout failed", exc_info=True)
            self._client = None


def _transient(exc: BaseException) -> bool:
    """A failure of the service's infrastructure (database, network), not of one message."""
    from sqlalchemy.exc import SQLAlchemyError

    return isinstance(exc, OSError | SQLAlchemyError)


class MailboxPoller:
    """Reads the mailbox on a thread of its own until stopped."""

    def __init__(self, mailbox: Mailbox, handle: Handler, *, interval: float = 60.0) -> None:
        self.mailbox = mailbox
        self.handle = handle
        self.interval = interval
        self.failures: dict[int, int] = {}  # uid -> failed checks, this process
        self.stop_event = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self) -> int:
        """Handle every unseen message once; how many were handled. A message whose
        handling fails stays unseen and is tried again on the next check; one that failed
        :data:`ATTEMPTS` checks on its own (not with the database or network down) is set
        aside (read and flagged, kept in the mailbox for a person) instead of failing at
        every poll forever."""
        handled = 0
        for uid, raw in self.mailbox.unseen():
            try:
                self.handle(raw)
            except Exception as exc:
                # The database or the network down fails every message alike: those stay
                # unread however long it lasts; only a message that fails on its own is counted.
                failed = 0 if _transient(exc) else self.failures.get(uid, 0) + 1
                self.failures[uid] = failed
                if failed < ATTEMPTS:
                    log.exception("could not handle mail %s; left unread for the next check", uid)
                    continue
                log.exception(
                    "could not handle mail %s in %d checks; flagged in the mailbox for a person",
                    uid, failed,
                )  # fmt: skip
                self.mailbox.set_aside(uid)
                self.failures.pop(uid, None)
                continue
            self.failures.pop(uid, None)
            self.mailbox.mark_seen(uid)
            handled += 1
        return handled

    def run(self) -> None:
        failures = 0
        while not self.stop_event.is_set():
            try:
                self.check()
                self.mailbox.wait(self.interval, self.stop_event)
                failures = 0
            except Exception as exc:
                failures += 1
                log.warning("mailbox check failed (%s); reconnecting", exc)
                self.mailbox.close()
                self.stop_event.wait(min(300.0, self.interval * failures))

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="deskbot-imap", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.stop_event.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.mailbox.close()
