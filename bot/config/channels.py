"""The organisation file's channel sections: the web, the support mailbox, the docs, and
where notifications go (webhooks, PagerDuty)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """Every model of the organisation file: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class WebConfig(Strict):
    public_questions: bool = True
    contact_form: bool = Field(
        default=True,
        description="Visitors without an account may leave name, e-mail and problem; the "
        "ticket opens on the organisation's default account.",
    )
    trusted_user_header: str | None = Field(
        default=None, description="Header set by a trusted reverse proxy naming the staff user."
    )
    token_secret_env: str | None = None


class EmailChannel(Strict):
    """The support mailbox as customers see it (connections and passwords are settings)."""

    address: str = Field(pattern=r"^[^@\s]+@[^@\s]+$", description="support@your.domain")
    name: str = Field(default="Support", description="The From name of our replies.")


class DocsSource(Strict):
    path: str
    base_url: str | None = None
    product: str | None = None


WebhookEvent = Literal["escalation", "ticket_opened", "digest"]
_ESCALATION_ONLY: tuple[WebhookEvent, ...] = ("escalation",)


class WebhookTarget(Strict):
    """A generic JSON POST of every escalation (and new ticket) to ``url``."""

    url: str = Field(pattern=r"^https?://")
    events: list[WebhookEvent] = Field(default_factory=lambda: list(_ESCALATION_ONLY))
    secret_env: str | None = Field(
        default=None, description="Environment variable holding an HMAC signing secret."
    )


class PagerDutyConfig(Strict):
    """PagerDuty Events API v2; the routing key comes from the environment."""

    routing_key_env: str = "PAGERDUTY_ROUTING_KEY"
    url: str = "https://events.pagerduty.com/v2/enqueue"
    min_level: int = Field(default=2, ge=0, description="Ladder level from which to page.")


class NotificationsConfig(Strict):
    webhooks: list[WebhookTarget] = Field(default_factory=list)
    pagerduty: PagerDutyConfig | None = None
    max_attempts: int = Field(default=8, ge=1)
