"""``deskbot ingest``, ``deskbot search`` and ``deskbot ask`` (with ``--batch`` forms)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from bot.cli.common import JsonOption, emit_json, settings, user_errors
from bot.errors import InvalidInput

if TYPE_CHECKING:
    from retrieval import Answer, KnowledgeBase, SearchHit


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("ingest")(ingest)
    app.command("search")(search)
    app.command("ask")(ask)


def _kb(*, sample: bool = True) -> KnowledgeBase:
    from bot.knowledge import build_knowledge

    return build_knowledge(settings(), ingest_sample=sample)


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(phase: str, done: int, total: int) -> None:
            label = {"read": "reading files", "embed": "embedding chunks"}.get(phase, phase)
            if phase not in tasks:
                tasks[phase] = bar.add_task(label, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        yield update


def ingest(
    paths: list[Path] = typer.Argument(
        None, help="Documentation folders or files; default: the sample knowledge_base/."
    ),
    reset: bool = typer.Option(False, "--reset", help="Drop the index and rebuild it."),
    url_base: str = typer.Option(
        None,
        "--url-base",
        help="Live site of these docs, so citations link to the pages "
        "(default: the base_url of the folder's docs entry in the organisation file).",
    ),
    json_out: bool = JsonOption,
) -> None:
    """Index documentation folders and FAQ files (Markdown, MDX, HTML, rst, text, YAML/CSV FAQ).

    Incremental: only files whose content changed are re-read and re-embedded; deleted files
    are removed from the index.
    """
    from bot.knowledge import configured_url_bases
    from bot.knowledge import ingest as run_ingest
    from bot.settings import SAMPLE_KNOWLEDGE_BASE

    with user_errors():
        targets = list(paths or [SAMPLE_KNOWLEDGE_BASE])
        kb = _kb(sample=False)
        bases = configured_url_bases(settings())
        with _progress(not json_out and sys.stderr.isatty()) as progress:
            report = run_ingest(
                kb, targets, url_base=url_base, url_bases=bases, reset=reset, progress=progress
            )
    if json_out:
        emit_json(report.as_dict())
        return
    typer.echo(
        f"{report.files} files, {report.chunks} chunks in the index "
        f"(added {report.added}, updated {report.updated}, removed {report.removed}, "
        f"unchanged {report.unchanged}) in {report.seconds:.1f}s"
    )
    for skipped in report.skipped:
        typer.echo(f"skipped {skipped.path}: {skipped.reason}", err=True)


def _hit_json(hit: SearchHit) -> dict[str, Any]:
    return {
        "source": hit.source,
        "heading": hit.heading,
        "text": hit.text,
        "score": hit.score,
        "url": hit.url,
    }


def _answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "answer": answer.answer,
        "citations": [
            {"source": c.source, "heading": c.heading, "url": c.url} for c in answer.citations
        ],
        "confidence": round(answer.confidence, 4),
        "handoff": answer.handoff,
        "mode": answer.mode,
    }


def _batch(handle: Callable[[str], dict[str, Any]]) -> None:
    """One JSON line out per JSON line in, each carrying its ``id``; bad lines get an error."""
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        ident: Any = number
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise InvalidInput("each line must be a JSON object")
            ident = item.get("id", number)
            query = item.get("query", item.get("question"))
            if not isinstance(query, str) or not query.strip():
                raise InvalidInput('missing "query" string')
            emit_json({"id": ident, **handle(query)})
        except (json.JSONDecodeError, InvalidInput) as exc:
            emit_json({"id": ident, "error": str(exc)})


def _require(text: str | None, what: str) -> str:
    if text is None or not text.strip():
        raise InvalidInput(f"give a {what} (or --batch to read JSON lines on stdin)")
    return text


def search(
    query: str = typer.Argument(None, help="What to look for."),
    k: int = typer.Option(5, "-k", min=1, max=100, help="Number of results."),
    batch: bool = typer.Option(False, "--batch", help='Read {"id","query"} JSON lines on stdin.'),
    platform: str = typer.Option(None, "--platform", help="Only this platform's pages."),
    product: str = typer.Option(
        None, "--product", help="Only this product's pages (front matter `product:`)."
    ),
    json_out: bool = JsonOption,
) -> None:
    """Retrieval only: the best passages for a query, one per section."""
    from retrieval import SearchFilters

    filters = SearchFilters(platform=platform, product=product) if platform or product else None
    with user_errors():
        if not batch:
            _require(query, "query")
        kb = _kb()

        def one(text: str) -> dict[str, Any]:
            return {"results": [_hit_json(h) for h in kb.search(text, k=k, filters=filters)]}

        if batch:
            _batch(one)
            return
        result = one(query)
    if json_out:
        emit_json(result)
        return
    if not result["results"]:
        typer.echo("no results")
    for number, hit in enumerate(result["results"], start=1):
        typer.echo(f"[{number}] {hit['source']} › {hit['heading']}  ({hit['score']:.4f})")
        snippet = " ".join(hit["text"].split())[:200]
        typer.echo(f"    {snippet}")


def ask(
    question: str = typer.Argument(None, help="The question, in your own words."),
    batch: bool = typer.Option(False, "--batch", help='Read {"id","query"} JSON lines on stdin.'),
    json_out: bool = JsonOption,
) -> None:
    """Answer from the docs with citations, or say the docs do not cover it (handoff)."""
    with user_errors():
        if not batch:
            _require(question, "question")
        kb = _kb()
        if batch:
            _batch(lambda text: _answer_json(kb.ask(text)))
            return
        if json_out:
            emit_json(_answer_json(kb.ask(question)))
            return
        stream = kb.ask_stream(question)
        for piece in stream:
            typer.echo(piece, nl=False)
        typer.echo("")
        final = stream.result()
    typer.echo(
        f"\nconfidence {final.confidence:.2f}" + ("  → handed to a human" if final.handoff else "")
    )
