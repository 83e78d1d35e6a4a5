"""Files people hand us, in the encodings their tools wrote."""

from __future__ import annotations

import pytest

from retrieval.encoding import decode_text, marked_codec

LOG = "E/NimbusRTC: 退出房间失败 code=NR-5003\n" * 3


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (LOG, "utf-8"),
        (LOG, "utf-8-sig"),  # Notepad
        (LOG, "utf-16"),  # Windows PowerShell 5's redirect
        (LOG, "gbk"),  # mostly ASCII with a few Chinese words: the detector alone said Cyrillic
        ("# 令牌续期\n\n在过期前调用 renewToken。\n", "gb18030"),
        ("# 開發\n\n繁體中文說明文件，請先閱讀。\n", "big5"),  # not read as GBK look-alikes
        ("Ошибка соединения: сервер недоступен\n", "cp1251"),
    ],
)
def test_text_is_read_in_the_encoding_it_was_saved_in(text: str, encoding: str) -> None:
    assert decode_text(text.encode(encoding)) == text


def test_binary_data_is_not_text() -> None:
    assert decode_text(b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256))) is None
    assert decode_text(b"\xff\xfe\x00\xd8") is None  # a UTF-16 mark on a broken surrogate
    assert marked_codec("x".encode("utf-16")) == "utf-16"
    assert marked_codec(b"plain") is None
