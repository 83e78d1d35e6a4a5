"""Incremental ingestion: hash every file, re-chunk and re-embed only what changed, drop what
disappeared, keep both indexes and the chunk store in step."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.chunker import chunk_document, embed_text, lexical_text, page_summary
from retrieval.embedder import Embedder
from retrieval.lexical import LexicalIndex
from retrieval.links import extract_links
from retrieval.loaders import LoadError, is_document, load_document
from retrieval.store import ChunkStore
from retrieval.tokenizer import tokenize
from retrieval.types import Chunk, IngestReport, Skipped
from retrieval.vector_index import VectorIndex

# Bumped when loaders, the chunker or the tokenizer change, so every file is re-read once
# after an upgrade.
PIPELINE_VERSION = "13"
EMBED_BATCH = 256

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SourceConfig:
    """A documentation folder (or one file) and the live site its pages are published at."""

    root: Path
    url_base: str | None = None


def _files(root: Path, only: Callable[[Path], bool] | None) -> list[Path]:
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
) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport()
    pending: list[Chunk] = []
    stale: list[str] = []
    pending_pages: list[tuple[str, str]] = []
    for source in sources:
        root = source.root.resolve()
        base = root.parent if root.is_file() else root
        root_key = f"{root}|{source.url_base or ''}"
        known = store.files(root_key)
        files = _files(root, only)
        if not root.exists():
            raise FileNotFoundError(f"no such folder: {source.root}")
        seen: set[str] = set()
        for number, path in enumerate(files, start=1):
            if progress:
                progress("read", number, len(files))
            rel = path.relative_to(base).as_posix()
            seen.add(rel)
            report.files += 1
            data = path.read_bytes()
            digest = hashlib.sha1(data).hexdigest()
            record = known.get(rel)
            if record is not None and record.hash == digest:
                report.unchanged += 1
                continue
            try:
                doc = load_document(path, source=rel, root=root if root.is_dir() else base)
                chunks = chunk_document(doc, url_base=source.url_base)
            except LoadError as exc:
                report.skipped.append(Skipped(path=rel, reason=str(exc)))
                continue
            page_text = page_summary(doc)
            page_id = (
                "page-" + hashlib.sha1(f"{root_key}|{rel}|{page_text}".encode()).hexdigest()[:20]
            )
            if record is not None and record.page_id and record.page_id != page_id:
                stale.append(record.page_id)
                store.pages.pop(record.page_id, None)
            if chunks and (record is None or record.page_id != page_id):
                pending_pages.append((page_id, page_text))
            old_ids = set(record.chunk_ids) if record else set()
            new_ids = {c.id for c in chunks}
            stale.extend(old_ids - new_ids)
            pending.extend(c for c in chunks if c.id not in old_ids)
            links = extract_links(data.decode("utf-8", errors="replace"), source=rel)
            store.put_file(root_key, rel, digest, chunks, page_id if chunks else "", links)
            if record is None:
                report.added += 1
            else:
                report.updated += 1
        for rel, record in known.items():
            if rel not in seen:
                stale.extend(record.chunk_ids)
                if record.page_id:
                    stale.append(record.page_id)
                store.delete_file(root_key, rel, record.page_id)
                report.removed += 1
    pending_ids = {c.id for c in pending}
    stale = [cid for cid in dict.fromkeys(stale) if cid not in pending_ids]
    if stale:
        vectors.delete(stale)
        lexical.remove(stale)
        store.delete_chunks(stale)
    for start in range(0, len(pending_pages), EMBED_BATCH):
        pages = pending_pages[start : start + EMBED_BATCH]
        vectors.upsert([p[0] for p in pages], embedder.embed_documents([p[1] for p in pages]))
    before = getattr(embedder, "computed", 0)
    for start in range(0, len(pending), EMBED_BATCH):
        batch = pending[start : start + EMBED_BATCH]
        matrix = embedder.embed_documents(
            [embed_text(c, multilingual=embedder.multilingual) for c in batch]
        )
        vectors.upsert([c.id for c in batch], matrix)
        lexical.add((c.id, tokenize(lexical_text(c))) for c in batch)
        if progress:
            progress("embed", min(start + EMBED_BATCH, len(pending)), len(pending))
    report.embedded = getattr(embedder, "computed", 0) - before if pending else 0
    if not hasattr(embedder, "computed"):
        report.embedded = len(pending)
    store.commit()
    if pending or stale or not lexical_path.exists():
        lexical.save(lexical_path)
    report.chunks = len(store.chunks)
    report.seconds = time.perf_counter() - started
    return report
