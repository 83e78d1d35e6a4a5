"""Text out of mail in the charsets mail clients really send.

A message labels its text with a charset, and the label is often narrower than the bytes:
Chinese clients (Foxmail, older Outlook, QQ Mail's gateways) label GBK text ``gb2312``, so a
name such as 王喆 (喆 is GBK, not GB2312) decodes to replacement characters that swallow the
characters after it too. Some labels are unknown to Python (``x-gbk``, typos), where the
standard library raises ``LookupError`` and the message could not be read at all. Here each
label is read as the superset the WHATWG Encoding Standard maps it to, and text that does not
fit its label is read as an unlabelled file is (:mod:`retrieval.encoding`), else with
replacement characters: a message is always read, and never lost.
"""

from __future__ import annotations

import codecs
import email.errors
import email.header
import email.utils
from email.message import EmailMessage, MIMEPart

from retrieval.encoding import decode_text as sniff_text

# Labels read as the charset that browsers use for them (WHATWG Encoding Standard).
_SUPERSETS = {
    "gb2312": "gb18030",
    "gb_2312": "gb18030",
    "gb_2312-80": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "csgb2312": "gb18030",
    "chinese": "gb18030",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
}


def codec_for(label: str | None) -> str | None:
    """The Python codec to read text labelled ``label`` with, or None when it is unknown."""
    name = (label or "").strip().strip("\"'").lower()
    if not name:
        return None
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_text(data: bytes, label: str | None) -> str:
    """``data`` as text: in its labelled charset (read as its superset) when the bytes fit,
    else as :func:`retrieval.encoding.decode_text` reads an unlabelled file, else with
    replacement characters."""
    codec = codec_for(label)
    if codec is not None:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    sniffed = sniff_text(data)
    if sniffed is not None:
        return sniffed
    return data.decode(codec or "utf-8", errors="replace")


def body_text(part: MIMEPart) -> str:
    """A text part's content, decoded as :func:`decode_text` does."""
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return ""
    return decode_text(data, part.get_content_charset())


def header_text(message: EmailMessage, name: str) -> str:
    """A header's value with its RFC 2047 encoded words decoded as :func:`decode_text` does
    (the first header of that name; empty when there is none)."""
    raw = _raw_header(message, name)
    return _decode_words(raw).strip() if raw is not None else ""


def address_header(message: EmailMessage, name: str) -> tuple[str, str]:
    """(display name, address) of an address header, the name decoded as
    :func:`header_text` does; ("", "") when there is none."""
    raw = _raw_header(message, name)
    if raw is None:
        return "", ""
    display, address = email.utils.parseaddr(" ".join(raw.split()))
    return _decode_words(display).strip(), address


def _raw_header(message: EmailMessage, name: str) -> str | None:
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return str(value)
    return None


def _decode_words(raw: str) -> str:
    try:
        parts = email.header.decode_header(raw)
    except (ValueError, email.errors.HeaderParseError):
        return raw
    out: list[str] = []
    for text, label in parts:
        if isinstance(text, str):  # no encoded words: 8-bit bytes arrive surrogate-escaped
            out.append(decode_text(text.encode("ascii", "surrogateescape"), None))
        else:
            out.append(decode_text(text, label))
    return "".join(out)
