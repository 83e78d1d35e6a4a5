"""Fault injection for the database: make a real engine refuse statements, then heal it.

``Outage(db).down()`` fails every statement (PostgreSQL stopped), ``.read_only()`` fails only
writes (a read-only SQLite file, a standby), ``.heal()`` ends it. The failure is the driver's own
``OperationalError``, raised where the driver would raise it, so everything above (SQLAlchemy,
the stores, ``StoreUnavailable``) sees what a real outage shows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from bot.store.db import Database

_WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER")


class Outage:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.mode: str | None = None
        self.refused = 0
        event.listen(db.engine, "before_cursor_execute", self._check)

    def down(self) -> Outage:
        self.mode = "down"
        return self

    def read_only(self) -> Outage:
        self.mode = "read_only"
        return self

    def heal(self) -> None:
        self.mode = None

    def _check(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if self.mode is None:
            return
        write = statement.lstrip().upper().startswith(_WRITES)
        if self.mode == "down" or write:
            self.refused += 1
            error = conn.dialect.dbapi.OperationalError
            raise error("connection refused (injected outage)")
