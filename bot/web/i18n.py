"""UI text in English and Chinese; the browser's language picks (``?lang=`` overrides)."""

from __future__ import annotations

from typing import Any

from bot.web.ui_text import EN, ZH

__all__ = ["EN", "ZH", "language", "translate"]


def language(accept_language: str, override: str | None = None) -> str:
    """'zh' when the browser prefers Chinese (or ``?lang=zh``), else 'en'."""
    if override in ("zh", "en"):
        return override
    best, best_q = "en", -1.0
    for part in accept_language.split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        code = tag.strip().lower()[:2]
        if code in ("zh", "en") and q > best_q:
            best, best_q = code, q
    return best


def translate(lang: str, key: str, /, **values: Any) -> str:
    table = ZH if lang == "zh" else EN
    text = table.get(key) or EN.get(key) or key
    return text.format(**values) if values else text
