"""What the web accepts as attachments: logs, archives of logs, screenshots."""

from __future__ import annotations

from pathlib import PurePath

from fastapi import Request

from bot.errors import InvalidInput

MAX_FILES = 5
SUFFIXES = {
    ".log", ".txt", ".text", ".out", ".json", ".trace", ".crash", ".ips", ".csv", ".xml",
    ".gz", ".zip", ".png", ".jpg", ".jpeg",
}  # fmt: skip
TYPES = {
    "", "text/plain", "text/csv", "text/xml", "application/json", "application/xml",
    "application/gzip", "application/x-gzip", "application/zip", "application/x-zip-compressed",
    "application/octet-stream", "image/png", "image/jpeg",
}  # fmt: skip


class TooLarge(InvalidInput):
    http_status = 413


class UnsupportedType(InvalidInput):
    http_status = 415


def check_upload(filename: str, content_type: str, size: int, *, max_mb: int) -> None:
    """Refuse what a support desk should not store: big files and non-log types."""
    suffix = PurePath(filename).suffix.lower()
    base_type = content_type.split(";")[0].strip().lower()
    if suffix not in SUFFIXES or not (base_type in TYPES or base_type.startswith("text/")):
        raise UnsupportedType(
            f"{filename}: attach logs (.log, .txt, .json, .gz, .zip) or screenshots (.png, .jpg)"
        )
    if size > max_mb * 1024 * 1024:
        raise TooLarge(f"{filename}: files may be at most {max_mb} MB")
    if size == 0:
        raise InvalidInput(f"{filename}: the file is empty")


def check_length(request: Request, *, max_mb: int) -> None:
    """Refuse an oversized body before reading it, when the client says how big it is."""
    declared = request.headers.get("content-length", "")
    limit = MAX_FILES * max_mb * 1024 * 1024 + 1024 * 1024
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the upload is too large; files may be at most {max_mb} MB each")
