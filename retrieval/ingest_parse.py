"""The per-file half of ingestion: read, parse, chunk and tokenise one file.

Pure work on one file, with nothing shared, so it runs in a pool of worker processes while the
main process embeds what the workers already finished (see :mod:`retrieval.ingest`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.chunker import chunk_document, lexical_text, page_summary
from retrieval.links import extract_links
from retrieval.loaders import LoadError, load_document
from retrieval.tokenizer import tokenize
from retrieval.types import Chunk

# Below this many files to parse, starting worker processes costs more than it saves.
POOL_MIN_FILES = 24


@dataclass(frozen=True)
class ParseJob:
    path: Path
    rel: str  # the path the citations show, relative to the ingested folder
    root: Path  # the folder relative links and includes resolve against
    root_key: str  # the source's identity in the chunk store
    url_base: str | None
    digest: str  # content hash, known before parsing (unchanged files are never parsed)


@dataclass(frozen=True)
class ParsedFile:
    job: ParseJob
    chunks: list[Chunk] = field(default_factory=list)
    tokens: list[list[str]] = field(default_factory=list)  # BM25 tokens, one list per chunk
    page_id: str = ""
    page_text: str = ""
    links: list[str] = field(default_factory=list)
    error: str | None = None  # the loader's reason when the file cannot be read


def parse_file(job: ParseJob) -> ParsedFile:
    data = job.path.read_bytes()
    try:
        doc = load_document(job.path, source=job.rel, root=job.root)
        chunks = chunk_document(doc, url_base=job.url_base)
    except LoadError as exc:
        return ParsedFile(job=job, error=str(exc))
    page_text = page_summary(doc)
    page_id = (
        "page-" + hashlib.sha1(f"{job.root_key}|{job.rel}|{page_text}".encode()).hexdigest()[:20]
    )
    return ParsedFile(
        job=job,
        chunks=chunks,
        tokens=[tokenize(lexical_text(c)) for c in chunks],
        page_id=page_id,
        page_text=page_text,
        links=extract_links(data.decode("utf-8", errors="replace"), source=job.rel),
    )


def default_workers() -> int:
    """One core is left to the embedding model, which runs alongside the parsers."""
    return max(1, min(4, (os.cpu_count() or 1) - 1))


def parse_all(jobs: list[ParseJob], *, workers: int | None = None) -> Iterator[ParsedFile]:
    """Parsed files in job order, each as soon as it and those before it are done.

    With ``workers`` > 0 (default: :func:`default_workers`) and enough files, parsing runs in
    worker processes, ahead of the caller; ``workers=0`` parses in this process, one file at a
    time as the caller asks. Should the pool break, the rest is parsed here.
    """
    count = default_workers() if workers is None else workers
    if count <= 0 or len(jobs) < POOL_MIN_FILES:
        yield from (parse_file(job) for job in jobs)
        return
    from concurrent.futures.process import BrokenProcessPool

    pool = make_pool(count)
    done = 0
    try:
        for parsed in pool.map(parse_file, jobs, chunksize=4):
            done += 1
            yield parsed
    except BrokenProcessPool:
        # A worker died: killed for memory, or a script without an ``if __name__ ==
        # "__main__"`` guard that spawn re-ran in the worker, which then failed to start.
        yield from (parse_file(job) for job in jobs[done:])
    finally:
        # An interrupted ingest leaves no parser running on behind it.
        pool.shutdown(wait=True, cancel_futures=True)


def make_pool(count: int) -> Executor:
    """Worker processes started by spawn, not fork: the parent holds ONNX Runtime's and
    BLAS's threads, and fork would copy their locks in whatever state they happen to be."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"))
