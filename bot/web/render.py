"""Server-rendered pages: one Jinja environment (autoescaped), safe Markdown, two languages."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from bot.web.dates import span_text, when_text, zone_text
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


LANG_COOKIE = "deskbot_lang"


def page_language(request: Request) -> str:
    """'zh' or 'en': ``?lang=`` first (kept in a cookie for the next pages), then the
    browser's preference."""
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return language(request.headers.get("accept-language", ""), chosen)


def texts(lang: str, side: str = "customer") -> Any:
    """``t(key, **values)`` for a page; on staff pages a ``staff_<key>`` text wins."""

    def t(key: str, /, **values: Any) -> str:
        if side == "staff":
            staff = translate(lang, "staff_" + key, **values)
            if staff != "staff_" + key:
                return staff
        return translate(lang, key, **values)

    return t


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
    """Render ``template`` with the organisation, the language and the user's principal.

    ``tz`` (default UTC) is the page's one time zone: ``when(moment)`` formats a time in it and
    the reader's language, ``zone`` names it; ``span(seconds)`` is a coarse length. Staff pages
    (``side="staff"``) take staff wording where it differs from the customer's ("waiting on
    the customer" rather than "waiting on you").
    """
    from bot.web import auth

    ctx = request.app.state.ctx
    lang = page_language(request)
    principal = auth.current(request)
    values.setdefault("section", "")
    tz = values.pop("tz", "UTC")
    side = values.pop("side", "staff" if template.startswith("staff") else "customer")
    now = dt.datetime.now(dt.UTC)
    html = (
        _environment()
        .get_template(template)
        .render(
            org=ctx.config.organisation,
            lang=lang,
            t=texts(lang, side),
            me=principal,
            csrf=auth.csrf_token(ctx, principal) if principal.kind != "visitor" else "",
            now=now,
            tz=tz,
            zone=zone_text(tz, now=now),
            when=lambda moment: when_text(moment, tz, lang, now=now) if moment else "",
            span=lambda seconds: span_text(seconds, lang),
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
    response = HTMLResponse(html, status_code=status, headers=headers)
    if request.query_params.get("lang") in ("en", "zh"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    return response
