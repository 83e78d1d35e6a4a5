"""Slack messages that arrived while the database refused writes, kept on local disk until it
takes them again, so a message Slack was told we received is never lost.

Each message is one JSON file in ``$DESKBOT_HOME/spool/slack/``, written whole and then
renamed into place (a crash leaves either the whole file or none) and fsynced, its text
redacted like everything else we keep. A replay claims a file by renaming it (so two workers
sharing the home never take the same one), hands it to the normal message path, and deletes it
once handled; while the database still refuses, the file goes back and waits for the next try.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import StoreUnavailable
from bot.store.redaction import TextRedactor

log = logging.getLogger("deskbot.slack.spool")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
# What of a Slack message event the message path reads; the rest (blocks repeat the text) is
# not kept.
_EVENT_KEYS = (
    "type", "subtype", "user", "channel", "channel_type", "ts", "thread_ts", "text", "bot_id",
)  # fmt: skip


@dataclass(frozen=True)
class Spooled:
    path: Path
    kind: str
    event: dict[str, Any]
    event_id: str


class Spool:
    def __init__(self, directory: Path, *, redactor: TextRedactor) -> None:
        self.directory = directory
        self.redactor = redactor

    def put(self, *, kind: str, event: dict[str, Any], event_id: str) -> Path:
        """Keep one message durably; returns its file."""
        kept = {k: event[k] for k in _EVENT_KEYS if k in event}
        kept["text"] = self.redactor.redact(str(event.get("text") or ""))
        kept["files"] = [
            {"id": f.get("id"), "name": f.get("name")}
            for f in event.get("files") or []
            if isinstance(f, dict) and f.get("id")
        ]
        record = {"kind": kind, "event_id": event_id, "event": kept, "spooled_at": time.time()}
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}-{_UNSAFE.sub('_', event_id)[:80]}.json"
        final = self.directory / name
        partial = self.directory / f".{name}.{uuid.uuid4().hex}.part"
        with open(partial, "w", encoding="utf-8") as handle:
            json.dump(record, handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, final)
        _sync_dir(self.directory)
        return final

    def pending(self) -> list[Path]:
        """Waiting messages, oldest first."""
        if not self.directory.is_dir():
            return []
        return sorted(p for p in self.directory.glob("*.json") if not p.name.startswith("."))

    def claim(self, path: Path) -> Spooled | None:
        """Take one message for handling; None when another worker took it first."""
        claimed = path.with_suffix(f".{os.getpid()}.{uuid.uuid4().hex[:8]}.work")
        try:
            os.replace(path, claimed)
        except FileNotFoundError:
            return None
        try:
            record = json.loads(claimed.read_text(encoding="utf-8"))
            return Spooled(claimed, str(record["kind"]), dict(record["event"]), record["event_id"])
        except (ValueError, KeyError, TypeError):
            log.error("unreadable spooled slack message kept aside: %s", claimed.name)
            os.replace(claimed, claimed.with_suffix(".bad"))
            return None

    def done(self, item: Spooled) -> None:
        item.path.unlink(missing_ok=True)

    def give_back(self, item: Spooled) -> None:
        original = item.path.name.split(".", 1)[0] + ".json"
        os.replace(item.path, item.path.with_name(original))

    def replay(self, handle: Callable[[Spooled], None]) -> int:
        """Hand each waiting message to ``handle`` in order; stop at the first one the database
        still refuses. Returns how many were handled."""
        handled = 0
        for path in self.pending():
            item = self.claim(path)
            if item is None:
                continue
            try:
                handle(item)
            except StoreUnavailable:
                self.give_back(item)
                break
            except Exception:
                # Handled as far as it could be (the thread got an apology); a crash here
                # must not block the messages behind it.
                log.exception("replaying spooled slack message %s failed", item.event_id)
            self.done(item)
            handled += 1
        return handled


class SpoolWorker:
    """Retries the spool every ``interval`` seconds on its own thread, while there is one."""

    def __init__(self, replay: Callable[[], int], *, interval: float = 10.0) -> None:
        self.replay = replay
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="deskbot-slack-spool", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        # First at start-up (what a previous process kept), then every ``interval``.
        while True:
            try:
                count = self.replay()
            except Exception:
                log.exception("slack spool replay failed")
                count = 0
            if count:
                log.info("answered %d slack messages kept while the database was down", count)
            if self._stop.wait(self.interval):
                return


def _sync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
