"""A Prometheus collector exposing the analytics as gauges, computed at scrape time.

Register it on the app's registry (``metrics.registry.register(StatsCollector(...))``); each
scrape runs ``collect`` over the window, so keep scrape intervals at a minute or more.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from bot.analytics.collect import collect

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger(__name__)


class StatsCollector:
    """``deskbot_stats_*`` gauges over the last ``window`` (7 days by default)."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        window: dt.timedelta = dt.timedelta(days=7),
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.ctx = ctx
        self.window = window
        self.clock = clock

    def describe(self) -> list[Any]:
        # Nothing up front: describing would run the queries at registration time.
        return []

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        now = self.clock()
        up = GaugeMetricFamily("deskbot_stats_up", "1 when the analytics could be computed")
        try:
            stats = collect(self.ctx, now, since=now - self.window)
        except Exception:
            # A database hiccup must not take the whole /metrics page down with it.
            log.warning("analytics unavailable for /metrics", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up

        def gauge(name: str, doc: str, labels: list[str]) -> GaugeMetricFamily:
            return GaugeMetricFamily(f"deskbot_stats_{name}", doc, labels=labels)

        tickets = gauge("tickets", "Tickets opened in the window", ["dimension", "value"])
        for dimension, counts in (
            ("kind", stats.by_kind),
            ("priority", stats.by_priority),
            ("account", stats.by_account),
        ):
            for value, n in counts.items():
                tickets.add_metric([dimension, value], n)
        yield tickets
        for name, table in (
            ("first_response_seconds", stats.first_response),
            ("resolution_seconds", stats.resolution),
        ):
            family = gauge(name, f"{name.replace('_', ' ')} in the window", ["tier", "quantile"])
            for tier, times in table.items():
                if times.median is not None and times.p90 is not None:
                    family.add_metric([tier, "0.5"], times.median)
                    family.add_metric([tier, "0.9"], times.p90)
            yield family
        attainment = gauge("sla_attainment", "Share of decided clocks met", ["clock", "group"])
        breaches = gauge("sla_breaches", "Clocks breached", ["clock", "group"])
        for clock, groups in stats.sla.items():
            for group, a in groups.items():
                breaches.add_metric([clock, group], a.breached)
                if a.rate is not None:
                    attainment.add_metric([clock, group], a.rate)
        yield attainment
        yield breaches
        escalations = gauge("escalations", "Escalation steps fired", ["kind"])
        for key, n in stats.escalations.items():
            escalations.add_metric([key], n)
        yield escalations
        deflection = gauge("deflection_rate", "Bot answers that avoided a ticket", [])
        if stats.deflection.rate is not None:
            deflection.add_metric([], stats.deflection.rate)
        yield deflection
        answers = gauge("bot_answers", "Bot answers by outcome", ["outcome"])
        d = stats.deflection
        for outcome, n in (
            ("solved", d.solved),
            ("no_ticket", d.no_ticket),
            ("followed_by_ticket", d.followed_by_ticket),
            ("pending", d.pending),
            ("handoff", d.handoffs),
        ):
            answers.add_metric([outcome], n)
        yield answers
        csat = gauge("csat", "Customer ratings (1-5) after resolution", ["measure"])
        csat.add_metric(["ratings"], stats.csat.ratings)
        csat.add_metric(["requested"], stats.csat.requested)
        if stats.csat.average is not None:
            csat.add_metric(["average"], stats.csat.average)
        if stats.csat.rate is not None:
            csat.add_metric(["satisfied_rate"], stats.csat.rate)
        yield csat
