"""What was ingested: files with their content hash and chunk ids, and the chunks themselves.

One SQLite file under the index folder; all chunks are also held in memory once loaded, since
search needs their text and metadata on every query.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.types import Chunk

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    root TEXT NOT NULL, path TEXT NOT NULL, hash TEXT NOT NULL, chunk_ids TEXT NOT NULL,
    page_id TEXT NOT NULL DEFAULT '', links TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (root, path)
);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY, root TEXT NOT NULL, source TEXT NOT NULL, title TEXT NOT NULL,
    heading_path TEXT NOT NULL, text TEXT NOT NULL, url TEXT, metadata TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class FileRecord:
    root: str
    path: str
    hash: str
    chunk_ids: list[str]
    page_id: str = ""


class ChunkStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(files)")}
        if "page_id" not in columns:  # an index written before page vectors existed
            self._db.execute("ALTER TABLE files ADD COLUMN page_id TEXT NOT NULL DEFAULT ''")
        if "links" not in columns:  # ... or before links were kept (filled on re-ingest)
            self._db.execute("ALTER TABLE files ADD COLUMN links TEXT NOT NULL DEFAULT '[]'")
        self.chunks: dict[str, Chunk] = {}
        # page vector id -> (source, first chunk id): lets a page-level match lift its chunks
        self.pages: dict[str, tuple[str, str]] = {}
        # source -> the pages it links to (see retrieval.links); ``link_generation`` counts
        # changes, so what is computed from the links is recomputed only when they change
        self.links: dict[str, list[str]] = {}
        self.link_generation = 0
        rows = self._db.execute("SELECT path, chunk_ids, page_id, links FROM files")
        for path_, ids, page_id, links in rows:
            first = json.loads(ids)
            if page_id and first:
                self.pages[page_id] = (path_, first[0])
            self.links[path_] = json.loads(links)
        for row in self._db.execute(
            "SELECT id, source, title, heading_path, text, url, metadata, content_hash FROM chunks"
        ):
            chunk = Chunk(
                id=row[0],
                source=row[1],
                title=row[2],
                heading_path=tuple(json.loads(row[3])),
                text=row[4],
                url=row[5],
                metadata=json.loads(row[6]),
                content_hash=row[7],
            )
            self.chunks[chunk.id] = chunk

    def files(self, root: str) -> dict[str, FileRecord]:
        rows = self._db.execute(
            "SELECT root, path, hash, chunk_ids, page_id FROM files WHERE root = ?", (root,)
        ).fetchall()
        return {r[1]: FileRecord(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows}

    def file_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM files").fetchone()[0])

    def put_file(
        self,
        root: str,
        path: str,
        file_hash: str,
        chunks: list[Chunk],
        page_id: str = "",
        links: Sequence[str] = (),
    ) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO files (root, path, hash, chunk_ids, page_id, links)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (root, path, file_hash, json.dumps([c.id for c in chunks]), page_id, json.dumps(links)),
        )
        self.links[path] = list(links)
        self.link_generation += 1
        if page_id and chunks:
            self.pages[page_id] = (path, chunks[0].id)
        self._db.executemany(
            "INSERT OR REPLACE INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    c.id,
                    root,
                    c.source,
                    c.title,
                    json.dumps(list(c.heading_path), ensure_ascii=False),
                    c.text,
                    c.url,
                    json.dumps(c.metadata, ensure_ascii=False),
                    c.content_hash,
                )
                for c in chunks
            ],
        )
        for chunk in chunks:
            self.chunks[chunk.id] = chunk

    def delete_file(self, root: str, path: str, page_id: str = "") -> None:
        self.pages.pop(page_id, None)
        self.links.pop(path, None)
        self.link_generation += 1
        self._db.execute("DELETE FROM files WHERE root = ? AND path = ?", (root, path))

    def delete_chunks(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        self._db.executemany("DELETE FROM chunks WHERE id = ?", [(i,) for i in ids])
        for chunk_id in ids:
            self.chunks.pop(chunk_id, None)

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def clear(self) -> None:
        self._db.executescript("DELETE FROM files; DELETE FROM chunks; DELETE FROM meta;")
        self.chunks.clear()
        self.pages.clear()
        self.links.clear()
        self.link_generation += 1

    def commit(self) -> None:
        self._db.commit()

    def close(self) -> None:
        self._db.close()
