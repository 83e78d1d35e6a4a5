"""Unpacking an uploaded ``.gz`` or ``.zip`` within a byte budget: a zip bomb (or a log far
larger than the upload limit) is refused while it is read, not after it filled the memory.
Shared by triage (reading logs) and the store (keeping them redacted)."""

from __future__ import annotations

import io
import zipfile
import zlib

from bot.errors import InvalidInput

MAX_MEMBERS = 200
CHUNK = 64 * 1024


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


class Budget:
    """Counts unpacked bytes across one upload, nested archives included."""

    def __init__(self, name: str, limit: int) -> None:
        self.name = name
        self.limit = limit
        self.used = 0

    def take(self, count: int) -> None:
        self.used += count
        if self.used > self.limit:
            raise InvalidInput(
                f"{self.name} unpacks to more than {megabytes(self.limit)} (the upload limit); "
                "this looks like a zip bomb or a very large log — send the part around the failure"
            )


def gunzip(name: str, data: bytes, budget: Budget) -> bytes:
    """The contents of a gzip file, each step's output bounded (wbits 16+MAX_WBITS: gzip)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = io.BytesIO()
    pending = data
    try:
        while True:
            piece = inflater.decompress(pending, CHUNK)
            budget.take(len(piece))
            out.write(piece)
            pending = inflater.unconsumed_tail
            if inflater.eof or (not piece and not pending):
                break
    except zlib.error as exc:
        raise InvalidInput(f"{name} is not a valid .gz file ({exc})") from None
    return out.getvalue()


def open_zip(name: str, data: bytes) -> zipfile.ZipFile:
    """The archive, refused when it is not one or holds more than :data:`MAX_MEMBERS` files."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InvalidInput(f"{name} is not a valid .zip file") from None
    count = len(archive.infolist())
    if count > MAX_MEMBERS:
        archive.close()
        raise InvalidInput(f"{name} has {count} files; the limit is {MAX_MEMBERS}")
    return archive


def read_member(
    name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget
) -> bytes:
    """One member's bytes, counted against ``budget`` as they are inflated (a lying header
    does not get past it)."""
    out = io.BytesIO()
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                budget.take(len(chunk))
                out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError) as exc:
        raise InvalidInput(f"{name}: cannot read {info.filename[:100]} ({exc})") from None
    return out.getvalue()
