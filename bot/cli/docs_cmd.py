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
    from bot.cli.remote import RemoteDocs
    from retrieval import KnowledgeBase

ServerOption = typer.Option(
    None,
    "--server",
    metavar="URL",
    help="Ask a running deskbot service (its model is loaded already); "
    "default: DESKBOT_SERVER_URL, else answer in this process.",
)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("ingest")(ingest)
    app.command("search")(search)
    app.command("ask")(ask)


def _kb(*, sample: bool = True) -> KnowledgeBase:
    from bot.knowledge import build_knowledge, model_export_pending

    current = settings()
    if model_export_pending(current):
        typer.echo(
            f"preparing the embedding model in {current.models_dir} (once; about 20 s)...",
            err=True,
        )
    return build_knowledge(current, ingest_sample=sample)


def _remote(server: str | None) -> RemoteDocs | None:
    """The service to ask: ``--server``, else the configured one, else none (this process)."""
    url = server or settings().server_url
    if not url:
        return None
    from bot.cli.remote import RemoteDocs

    return RemoteDocs(url)


def _over_remote(server: str | None, call: Callable[[RemoteDocs], dict[str, Any]]) -> Any:
    """The service's answer; ``None`` when only the configured service is down (then this
    process answers). A service named by ``--server`` that is down is an error."""
    remote = _remote(server)
    if remote is None:
        return None
    from bot.cli.remote import ServerUnreachable

    try:
        return call(remote)
    except ServerUnreachable as exc:
        if server:
            raise
        typer.echo(f"note: {exc}; answering here instead", err=True)
        return None


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    if not enabled:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        "ETA",
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(phase: str, done: int, total: int) -> None:
            label = {"read": "reading files", "embed": "embedding passages"}.get(phase, phase)
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
    server: str = ServerOption,
    json_out: bool = JsonOption,
) -> None:
    """Retrieval only: the best passages for a query, one per section."""
    from bot.knowledge import hit_payload

    result: dict[str, Any] | None = None
    with user_errors():
        if not batch:
            _require(query, "query")
            result = _over_remote(
                server, lambda r: r.search(query, k=k, platform=platform, product=product)
            )
        if result is None:
            from retrieval import SearchFilters

            filters = (
                SearchFilters(platform=platform, product=product) if platform or product else None
            )
            kb = _kb()

            def one(text: str) -> dict[str, Any]:
                return {"results": [hit_payload(h) for h in kb.search(text, k=k, filters=filters)]}

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
    server: str = ServerOption,
    json_out: bool = JsonOption,
) -> None:
    """Answer from the docs with citations, or say the docs do not cover it (handoff)."""
    from bot.knowledge import answer_payload

    with user_errors():
        if not batch:
            _require(question, "question")
            # --batch stays in this process: it loads the model once for all its questions.
            served = _over_remote(server, lambda r: r.ask(question))
            if served is not None:
                _print_served_answer(served, json_out=json_out)
                return
        kb = _kb()
        if batch:
            _batch(lambda text: answer_payload(kb.ask(text)))
            return
        if json_out:
            emit_json(answer_payload(kb.ask(question)))
            return
        stream = kb.ask_stream(question)
        for piece in stream:
            typer.echo(piece, nl=False)
        typer.echo("")
        final = stream.result()
    typer.echo(
        f"\nconfidence {final.confidence:.2f}" + ("  → handed to a human" if final.handoff else "")
    )


def _print_served_answer(payload: dict[str, Any], *, json_out: bool) -> None:
    if json_out:
        emit_json(payload)
        return
    typer.echo(str(payload.get("answer", "")))
    confidence = float(payload.get("confidence") or 0.0)
    handoff = bool(payload.get("handoff"))
    typer.echo(f"\nconfidence {confidence:.2f}" + ("  → handed to a human" if handoff else ""))
