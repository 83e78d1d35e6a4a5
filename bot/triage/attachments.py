"""Log files users attach: size limits, .gz/.zip unpacking with bomb checks, redaction.

Limits: the upload itself and the total decompressed text are both capped at
``max_bytes`` (``Settings.max_upload_mb``). A zip is refused when its declared sizes exceed the
cap or it has too many members, and every member is decompressed in chunks, counting real
bytes, so a lying header cannot inflate past the cap either.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from bot.archive import Budget, gunzip, megabytes, open_zip, read_member
from bot.errors import InvalidInput
from bot.triage.models import Attachment
from bot.triage.redactor import DEFAULT_REDACTOR, Redactor
from retrieval.encoding import SAMPLE, decode_text, marked_codec

TEXT_SUFFIXES = {"", ".log", ".txt", ".text", ".out", ".crash", ".ips", ".json", ".trace"}
ARCHIVE_SUFFIXES = {".gz", ".zip"}


def _text(data: bytes) -> str | None:
    """A log as text in the encoding it was saved in (a PowerShell redirect's UTF-16, a
    Chinese Windows tool's GBK), or None for binary data."""
    text = decode_text(data)
    if text is None and marked_codec(data) is None and b"\x00" not in data[:SAMPLE]:
        return data.decode("utf-8", errors="replace")  # text, if garbled in places
    return text


def _zip_members(name: str, data: bytes, budget: Budget) -> Iterator[tuple[str, bytes | None]]:
    """(member name, bytes) — bytes ``None`` for members we skip (folders, nested archives)."""
    with open_zip(name, data) as archive:
        infos = archive.infolist()
        declared = sum(info.file_size for info in infos)
        if declared > budget.limit:
            raise InvalidInput(
                f"{name} declares {megabytes(declared)} uncompressed, over the "
                f"{megabytes(budget.limit)} limit (zip bomb or very large log); send the "
                "relevant part"
            )
        for info in infos:
            suffix = PurePosixPath(info.filename).suffix.lower()
            if info.is_dir() or suffix in {".zip", ".gz", ".tar", ".7z", ".rar"}:
                yield info.filename, None
                continue
            yield info.filename, read_member(name, archive, info, budget)


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
            f"{name} is {megabytes(len(data))}; the limit is {megabytes(max_bytes)}. Compress it "
            "(.zip or .gz) or send the part of the log around the failure"
        )
    lowered = name.lower()
    suffix = PurePosixPath(lowered).suffix
    budget = Budget(name, max_bytes)
    members: list[str] = []
    skipped: list[str] = []
    texts: list[str] = []
    if suffix == ".gz":
        inner = _text(gunzip(name, data, budget))
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
            f"{path.name} is {megabytes(size)}; the limit is {megabytes(max_bytes)}. Compress it "
            "(.zip or .gz) or send the part of the log around the failure"
        )
    return read_attachment(path.name, path.read_bytes(), max_bytes=max_bytes, redactor=redactor)
