"""``POST /email/inbound``: the inbound-mail webhook of a mail provider, in its raw-MIME form —
the message as the body (``message/rfc822``), or a form field ``email`` (SendGrid's Inbound
Parse with "POST the raw, full MIME message") or ``body-mime`` (Mailgun's ``.mime`` routes).
It needs ``?token=`` (or ``X-Deskbot-Token``) equal to ``DESKBOT_EMAIL_WEBHOOK_TOKEN``."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from bot.email.inbox import Inbox
from bot.errors import DeskbotError, InvalidInput, NotFound
from bot.service.deps import ContextDep

router = APIRouter(tags=["email"])
RAW_FIELDS = ("email", "body-mime")


class BadToken(DeskbotError):
    http_status = 401


@router.post(
    "/email/inbound",
    summary="Inbound e-mail (raw MIME) from a mail provider's webhook",
    responses={401: {"description": "missing or wrong token"}, 404: {"description": "off"}},
)
async def inbound_mail(request: Request, ctx: ContextDep) -> dict[str, str]:
    expected = ctx.settings.email_webhook_token
    if expected is None or ctx.config.email is None or ctx.mailer is None:
        raise NotFound("the inbound-mail webhook is off (DESKBOT_EMAIL_WEBHOOK_TOKEN)")
    given = request.query_params.get("token") or request.headers.get("x-deskbot-token") or ""
    if not hmac.compare_digest(given.encode(), expected.get_secret_value().encode()):
        raise BadToken("missing or wrong token")
    raw = await _raw_message(request)
    received = await run_in_threadpool(Inbox(ctx).receive, raw)
    return {"status": received.outcome, "reason": received.reason}


async def _raw_message(request: Request) -> bytes:
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        try:
            form = await request.form(max_files=20, max_fields=100)
        except Exception:  # starlette's parse errors: translated at the edge
            raise InvalidInput("could not read the form") from None
        for name in RAW_FIELDS:
            value = form.get(name)
            if isinstance(value, str) and value.strip():
                return value.encode("utf-8", "surrogateescape")
            if value is not None and not isinstance(value, str):
                return await value.read()
        raise InvalidInput("no raw message: send it as the 'email' or 'body-mime' field")
    raw = await request.body()
    if not raw.strip():
        raise InvalidInput("the body is empty: send the raw message (message/rfc822)")
    return raw
