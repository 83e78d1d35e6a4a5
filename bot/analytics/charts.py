"""Server-rendered SVG bar charts: no JavaScript, no CDN, readable without styles."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape

from bot.analytics.model import Stats

WIDTH = 420
BAR = 22
GAP = 8
LABEL = 110
COLOURS = ("#3b6fd4", "#e08a2c", "#4caf7a", "#b04fb0")


def bar_chart(
    title: str,
    values: Mapping[str, float],
    *,
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
    empty: str = "no data",
) -> str:
    """Horizontal bars, one per label, with the value written at the end of each bar."""
    return grouped_bar_chart(
        title, {k: [v] for k, v in values.items()}, series=(), fmt=fmt, empty=empty
    )


def grouped_bar_chart(
    title: str,
    values: Mapping[str, Sequence[float | None]],
    *,
    series: Sequence[str],
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
    empty: str = "no data",
) -> str:
    """Horizontal bars grouped per label, one bar per series (e.g. median and p90)."""
    per_group = max((len(v) for v in values.values()), default=1)
    top = 28 + (18 if series else 0)
    height = top + max(1, len(values)) * (per_group * BAR + GAP) + 8
    peak = max((v for vs in values.values() for v in vs if v is not None), default=0.0) or 1.0
    out = [
        # No width/height: the page sizes the chart (the viewBox keeps its proportions).
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" '
        f'font-size="12"><title>{escape(title)}</title>',
        f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>',
    ]
    for i, name in enumerate(series):
        x = LABEL + i * 90
        out.append(
            f'<rect x="{x}" y="26" width="10" height="10" fill="{COLOURS[i % len(COLOURS)]}"/>'
            f'<text x="{x + 14}" y="35">{escape(name)}</text>'
        )
    if not values:
        out.append(f'<text x="0" y="{top + 14}" fill="#666">{escape(empty)}</text>')
    room = WIDTH - LABEL - 60
    y = top
    for label, group in values.items():
        out.append(f'<text x="0" y="{y + BAR - 7}">{escape(label)}</text>')
        for i, value in enumerate(group):
            if value is not None:
                width = max(1, round(room * value / peak))
                colour = COLOURS[i % len(COLOURS)]
                out.append(
                    f'<rect x="{LABEL}" y="{y + 2}" width="{width}" height="{BAR - 4}" '
                    f'fill="{colour}"><title>{escape(label)}: {escape(fmt(value))}</title></rect>'
                    f'<text x="{LABEL + width + 4}" y="{y + BAR - 7}">{escape(fmt(value))}</text>'
                )
            y += BAR
        y += GAP
    out.append("</svg>")
    return "".join(out)


def hours(seconds: float) -> str:
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def localised_charts(stats: Stats, t: Callable[..., str]) -> list[str]:
    """The dashboard's charts with titles and labels in the page's language (``t``)."""

    def label(prefix: str, key: str) -> str:
        text = t(prefix + key)
        return key if text == prefix + key else text

    empty = t("no_data")
    by_priority = bar_chart(t("chart_priority"), stats.by_priority, empty=empty)
    by_kind = bar_chart(
        t("chart_kind"), {label("kind_", k): v for k, v in stats.by_kind.items()}, empty=empty
    )
    order = ("free", "basic", "pro", "enterprise")
    tiers = sorted((k for k in stats.first_response if k != "all"),
                   key=lambda k: (order.index(k) if k in order else len(order), k))  # fmt: skip
    groups = {label("tier_", k): [stats.first_response[k].median, stats.first_response[k].p90]
              for k in tiers}  # fmt: skip

    def length(seconds: float) -> str:
        if seconds < 3600:
            return t("minutes_n", n=round(seconds / 60))
        return t("hours_n", n=f"{seconds / 3600:.1f}")

    response = grouped_bar_chart(
        t("chart_first_response"), groups, series=(t("median"), t("p90")), fmt=length, empty=empty
    )
    return [by_priority, by_kind, response]


def priority_chart(stats: Stats) -> str:
    return bar_chart("Tickets by priority", stats.by_priority)


def kind_chart(stats: Stats) -> str:
    return bar_chart("Tickets by kind", stats.by_kind)


def first_response_chart(stats: Stats) -> str:
    groups = {tier: [d.median, d.p90] for tier, d in stats.first_response.items() if tier != "all"}
    return grouped_bar_chart(
        "First response time by tier", groups, series=("median", "p90"), fmt=hours
    )
