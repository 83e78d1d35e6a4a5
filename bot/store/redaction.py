"""What the store keeps of a text or a file: the redacted form, never the secret.

The stores take a :class:`TextRedactor` (``bot.triage.redactor.Redactor``, wired by
``bot.context``) and pass every free text through it on the way in; files go through
:func:`redact_file`: text logs are redacted line by line, ``.gz`` and ``.zip`` archives are
unpacked (within a byte budget), redacted and packed again, and images are kept as they are.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Mapping
from typing import Any, Protocol

from bot.archive import Budget, gunzip, open_zip, read_member
from retrieval.encoding import marked_codec

_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


class TextRedactor(Protocol):
    def redact(self, text: str) -> str: ...


class KeepText:
    """A redactor that keeps everything (for stores built without one, e.g. in tools)."""

    def redact(self, text: str) -> str:
        return text


def redact_fields(redactor: TextRedactor, fields: Mapping[str, Any]) -> dict[str, Any]:
    """A ticket's fields with every text value redacted."""
    return {k: redactor.redact(v) if isinstance(v, str) else v for k, v in fields.items()}


def redact_file(data: bytes, redactor: TextRedactor, *, name: str, max_bytes: int) -> bytes:
    """The bytes to keep for an uploaded file. Raises ``InvalidInput`` for an archive that
    cannot be read or unpacks past ``max_bytes``: what cannot be checked is not kept."""
    budget = Budget(name, max_bytes)
    return _redact(data, redactor, name=name, budget=budget, depth=0)


def _redact(data: bytes, redactor: TextRedactor, *, name: str, budget: Budget, depth: int) -> bytes:
    if data.startswith(_IMAGE_MAGIC):
        return data  # a screenshot: no text to find
    if data.startswith(b"\x1f\x8b") and depth < 2:
        inner = gunzip(name, data, budget)
        kept = _redact(inner, redactor, name=name, budget=budget, depth=depth + 1)
        return gzip.compress(kept, mtime=0)
    if data.startswith(b"PK\x03\x04") and depth < 2:
        return _rezip(data, redactor, name=name, budget=budget, depth=depth)
    return _redact_text(data, redactor)


def _redact_text(data: bytes, redactor: TextRedactor) -> bytes:
    codec = marked_codec(data)
    if codec is not None:  # UTF-16 from a PowerShell redirect: its secrets are not ASCII bytes
        try:
            return redactor.redact(data.decode(codec)).encode(codec)
        except UnicodeError:
            pass
    try:
        return redactor.redact(data.decode("utf-8")).encode("utf-8")
    except UnicodeDecodeError:
        # Not UTF-8 (a binary, another encoding): latin-1 maps every byte to one character, so
        # only the secrets' own bytes change.
        return redactor.redact(data.decode("latin-1")).encode("latin-1", errors="replace")


def _rezip(data: bytes, redactor: TextRedactor, *, name: str, budget: Budget, depth: int) -> bytes:
    out = io.BytesIO()
    with (
        open_zip(name, data) as archive,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as packed,
    ):
        for info in archive.infolist():
            if info.is_dir():
                continue
            content = read_member(name, archive, info, budget)
            kept = _redact(content, redactor, name=name, budget=budget, depth=depth + 1)
            packed.writestr(redactor.redact(info.filename), kept)
    return out.getvalue()
