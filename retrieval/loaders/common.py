"""Helpers shared by the loaders."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

# Checked in this order: a UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class LoadError(Exception):
    """A file could not be read as documentation; the message says why."""


def slugify(text: str) -> str:
    """GitHub-style heading anchor: lowercase, punctuation dropped, spaces to dashes."""
    slug = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return re.sub(r"\s+", "-", slug)


def read_text(path: Path) -> str:
    """A text file's contents, in the encoding it was saved in (see :func:`decode_text`)."""
    return decode_text(path.read_bytes())


def decode_text(data: bytes) -> str:
    """Text from bytes as editors save it: a byte-order mark says the encoding (and is
    dropped: Notepad's UTF-8 mark would hide a front matter's first "---"); else UTF-8; else
    the encoding ``charset_normalizer`` recognises, such as the GBK that Chinese Windows
    editors and Excel's "CSV" write. Raises :class:`LoadError` for binary data."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise LoadError(f"not {codec} text despite its mark: {exc.reason}") from exc
    if b"\x00" in data[:4096]:
        raise LoadError("binary file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # lazy: only files that are not UTF-8

    best = from_bytes(data).best()
    if best is None:
        raise LoadError("not text in an encoding we recognise: save it as UTF-8")
    return str(best)
