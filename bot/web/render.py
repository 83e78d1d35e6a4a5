"""Server-rendered pages: one Jinja environment (autoescaped), safe Markdown, two languages."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from bot.web.i18n import language, translate

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["markdown"] = markdown
    env.filters["iso"] = lambda when: when.isoformat() if when else ""
    return env


@lru_cache(maxsize=1)
def _markdown_renderer() -> Any:
    from markdown_it import MarkdownIt

    # html=False escapes raw HTML in docs and messages; markdown-it also refuses
    # javascript:/vbscript:/data: links.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(
        "table"
    )


def markdown(text: str | None) -> Markup:
    # The renderer escapes any HTML in the text (bandit B704 cannot see that).
    return Markup(_markdown_renderer().render(text or ""))  # nosec B704


def page(
    request: Request,
    template: str,
    *,
    status: int = 200,
    embeddable: bool = False,
    **values: Any,
) -> HTMLResponse:
    """Render ``template`` with the organisation, the language and the user's principal."""
    from bot.web import auth

    ctx = request.app.state.ctx
    lang = language(request.headers.get("accept-language", ""), request.query_params.get("lang"))
    principal = auth.current(request)
    values.setdefault("section", "")
    html = (
        _environment()
        .get_template(template)
        .render(
            org=ctx.config.organisation,
            lang=lang,
            t=lambda key, **kw: translate(lang, key, **kw),
            me=principal,
            csrf=auth.csrf_token(ctx, principal) if principal.kind != "visitor" else "",
            now=dt.datetime.now(dt.UTC),
            **values,
        )
    )
    # Only our own scripts and styles; inline style attributes are used for progress bars.
    # Only the chat page may be framed (the widget); staff forms never (clickjacking).
    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
        f"frame-ancestors {'*' if embeddable else chr(39) + 'none' + chr(39)}"
    )
    headers = {
        "Cache-Control": "no-store",
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    return HTMLResponse(html, status_code=status, headers=headers)
