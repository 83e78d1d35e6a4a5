"""Incremental ingestion: hash every file, re-chunk and re-embed only what changed, drop what
disappeared, keep both indexes and the chunk store in step.

A pipeline: files are hashed first (unchanged ones are done), the changed ones are parsed,
chunked and tokenised by worker processes (:mod:`retrieval.ingest_parse`) while this process
embeds, in batches, what they finished. Progress is reported per phase: ``read`` (files,
known up front) and ``embed`` (passages, a total that grows as parsing finds them).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval.chunker import embed_text
from retrieval.embedder import Embedder
from retrieval.lexical import LexicalIndex
from retrieval.store import ChunkStore, FileRecord
from retrieval.types import Chunk, IngestReport, Skipped
from retrieval.vector_index import VectorIndex

if TYPE_CHECKING:  # the loaders (YAML, HTML) and the worker pool load when an ingest runs
    from retrieval.ingest_parse import ParseJob

# Bumped when loaders, the chunker or the tokenizer change, so every file is re-read once
# after an upgrade.
PIPELINE_VERSION = "13"
# Passages per embedding call: large enough that sorting by length keeps padding small.
EMBED_BATCH = 512

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SourceConfig:
    """A documentation folder (or one file) and the live site its pages are published at."""

    root: Path
    url_base: str | None = None


def _files(root: Path, only: Callable[[Path], bool] | None) -> list[Path]:
    from retrieval.loaders import is_document

    if root.is_file():
        return [root] if is_document(root) else []
    files = [
        p
        for p in root.rglob("*")
        if p.is_file()
        and is_document(p)
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]
    return sorted(p for p in files if only is None or only(p))


class _Embedding:
    """Batches of passages and page summaries on their way into the two indexes."""

    def __init__(
        self,
        *,
        embedder: Embedder,
        vectors: VectorIndex,
        lexical: LexicalIndex,
        progress: Progress | None,
    ) -> None:
        self.embedder = embedder
        self.vectors = vectors
        self.lexical = lexical
        self.progress = progress
        self.chunks: list[tuple[Chunk, list[str]]] = []
        self.pages: list[tuple[str, str]] = []
        self.queued = 0
        self.done = 0
        self.computed = 0  # passages the model embedded (the rest came from a vector cache)

    def add(self, chunks: list[tuple[Chunk, list[str]]], page: tuple[str, str] | None) -> None:
        self.chunks.extend(chunks)
        self.queued += len(chunks)
        if page is not None:
            self.pages.append(page)
        if len(self.chunks) >= EMBED_BATCH:
            self.flush_chunks()
        if len(self.pages) >= EMBED_BATCH:
            self.flush_pages()

    def flush_chunks(self) -> None:
        batch, self.chunks = self.chunks, []
        if not batch:
            return
        multilingual = self.embedder.multilingual
        before = getattr(self.embedder, "computed", None)
        matrix = self.embedder.embed_documents(
            [embed_text(c, multilingual=multilingual) for c, _ in batch]
        )
        # A caching embedder says how many it really computed; any other computed them all.
        after = getattr(self.embedder, "computed", None)
        if isinstance(before, int) and isinstance(after, int):
            self.computed += after - before
        else:
            self.computed += len(batch)
        self.vectors.upsert([c.id for c, _ in batch], matrix)
        self.lexical.add((c.id, tokens) for c, tokens in batch)
        self.done += len(batch)
        if self.progress:
            self.progress("embed", self.done, self.queued)

    def flush_pages(self) -> None:
        batch, self.pages = self.pages, []
        if batch:
            self.vectors.upsert(
                [p[0] for p in batch], self.embedder.embed_documents([p[1] for p in batch])
            )

    def finish(self) -> None:
        self.flush_pages()
        self.flush_chunks()


def _jobs(
    source: SourceConfig,
    files: list[Path],
    known: dict[str, FileRecord],
    report: IngestReport,
    progress: Progress | None,
) -> list[ParseJob]:
    """Hash every file; the changed ones become jobs (unchanged ones are counted and done)."""
    from retrieval.ingest_parse import ParseJob

    root = source.root.resolve()
    base = root.parent if root.is_file() else root
    root_key = f"{root}|{source.url_base or ''}"
    jobs = []
    for number, path in enumerate(files, start=1):
        rel = path.relative_to(base).as_posix()
        report.files += 1
        digest = hashlib.sha1(path.read_bytes()).hexdigest()
        record = known.get(rel)
        if record is not None and record.hash == digest:
            report.unchanged += 1
            if progress:
                progress("read", number, len(files))
            continue
        jobs.append(
            ParseJob(
                path=path,
                rel=rel,
                root=root if root.is_dir() else base,
                root_key=root_key,
                url_base=source.url_base,
                digest=digest,
            )
        )
    return jobs


def ingest(
    sources: Sequence[SourceConfig],
    *,
    store: ChunkStore,
    embedder: Embedder,
    vectors: VectorIndex,
    lexical: LexicalIndex,
    lexical_path: Path,
    only: Callable[[Path], bool] | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> IngestReport:
    """Bring the indexes in step with ``sources``. ``workers``: parser processes (0: none)."""
    from retrieval.ingest_parse import parse_all

    started = time.perf_counter()
    report = IngestReport()
    stale: list[str] = []
    pending_ids: set[str] = set()
    embedding = _Embedding(embedder=embedder, vectors=vectors, lexical=lexical, progress=progress)
    for source in sources:
        root = source.root.resolve()
        if not root.exists():
            raise FileNotFoundError(f"no such folder: {source.root}")
        root_key = f"{root}|{source.url_base or ''}"
        known = store.files(root_key)
        files = _files(root, only)
        jobs = _jobs(source, files, known, report, progress)
        read = report.unchanged
        for parsed in parse_all(jobs, workers=workers):
            read += 1
            if progress:
                progress("read", read, len(files))
            job = parsed.job
            if parsed.error is not None:
                report.skipped.append(Skipped(path=job.rel, reason=parsed.error))
                continue
            record = known.get(job.rel)
            chunks, page_id = parsed.chunks, parsed.page_id
            if record is not None and record.page_id and record.page_id != page_id:
                stale.append(record.page_id)
                store.pages.pop(record.page_id, None)
            page = None
            if chunks and (record is None or record.page_id != page_id):
                page = (page_id, parsed.page_text)
            old_ids = set(record.chunk_ids) if record else set()
            stale.extend(old_ids - {c.id for c in chunks})
            fresh = [
                (c, t) for c, t in zip(chunks, parsed.tokens, strict=True) if c.id not in old_ids
            ]
            pending_ids.update(c.id for c, _ in fresh)
            store.put_file(
                root_key, job.rel, job.digest, chunks, page_id if chunks else "", parsed.links
            )
            embedding.add(fresh, page)
            if record is None:
                report.added += 1
            else:
                report.updated += 1
        base = root.parent if root.is_file() else root
        present = {p.relative_to(base).as_posix() for p in files}
        for rel, record in known.items():
            if rel not in present:
                stale.extend(record.chunk_ids)
                if record.page_id:
                    stale.append(record.page_id)
                store.delete_file(root_key, rel, record.page_id)
                report.removed += 1
    embedding.finish()
    # A passage that moved between files is stale in one and pending in the other: keep it.
    stale = [cid for cid in dict.fromkeys(stale) if cid not in pending_ids]
    if stale:
        vectors.delete(stale)
        lexical.remove(stale)
        store.delete_chunks(stale)
    report.embedded = embedding.computed
    store.commit()
    if pending_ids or stale or not lexical_path.exists():
        lexical.save(lexical_path)
    vectors.save()
    report.chunks = len(store.chunks)
    report.seconds = time.perf_counter() - started
    return report
