"""Log files users attach: size limits, .gz/.zip unpacking with bomb checks, redaction.

Limits: the upload itself and the total decompressed text are both capped at
``max_bytes`` (``Settings.max_upload_mb``). A zip is refused when its declared sizes exceed the
cap or it has too many members, and every member is decompressed in chunks, counting real
bytes, so a lying header cannot inflate past the cap either.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from bot.errors import InvalidInput
from bot.triage.models import Attachment
from bot.triage.redactor import DEFAULT_REDACTOR, Redactor
from retrieval.encoding import SAMPLE, decode_text, marked_codec

TEXT_SUFFIXES = {"", ".log", ".txt", ".text", ".out", ".crash", ".ips", ".json", ".trace"}
ARCHIVE_SUFFIXES = {".gz", ".zip"}
MAX_MEMBERS = 200
_CHUNK = 64 * 1024


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


class _Budget:
    """Counts decompressed bytes across a whole attachment."""

    def __init__(self, name: str, limit: int) -> None:
        self.name = name
        self.limit = limit
        self.used = 0

    def take(self, count: int) -> None:
        self.used += count
        if self.used > self.limit:
            raise InvalidInput(
                f"{self.name} unpacks to more than {_mb(self.limit)} (the upload limit); "
                "this looks like a zip bomb or a very large log — send the part around the failure"
            )


def _text(data: bytes) -> str | None:
    """A log as text in the encoding it was saved in (a PowerShell redirect's UTF-16, a
    Chinese Windows tool's GBK), or None for binary data."""
    text = decode_text(data)
    if text is None and marked_codec(data) is None and b"\x00" not in data[:SAMPLE]:
        return data.decode("utf-8", errors="replace")  # text, if garbled in places
    return text


def _gunzip(name: str, data: bytes, budget: _Budget) -> bytes:
    # wbits 16+MAX_WBITS: gzip container; max_length bounds every step's output
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = io.BytesIO()
    pending = data
    try:
        while pending or not inflater.eof:
            piece = inflater.decompress(pending, _CHUNK)
            budget.take(len(piece))
            out.write(piece)
            pending = inflater.unconsumed_tail
            if inflater.eof or (not piece and not pending):
                break
    except zlib.error as exc:
        raise InvalidInput(f"{name} is not a valid .gz file ({exc})") from None
    return out.getvalue()


def _zip_members(name: str, data: bytes, budget: _Budget) -> Iterator[tuple[str, bytes | None]]:
    """(member name, bytes) — bytes ``None`` for members we skip (folders, nested archives)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InvalidInput(f"{name} is not a valid .zip file") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise InvalidInput(f"{name} has {len(infos)} files; the limit is {MAX_MEMBERS}")
        declared = sum(info.file_size for info in infos)
        if declared > budget.limit:
            raise InvalidInput(
                f"{name} declares {_mb(declared)} uncompressed, over the {_mb(budget.limit)} "
                "limit (zip bomb or very large log); send the relevant part"
            )
        for info in infos:
            suffix = PurePosixPath(info.filename).suffix.lower()
            if info.is_dir() or suffix in {".zip", ".gz", ".tar", ".7z", ".rar"}:
                yield info.filename, None
                continue
            out = io.BytesIO()
            try:
                with archive.open(info) as member:
                    while chunk := member.read(_CHUNK):
                        budget.take(len(chunk))
                        out.write(chunk)
            except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError) as exc:
                raise InvalidInput(f"{name}: cannot read {info.filename} ({exc})") from None
            yield info.filename, out.getvalue()


def read_attachment(
    name: str,
    data: bytes,
    *,
    max_bytes: int = 20 * 1024 * 1024,
    redactor: Redactor = DEFAULT_REDACTOR,
) -> Attachment:
    """Validate, unpack and redact one uploaded file. Raises ``InvalidInput`` with a message
    fit for the user (too large, zip bomb, binary, unsupported type)."""
    if len(data) > max_bytes:
        raise InvalidInput(
            f"{name} is {_mb(len(data))}; the limit is {_mb(max_bytes)}. Compress it (.zip or "
            ".gz) or send the part of the log around the failure"
        )
    lowered = name.lower()
    suffix = PurePosixPath(lowered).suffix
    budget = _Budget(name, max_bytes)
    members: list[str] = []
    skipped: list[str] = []
    texts: list[str] = []
    if suffix == ".gz":
        inner = _text(_gunzip(name, data, budget))
        if inner is None:
            raise InvalidInput(f"{name} does not contain text (binary data); attach a text log")
        texts.append(inner)
        members.append(name[: -len(".gz")])
    elif suffix == ".zip":
        for member, content in _zip_members(name, data, budget):
            text = _text(content) if content is not None else None
            if text is None:
                skipped.append(member)
                continue
            members.append(member)
            texts.append(f"=== {member} ===\n{text}")
        if not texts:
            raise InvalidInput(
                f"{name} holds no text logs (only {', '.join(skipped) or 'nothing'})"
            )
    elif suffix in TEXT_SUFFIXES:
        text = _text(data)
        if text is None:
            raise InvalidInput(f"{name} is a binary file; attach text, .log, .txt, .gz or .zip")
        texts.append(text)
    else:
        raise InvalidInput(
            f"{name}: unsupported file type {suffix!r}; attach text, .log, .txt, .gz or .zip"
        )
    return Attachment(
        name=name,
        size=len(data),
        text=redactor.redact("\n".join(texts)),
        members=members,
        skipped=skipped,
        redacted=True,
    )


def read_attachment_file(
    path: Path, *, max_bytes: int = 20 * 1024 * 1024, redactor: Redactor = DEFAULT_REDACTOR
) -> Attachment:
    """Like :func:`read_attachment`, checking the size before reading the file."""
    size = path.stat().st_size
    if size > max_bytes:
        raise InvalidInput(
            f"{path.name} is {_mb(size)}; the limit is {_mb(max_bytes)}. Compress it (.zip or "
            ".gz) or send the part of the log around the failure"
        )
    return read_attachment(path.name, path.read_bytes(), max_bytes=max_bytes, redactor=redactor)
