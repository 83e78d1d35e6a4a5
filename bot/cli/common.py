"""What every command shares: settings, output as text or JSON, errors as one line."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import typer

from bot.errors import DeskbotError
from bot.settings import Settings, load_settings

T = TypeVar("T")

JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON.")


def settings() -> Settings:
    """The process settings; a bad environment is a user error, not a traceback."""
    with user_errors():
        try:
            return load_settings()
        except Exception as exc:  # pydantic ValidationError names the variable
            raise DeskbotError(f"bad environment settings: {exc}") from exc


def emit_json(payload: Any) -> None:
    """One JSON document on stdout (non-ASCII kept readable)."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one clear line on stderr and return the exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn our exceptions into one line on stderr and the exit code they carry."""
    try:
        yield
    except DeskbotError as exc:
        raise fail(str(exc), exc.exit_code) from None


def run(func: Callable[[], T]) -> T:
    with user_errors():
        return func()
