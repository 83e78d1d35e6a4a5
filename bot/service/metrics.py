"""Prometheus metrics, in a registry per app so tests and workers do not collide."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "deskbot_http_requests", "HTTP requests", ["method", "route", "status"], registry=r
        )
        self.rate_limited = Counter(
            "deskbot_rate_limited",
            "Requests refused by a rate limit",
            ["route", "rule"],
            registry=r,
        )
        self.latency = Histogram(
            "deskbot_http_request_seconds", "HTTP request latency", ["route"], registry=r
        )
        self.answers = Counter(
            "deskbot_answers", "Questions answered", ["channel", "handoff"], registry=r
        )
        self.tickets_opened = Counter(
            "deskbot_tickets_opened", "Tickets opened", ["kind", "priority"], registry=r
        )
        self.escalations = Counter(
            "deskbot_escalations", "Escalation steps fired", ["level", "late"], registry=r
        )
        self.outbox_pending = Gauge(
            "deskbot_outbox_pending", "Notifications waiting for delivery", registry=r
        )
        self.open_tickets = Gauge("deskbot_open_tickets", "Open tickets", ["priority"], registry=r)
