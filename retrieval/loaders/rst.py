"""reStructuredText, rendered by docutils to HTML and read by the HTML loader."""

from __future__ import annotations

from pathlib import Path

from retrieval.loaders.common import LoadError, read_text
from retrieval.loaders.html import parse_html
from retrieval.types import Document


def load_rst(path: Path, *, source: str, root: Path) -> Document:
    from docutils.core import publish_parts  # lazy: docutils is only needed for .rst

    raw = read_text(path)
    try:
        parts = publish_parts(
            raw,
            writer="html5",
            settings_overrides={
                "report_level": 5,
                "halt_level": 5,
                "file_insertion_enabled": False,
                "raw_enabled": False,
                "initial_header_level": 2,
            },
        )
    except Exception as exc:  # docutils raises many types on malformed input
        raise LoadError(f"bad reStructuredText: {exc}") from exc
    title = str(parts.get("title") or "")
    html = f"<body>{parts.get('html_subtitle', '')}{parts['body']}</body>"
    return parse_html(html, source=source, fallback_title=path.stem, title=title)
