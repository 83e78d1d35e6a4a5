"""What the stores keep of texts and files: the redacted form; originals only encrypted, and
only when the organisation asks for them."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.context import AppContext, build_context
from bot.errors import ConfigError, InvalidInput
from bot.settings import Settings
from bot.store.redaction import redact_file
from bot.triage.redactor import DEFAULT_REDACTOR
from tests.conftest import NOW

SECRET = "AKIAIOSFODNN7EXAMPLE"
LOG = f"10:02 E/Nimbus: auth with {SECRET} failed\npassword=hunter2-secret\n".encode()
PNG = b"\x89PNG\r\n\x1a\n" + SECRET.encode()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _kept(data: bytes, name: str = "app.log") -> bytes:
    return redact_file(data, DEFAULT_REDACTOR, name=name, max_bytes=10 * 1024 * 1024)


def test_text_logs_are_kept_redacted() -> None:
    kept = _kept(LOG).decode()
    assert SECRET not in kept and "hunter2-secret" not in kept
    assert "[REDACTED:aws_access_key]" in kept and "E/Nimbus" in kept


def test_archives_are_unpacked_redacted_and_packed_again() -> None:
    gz = gzip.decompress(_kept(gzip.compress(LOG), "app.log.gz"))
    assert SECRET.encode() not in gz and b"E/Nimbus" in gz
    packed = _kept(_zip({"logs/a.log": LOG, "logs/b.gz": gzip.compress(LOG)}), "logs.zip")
    with zipfile.ZipFile(io.BytesIO(packed)) as archive:
        assert SECRET.encode() not in archive.read("logs/a.log")
        assert SECRET.encode() not in gzip.decompress(archive.read("logs/b.gz"))


def test_a_binary_log_keeps_its_bytes_but_not_the_secret() -> None:
    blob = b"\x00\xff\xfe binary " + SECRET.encode() + b" \x80\x81"
    kept = _kept(blob, "app.trace")
    assert SECRET.encode() not in kept and kept.startswith(b"\x00\xff\xfe binary ")


def test_images_are_kept_as_they_are() -> None:
    assert _kept(PNG, "shot.png") == PNG


def test_an_archive_that_unpacks_too_far_is_not_kept() -> None:
    bomb = gzip.compress(b"0" * (11 * 1024 * 1024))
    with pytest.raises(InvalidInput, match="unpacks to more than"):
        _kept(bomb, "bomb.gz")
    with pytest.raises(InvalidInput, match=r"not a valid \.gz"):
        _kept(b"\x1f\x8bnot really gzip", "broken.gz")


def test_the_stores_keep_redacted_text(ctx: AppContext) -> None:
    stored = ctx.attachments.save(LOG, filename="app.log", content_type="text/plain", now=NOW)
    assert SECRET.encode() not in ctx.attachments.read(stored)
    on_disk = b"".join(p.read_bytes() for p in ctx.settings.files_dir.rglob("*") if p.is_file())
    assert SECRET.encode() not in on_disk
    with pytest.raises(Exception, match="no original"):
        ctx.attachments.read_original(stored)
    conv = ctx.conversations.open("web", "ref-1", now=NOW)
    message = ctx.conversations.add_message(conv.id, "user", LOG.decode(), now=NOW)
    assert SECRET not in message.text


def test_originals_are_kept_encrypted_when_asked(ctx: AppContext) -> None:
    key = Fernet.generate_key().decode()
    settings = ctx.settings.model_copy(
        update={"keep_original_files": True, "files_key": SecretStr(key)}
    )
    keeping = build_context(settings, config=ctx.config, db=ctx.db, migrate=False, now=NOW)
    stored = keeping.attachments.save(LOG, filename="app.log", content_type="text/plain", now=NOW)
    assert keeping.attachments.read_original(stored) == LOG
    on_disk = b"".join(p.read_bytes() for p in settings.files_dir.rglob("*") if p.is_file())
    assert SECRET.encode() not in on_disk  # the original is there, but only as ciphertext


def test_keeping_originals_needs_a_valid_key(ctx: AppContext) -> None:
    settings = ctx.settings.model_copy(update={"keep_original_files": True})
    with pytest.raises(ConfigError, match="DESKBOT_FILES_KEY"):
        build_context(settings, config=ctx.config, db=ctx.db, migrate=False, now=NOW)
    bad = settings.model_copy(update={"files_key": SecretStr("not-a-key")})
    with pytest.raises(ConfigError, match="not a Fernet key"):
        build_context(bad, config=ctx.config, db=ctx.db, migrate=False, now=NOW)


def test_redaction_is_idempotent() -> None:
    once = DEFAULT_REDACTOR.redact(LOG.decode())
    assert DEFAULT_REDACTOR.redact(once) == once


def test_settings_read_the_files_key_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DESKBOT_KEEP_ORIGINAL_FILES", "true")
    monkeypatch.setenv("DESKBOT_FILES_KEY", "k")
    settings = Settings()
    assert settings.keep_original_files and settings.files_key is not None


def test_a_utf16_log_is_kept_in_utf16_without_its_secret() -> None:
    # In UTF-16 a secret's characters are not its ASCII bytes: read as bytes, it slipped through.
    kept = _kept(LOG.decode().encode("utf-16"), "logcat.txt")
    text = kept.decode("utf-16")
    assert SECRET not in text and "[REDACTED:aws_access_key]" in text and "E/Nimbus" in text
