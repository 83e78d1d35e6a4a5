"""Bytes to text in the encoding they were saved in, for files people hand us: documentation
pages, FAQ sheets, logs.

Editors and shells do not all write UTF-8. Notepad puts a UTF-8 byte-order mark first;
Windows PowerShell 5's ``adb logcat > log.txt`` writes UTF-16 with its mark; Chinese Windows
editors and Excel's "CSV" write GBK. A byte-order mark names its encoding; otherwise UTF-8 is
tried first (most files), and what is not UTF-8 goes to ``charset_normalizer``, which
recognises GBK, Big5, Shift-JIS and the Windows code pages.
"""

from __future__ import annotations

import codecs

# Checked in this order: a UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
SAMPLE = 8192  # bytes looked at to tell text from binary


def marked_codec(data: bytes) -> str | None:
    """The codec a byte-order mark at the start of ``data`` names (it drops the mark when
    decoding and writes it back when encoding), or None."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def decode_text(data: bytes) -> str | None:
    """``data`` as text, or None when it is not text (binary data, or bytes that no encoding
    explains)."""
    codec = marked_codec(data)
    if codec is not None:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            return None
    if b"\x00" in data[:SAMPLE]:  # text in a one-byte or UTF-8 encoding never holds NUL
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Chinese first (GB18030, then Big5) when the bytes read as Chinese in it: the detector
    # below judges short or mostly-ASCII Chinese text badly (Korean, Cyrillic).
    for codec in ("gb18030", "big5hkscs"):
        chinese = _as_chinese(data, codec)
        if chinese is not None:
            return chinese
    from charset_normalizer import from_bytes  # lazy: only for what is not UTF-8

    best = from_bytes(data).best()
    return str(best) if best is not None else None


def _as_chinese(data: bytes, codec: str) -> str | None:
    """``data`` read in ``codec`` when it decodes and nine in ten of its non-ASCII characters
    are Chinese characters or CJK punctuation (Big5 read as GB18030 is not: many of its
    common characters land on kana, Greek or private-use code points); else None."""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    wide = [c for c in text if ord(c) > 127]
    chinese = sum(1 for c in wide if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f"
                  or "\uff00" <= c <= "\uffef")  # fmt: skip
    return text if wide and chinese >= 0.9 * len(wide) else None
