"""Sending mail over SMTP (plain, STARTTLS or TLS; with a login when the URL has one), with
its failures translated: a refused recipient or message is permanent, a busy or unreachable
server is retried by the outbox."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol

from bot.email.address import ServerAddress, parse_server_url
from bot.notify import DeliveryError


class Mailer(Protocol):
    """Sends one message (its headers say to whom), or raises :class:`DeliveryError`."""

    def send(self, message: EmailMessage) -> None: ...


class SmtpMailer:
    def __init__(
        self,
        server: ServerAddress,
        *,
        timeout: float = 20.0,
        context: ssl.SSLContext | None = None,
    ) -> None:
        self.server = server
        self.timeout = timeout
        self.context = context or ssl.create_default_context()

    @classmethod
    def from_url(cls, url: str, **kwargs: object) -> SmtpMailer:
        return cls(parse_server_url(url, protocol="smtp"), **kwargs)  # type: ignore[arg-type]

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        if server.security == "tls":
            return smtplib.SMTP_SSL(
                server.host, server.port, timeout=self.timeout, context=self.context
            )
        client = smtplib.SMTP(server.host, server.port, timeout=self.timeout)
        if server.security == "starttls":
            client.starttls(context=self.context)
        return client

    def send(self, message: EmailMessage) -> None:
        try:
            with self._connect() as client:
                if self.server.user:
                    client.login(self.server.user, self.server.password or "")
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryError(
                f"smtp refused the recipients: {exc.recipients}",
                permanent=all(code >= 500 for code in codes),
            ) from exc
        except smtplib.SMTPResponseException as exc:
            # 4xx: the server is busy or greylisting; 5xx: it will never take this message.
            raise DeliveryError(
                f"smtp {exc.smtp_code}: {exc.smtp_error!r}",
                permanent=exc.smtp_code >= 500 and exc.smtp_code != 535,
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"smtp unreachable: {type(exc).__name__}: {exc}") from exc
