"""Support analytics: deflection, response and resolution times, SLA attainment, escalations.

Public API::

    collect(ctx, now, *, since=None) -> Stats      # default window: the last 7 days
    Stats.as_json() -> dict
    StatsCollector(ctx, *, window=7 days, clock=...)  # a Prometheus collector to register
    render_html(stats) -> str                     # the /staff/analytics fragment
    bar_chart / grouped_bar_chart / priority_chart / kind_chart / first_response_chart -> SVG str
"""

from bot.analytics.charts import (
    bar_chart,
    first_response_chart,
    grouped_bar_chart,
    kind_chart,
    priority_chart,
)
from bot.analytics.collect import clock_outcome, collect, percentile
from bot.analytics.html import render_html
from bot.analytics.model import Attainment, Deflection, Durations, Stats
from bot.analytics.prometheus import StatsCollector

__all__ = [
    "Attainment",
    "Deflection",
    "Durations",
    "Stats",
    "StatsCollector",
    "bar_chart",
    "clock_outcome",
    "collect",
    "first_response_chart",
    "grouped_bar_chart",
    "kind_chart",
    "percentile",
    "priority_chart",
    "render_html",
]
