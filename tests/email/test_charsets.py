"""Mail as Chinese (and other) clients really send it: GBK text labelled gb2312, labels Python
does not know, 8-bit headers; read whole, never garbled, never refused."""

from __future__ import annotations

import base64

import pytest

from bot.config.channels import EmailChannel
from bot.context import AppContext
from bot.email.charsets import decode_text
from bot.email.inbox import Inbox
from bot.email.message import parse
from tests.servers.smtp_stub import SmtpStub

SUPPORT = EmailChannel(address="support@nimbus.example")
# 喆 and 镕 are GBK characters outside GB2312: a strict gb2312 decoder garbles them and the
# characters after them.
NAME = "王喆"
BUG = "你好，镕达科技的 Android 端退出房间就崩溃，Nimbus RTC SDK 2.14.2，Android 14。"


def _word(text: str, charset: str, encoding: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(encoding)).decode()}?="


def raw_mail(
    body: bytes,
    *,
    charset: str,
    subject: str,
    sender_name: str = NAME,
    content_type: str = "text/plain",
) -> bytes:
    head = (
        f"From: {_word(sender_name, 'gb2312', 'gbk')} <wangzhe@rongda.example>\r\n"
        "To: support@nimbus.example\r\n"
        f"Subject: {subject}\r\n"
        "Message-ID: <m1@rongda.example>\r\n"
        f"Content-Type: {content_type}; charset={charset}\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return head.encode("ascii") + body


def test_gbk_text_labelled_gb2312_is_read_whole() -> None:
    raw = raw_mail(
        BUG.encode("gbk"), charset="gb2312", subject=_word("喆：退出崩溃", "gb2312", "gbk")
    )
    mail = parse(raw, sender=SUPPORT)
    assert mail.text == BUG
    assert mail.subject == "喆：退出崩溃"
    assert mail.sender_name == NAME and mail.sender == "wangzhe@rongda.example"


@pytest.mark.parametrize("label", ["x-unknown-charset", "", "utf8mb4"])
def test_a_label_python_does_not_know_falls_back_instead_of_failing(label: str) -> None:
    for encoding in ("utf-8", "gb18030"):
        raw = raw_mail(
            BUG.encode(encoding), charset=label or '""', subject=_word("崩溃", label, encoding)
        )
        mail = parse(raw, sender=SUPPORT)
        assert mail.text == BUG and mail.subject == "崩溃"


def test_raw_8bit_utf8_headers_and_html_only_mail() -> None:
    html = f"<html><body><p>{BUG}</p><blockquote>旧邮件</blockquote></body></html>"
    raw = raw_mail(html.encode("gbk"), charset="gbk", subject="x", content_type="text/html")
    raw = raw.replace(b"Subject: x", "Subject: 回复：退出崩溃".encode())
    mail = parse(raw, sender=SUPPORT)
    assert mail.subject == "回复：退出崩溃"
    assert mail.text == BUG  # the quoted old mail is gone


def test_bytes_that_fit_no_charset_are_read_with_replacement_not_refused() -> None:
    assert decode_text(b"ok \xff\xfe\x80 done", "utf-8").startswith("ok ")
    assert decode_text("镕".encode("gbk"), "gb2312") == "镕"
    assert decode_text("Olá".encode("cp1252"), "iso-8859-1") == "Olá"


def test_chinese_clients_quote_headers_are_cut() -> None:
    body = f"{BUG}\n\n------------------ 原始邮件 ------------------\n发件人: support\n我们的回答"
    mail = parse(raw_mail(body.encode("gbk"), charset="gbk", subject="x"), sender=SUPPORT)
    assert mail.text == BUG


def test_a_gbk_bug_report_by_mail_gets_a_chinese_reply(
    mail_ctx: AppContext, smtp: SmtpStub
) -> None:
    raw = raw_mail(
        BUG.encode("gbk"), charset="gb2312", subject=_word("喆：退出崩溃", "gb2312", "gbk")
    )
    raw = raw.replace(b"rongda.example>", b"streamly.example>", 1)  # a known account's domain
    received = Inbox(mail_ctx).receive(raw)
    assert received.outcome in ("answered", "ticketed"), received
    (reply,) = smtp.wait(1)
    text = reply.get_body(("plain",)).get_content()
    assert "\ufffd" not in text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)  # answered in Chinese
    assert str(reply["Subject"]) == "Re: 喆：退出崩溃"
    conv = mail_ctx.conversations.find("email", "<m1@rongda.example>")
    assert conv is not None and conv.messages[0].text == "喆：退出崩溃\n\n" + BUG  # as written


def test_a_chinese_reply_says_its_language() -> None:
    from bot.email.compose import Outgoing, build

    out = Outgoing(to="a@b.cn", subject="Re: 崩溃", text="您好，**已收到**。", message_id="<x@y>")
    zh = build(Outgoing(**{**out.__dict__, "lang": "zh"}), SUPPORT)
    assert zh["Content-Language"] == "zh-CN"  # set_content() had cleared it
    assert 'lang="zh-CN"' in zh.get_body(("html",)).get_content()
    assert build(out, SUPPORT)["Content-Language"] == "en"
