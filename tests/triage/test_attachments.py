from __future__ import annotations

import gzip
import io
import struct
import zipfile
from pathlib import Path

import pytest

from bot.errors import InvalidInput
from bot.triage.attachments import read_attachment, read_attachment_file

MB = 1024 * 1024


def test_text_log_is_redacted() -> None:
    attachment = read_attachment(
        "app.log", b"E/Net: failed Authorization: Bearer abcdefghijklmnop123\n"
    )
    assert "abcdefghijklmnop123" not in attachment.text
    assert "E/Net: failed" in attachment.text


def test_fifty_megabyte_log_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "huge.log"
    with path.open("wb") as handle:
        handle.truncate(50 * MB)  # sparse: no 50 MB write needed
    with pytest.raises(InvalidInput, match=r"huge\.log is 50\.0 MB; the limit is 20\.0 MB"):
        read_attachment_file(path)
    with pytest.raises(InvalidInput, match="limit"):
        read_attachment("huge.log", b"x" * (50 * MB))


def test_gz_and_zip_are_unpacked() -> None:
    gz = read_attachment("logcat.txt.gz", gzip.compress(b"I/Rtc: SDK version 3.7.0\n"))
    assert "3.7.0" in gz.text and gz.members == ["logcat.txt"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.log", "E/Rtc: boom password=hunter22\n")
        archive.writestr("screenshot.png", b"\x89PNG\x00\x00binary")
        archive.writestr("nested.zip", b"PK")
    unpacked = read_attachment("logs.zip", buf.getvalue())
    assert unpacked.members == ["a.log"]
    assert set(unpacked.skipped) == {"screenshot.png", "nested.zip"}
    assert "hunter22" not in unpacked.text


def _bomb(size: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.log", b"0" * size)
    return buf.getvalue()


def test_zip_bomb_refused_by_declared_size() -> None:
    data = _bomb(5 * MB)
    assert len(data) < 50_000
    with pytest.raises(InvalidInput, match="zip bomb"):
        read_attachment("bomb.zip", data, max_bytes=1 * MB)


def test_zip_bomb_with_lying_header_refused_while_streaming() -> None:
    data = bytearray(_bomb(5 * MB))
    # rewrite the declared uncompressed size to 100 bytes in the local and central headers
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, 100)
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 100)
    # refused either by our byte budget or by zipfile stopping at the declared size (CRC)
    with pytest.raises(InvalidInput, match=r"liar\.zip"):
        read_attachment("liar.zip", bytes(data), max_bytes=1 * MB)


def test_gzip_bomb_refused() -> None:
    with pytest.raises(InvalidInput, match="unpacks to more than"):
        read_attachment("bomb.log.gz", gzip.compress(b"0" * (5 * MB)), max_bytes=1 * MB)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("core.bin", b"\x00\x01\x02", "unsupported file type"),
        ("app.log", b"ELF\x00\x00\x00", "binary"),
        ("broken.zip", b"not a zip", "not a valid .zip"),
        ("broken.gz", b"not gzip", "not a valid .gz"),
    ],
)
def test_bad_files_get_clear_errors(name: str, data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        read_attachment(name, data)


def test_a_powershell_utf16_log_and_a_gbk_log_are_read_as_written() -> None:
    # Windows PowerShell 5's `adb logcat > log.txt` writes UTF-16 with its byte-order mark:
    # it was refused as "a binary file". Chinese Windows tools write GBK: it was garbled.
    line = "E/NimbusRTC: 退出房间失败 code=NR-5003 token=Bearer abcdefghijklmnop123\n"
    for name, data in [("logcat.txt", line.encode("utf-16")), ("app.log", line.encode("gbk"))]:
        attachment = read_attachment(name, data * 20)
        assert "E/NimbusRTC: 退出房间失败 code=NR-5003" in attachment.text, name
        assert "abcdefghijklmnop123" not in attachment.text  # still redacted
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("logs/logcat.txt", line.encode("utf-16"))
    attachment = read_attachment("logs.zip", packed.getvalue())
    assert attachment.members == ["logs/logcat.txt"] and "退出房间失败" in attachment.text
