"""``deskbot digest [--csm ID] [--date D] [--send] [--json]``: the CSM morning digest."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import typer

from bot.cli.common import JsonOption, emit_json, fail, settings, user_errors


def register(app: typer.Typer) -> None:
    app.command("digest")(digest)


def parse_day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(f"--date must be a date like 2026-11-18, not {text!r}", 2) from None


def parse_now(text: str | None) -> dt.datetime:
    """The current time, or the one given (tests and demos pin it); naive means UTC."""
    if text is None:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise fail(f"--now must be an ISO 8601 time, not {text!r}", 2) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _iso(value: Any) -> Any:
    """Dates and times as ISO 8601 strings, everything else as it is."""
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_iso(v) for v in value]
    if isinstance(value, dt.date):  # datetimes are dates too
        return value.isoformat()
    return value


def digest(
    csm: str | None = typer.Option(None, "--csm", help="One CSM's id; default: every CSM."),
    date: str | None = typer.Option(
        None, "--date", help="The CSM-local day (YYYY-MM-DD), rendered as of its digest time."
    ),
    send: bool = typer.Option(
        False, "--send", help="Send it now (once per day), whatever the time of day."
    ),
    force: bool = typer.Option(
        False, "--force", help="With --send: send the day again (after a failed delivery)."
    ),
    now_text: str | None = typer.Option(None, "--now", hidden=True, help="Pin the clock."),
    as_json: bool = JsonOption,
) -> None:
    """Render the morning digest as Markdown (or JSON), or send it to each CSM."""
    from bot.context import build_context
    from bot.digest import (
        build_digest,
        csm_people,
        digest_moment,
        render_markdown,
        send_digest,
    )

    day = parse_day(date)
    now = parse_now(now_text)
    with user_errors():
        ctx = build_context(settings())
        people = csm_people(ctx.config)
        if csm is not None:
            people = [p for p in people if p.id == csm]
            if not people:
                raise fail(f"no CSM {csm!r} (see `deskbot config show`)", 2)
        digest_time = ctx.config.organisation.digest_time
        rendered: list[dict[str, Any]] = []
        texts: list[str] = []
        for person in people:
            local_day = day or now.astimezone(ZoneInfo(person.timezone)).date()
            as_of = digest_moment(person, day, digest_time=digest_time) if day else now
            if send:
                sent = send_digest(
                    ctx, person.id, day=local_day, now=now, as_of=as_of, force=force,
                    deliver=True,
                )  # fmt: skip
                if sent is None:
                    rendered.append({"csm": person.id, "day": str(local_day), "sent": False})
                    texts.append(
                        f"{person.id}: the digest for {local_day} was sent already "
                        "(--force sends it again)"
                    )
                else:
                    rendered.append(_iso({**dataclasses.asdict(sent),
                                          "sent": sent.status == "sent"}))  # fmt: skip
                    verb = {"sent": "sent", "failed": "FAILED", "queued": "queued (will retry)"}
                    texts.append(
                        f"{person.id}: {sent.pages} message(s) for {local_day} "
                        f"{verb[sent.status]} via {sent.transport} to {sent.target}"
                    )
                continue
            result = build_digest(ctx, person.id, as_of=as_of, day=local_day)
            rendered.append(_iso(dataclasses.asdict(result)))
            texts.append(render_markdown(result))
    if as_json:
        emit_json({"sent" if send else "digests": rendered})
        return
    if not texts:
        typer.echo("no CSMs in the organisation file")
    typer.echo("\n".join(texts).rstrip())
