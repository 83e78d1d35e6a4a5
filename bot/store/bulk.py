"""Bulk writes: one statement per table, however many rows.

PostgreSQL gets the rows as one JSON parameter that the server expands with
``json_populate_recordset``: the driver binds one value instead of a dozen per row — binding
and parsing thousands of parameters costs psycopg more than the server spends writing the rows.
SQLite gets ``executemany`` (the ``sqlite3`` module binds in C) or, with ``RETURNING``, a
multi-row ``INSERT``.

Rows are mappings of column name to value, as the ORM would take them (aware datetimes for
``UTCDateTime`` columns, dicts and lists for ``JSON`` ones); every row of a call has the same
keys.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Row, Table, TypeDecorator, bindparam, insert, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    skip_conflicts_on: Sequence[str] = (),
    returning: Sequence[str] = (),
) -> list[Row[Any]]:
    """Insert ``rows``; with ``skip_conflicts_on`` (the columns of a unique key) a row that
    would duplicate one already there is skipped (``ON CONFLICT DO NOTHING``, also against a
    concurrent transaction), not an error. Returns the ``returning`` columns of the inserted
    rows, in no particular order."""
    if not rows:
        return []
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        return _pg_insert(session, dialect, table, rows, skip_conflicts_on, returning)
    statement: Any = insert(table)
    if skip_conflicts_on:
        statement = sqlite.insert(table).on_conflict_do_nothing(
            index_elements=list(skip_conflicts_on)
        )
    if not returning:
        session.execute(statement, list(rows))
        return []
    return list(session.execute(statement.returning(*(table.c[n] for n in returning)), list(rows)))


def update_rows(
    session: Session, table: Table, rows: Sequence[Mapping[str, Any]], *, key: Sequence[str]
) -> None:
    """Update the row each item names by its ``key`` columns with the item's other values."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    columns = [n for n in rows[0] if n not in key]
    if dialect.name == "postgresql":
        # Names come from the table's metadata, quoted; values are bound (bandit B608).
        quote = dialect.identifier_preparer.quote
        name = dialect.identifier_preparer.format_table(table)
        sql = (
            f"UPDATE {name} AS t SET {', '.join(f'{quote(c)} = v.{quote(c)}' for c in columns)} "  # nosec B608
            f"FROM json_populate_recordset(NULL::{name}, CAST(:rows AS json)) AS v "
            f"WHERE {' AND '.join(f't.{quote(k)} = v.{quote(k)}' for k in key)}"
        )
        session.execute(text(sql), {"rows": _json_rows(dialect, table, rows)})
        return
    # Bind names must differ from column names in an UPDATE's WHERE and SET.
    statement = (
        update(table)
        .where(*(table.c[k] == bindparam(f"k_{k}") for k in key))
        .values({c: bindparam(f"v_{c}") for c in columns})
    )
    params = [
        {**{f"k_{k}": row[k] for k in key}, **{f"v_{c}": row[c] for c in columns}} for row in rows
    ]
    session.execute(statement, params)


def _pg_insert(
    session: Session,
    dialect: Dialect,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    skip_conflicts_on: Sequence[str],
    returning: Sequence[str],
) -> list[Row[Any]]:
    quote = dialect.identifier_preparer.quote
    name = dialect.identifier_preparer.format_table(table)
    columns = ", ".join(quote(c) for c in rows[0])
    sql = (
        f"INSERT INTO {name} ({columns}) SELECT {columns} "  # nosec B608
        f"FROM json_populate_recordset(NULL::{name}, CAST(:rows AS json))"
    )
    if skip_conflicts_on:
        sql += f" ON CONFLICT ({', '.join(quote(c) for c in skip_conflicts_on)}) DO NOTHING"
    params = {"rows": _json_rows(dialect, table, rows)}
    if not returning:
        session.execute(text(sql), params)
        return []
    sql += f" RETURNING {', '.join(quote(c) for c in returning)}"
    typed = text(sql).columns(*(table.c[n] for n in returning))
    return list(session.execute(typed, params))


def _json_rows(dialect: Dialect, table: Table, rows: Sequence[Mapping[str, Any]]) -> str:
    """The rows as a JSON array whose values PostgreSQL casts to the columns' types."""
    decorated = {
        c.name: c.type for c in table.columns if isinstance(c.type, TypeDecorator)
    }  # e.g. UTCDateTime: aware in, naive UTC out
    out = []
    for row in rows:
        item = {}
        for column, value in row.items():
            if value is not None and column in decorated:
                value = decorated[column].process_bind_param(value, dialect)
            if isinstance(value, dt.datetime | dt.date):
                value = value.isoformat()
            item[column] = value
        out.append(item)
    return json.dumps(out, separators=(",", ":"), ensure_ascii=False)
