"""``deskbot triage``: classify one message (or JSON lines with ``--batch``) from stdin.

Kept light: imports only pydantic-based triage modules; LangChain loads only when an LLM
endpoint is configured and the engine is first used.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import typer

from bot.cli.common import JsonOption, emit_json, fail, settings, user_errors
from bot.errors import InvalidInput

if TYPE_CHECKING:
    from bot.triage.engine import TriageEngine
    from bot.triage.models import TriageResult

TIERS = ("free", "basic", "pro", "enterprise")
ENGINES = ("auto", "offline", "llm")


def register(app: typer.Typer) -> None:
    """Add ``deskbot triage`` to the root app."""
    app.command("triage")(triage)


def _check_tier(tier: str) -> str:
    if tier not in TIERS:
        raise InvalidInput(f"--tier {tier!r} is not one of {', '.join(TIERS)}")
    return tier


def _engine(choice: str) -> TriageEngine:
    from bot.triage.factory import build_engine

    if choice not in ENGINES:
        raise InvalidInput(f"--engine {choice!r} is not one of {', '.join(ENGINES)}")
    return build_engine(settings(), engine=choice)  # type: ignore[arg-type]


def _print_text(result: TriageResult) -> None:
    typer.echo(f"kind: {result.kind}   priority: {result.priority}")
    typer.echo(f"reason: {result.reason}")
    for name, value in result.fields.model_dump().items():
        if value:
            first = str(value).splitlines()[0]
            typer.echo(f"  {name}: {first[:100]}")
    if result.ticket_ref:
        typer.echo(f"ticket: {result.ticket_ref}")
    if result.missing:
        typer.echo(f"missing: {', '.join(result.missing)}")
    if result.follow_up:
        typer.echo("")
        typer.echo(result.follow_up)


def _batch(engine: TriageEngine, default_tier: str, lines: list[str]) -> int:
    """One JSON result per input line; a bad line gets an error object, not an abort."""
    from bot.triage.engine import TriageRequest

    failures = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        ident: Any = None
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise InvalidInput("each line must be a JSON object")
            ident = item.get("id", number)
            text = item.get("text")
            if not isinstance(text, str):
                raise InvalidInput('missing "text" string')
            tier = _check_tier(str(item.get("tier") or default_tier))
            result = engine.triage(TriageRequest(text=text, tier=tier))  # type: ignore[arg-type]
            emit_json({"id": ident, **result.contract()})
        except (InvalidInput, json.JSONDecodeError) as exc:
            failures += 1
            emit_json({"id": ident if ident is not None else number, "error": str(exc)})
    return failures


def triage(
    tier: str = typer.Option("pro", "--tier", help="Account tier: free, basic, pro, enterprise."),
    batch: bool = typer.Option(
        False, "--batch", help='Read JSON lines {"id", "text", "tier"?}; write one JSON line each.'
    ),
    engine: str = typer.Option("auto", "--engine", help="auto (LLM if configured), offline, llm."),
    as_json: bool = JsonOption,
) -> None:
    """Triage a message read on stdin: kind, priority, fields, missing, follow-up."""
    with user_errors():
        _check_tier(tier)
        data = sys.stdin.read()
        if not data.strip():
            raise fail("empty input: pipe a message (or JSON lines with --batch) on stdin", 2)
        chosen = _engine(engine)
        if batch:
            _batch(chosen, tier, data.splitlines())
            return
        from bot.triage.engine import TriageRequest

        result = chosen.triage(TriageRequest(text=data, tier=tier))  # type: ignore[arg-type]
        if as_json:
            emit_json(result.contract())
        else:
            _print_text(result)
