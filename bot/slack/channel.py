"""The Slack channel for telling a customer: a message in the ticket's thread."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.notify import DeliveryError
from bot.notify.channel import CustomerMessage
from bot.slack.client import delivery_error
from bot.store.records import Ticket


class SlackThread:
    name = "slack"

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def tell(self, ticket: Ticket, message: CustomerMessage) -> None:
        if not ticket.channel_ref or not ticket.thread_ref:
            raise DeliveryError(f"{ticket.key} has no Slack thread", permanent=True)
        text = message.text
        if message.kind == "reply" and message.author:
            text = f"*{message.author}* ({ticket.key}): {message.text}"
        try:
            self.client.chat_postMessage(
                channel=ticket.channel_ref, thread_ts=ticket.thread_ref, text=text
            )
        except (SlackApiError, OSError) as exc:
            raise delivery_error(exc) from exc
