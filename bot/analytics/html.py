"""The analytics dashboard fragment (``/staff/analytics``): figures, tables and SVG charts."""

from __future__ import annotations

from html import escape

from bot.analytics.charts import first_response_chart, hours, kind_chart, priority_chart
from bot.analytics.model import Durations, Stats


def render_html(stats: Stats) -> str:
    """A self-contained ``<section>``: inline SVG, no scripts, everything escaped."""
    d = stats.deflection
    since, until = f"{stats.since:%Y-%m-%d %H:%M}", f"{stats.until:%Y-%m-%d %H:%M} UTC"
    out = [
        '<section class="analytics">',
        f"<h2>Support analytics</h2><p>{escape(since)} – {escape(until)}</p>",
        '<dl class="analytics-figures">',
        _figure("Tickets opened", str(stats.tickets)),
        _figure("Bot deflection", _percent(d.rate)),
        _figure("Answers / solved / no ticket", f"{d.answers} / {d.solved} / {d.no_ticket}"),
        _figure("Hand-offs", str(d.handoffs)),
        _figure("Escalations sent", str(stats.escalations.get("total", 0))),
        "</dl>",
        '<div class="analytics-charts">',
        priority_chart(stats),
        kind_chart(stats),
        first_response_chart(stats),
        "</div>",
        _durations_table("First response", stats.first_response),
        _durations_table("Resolution", stats.resolution),
        _sla_table(stats),
        _counts_table("Tickets by account", stats.by_account),
        _gaps(stats),
        "</section>",
    ]
    return "\n".join(out)


def _figure(name: str, value: str) -> str:
    return f"<div><dt>{escape(name)}</dt><dd>{escape(value)}</dd></div>"


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.0%}"


def _durations_table(title: str, rows: dict[str, Durations]) -> str:
    body = "".join(
        f"<tr><td>{escape(tier)}</td><td>{d.count}</td>"
        f"<td>{hours(d.median) if d.median is not None else '–'}</td>"
        f"<td>{hours(d.p90) if d.p90 is not None else '–'}</td></tr>"
        for tier, d in rows.items()
    )
    return (
        f"<h3>{escape(title)} time</h3><table><thead><tr><th>tier</th><th>tickets</th>"
        f"<th>median</th><th>p90</th></tr></thead><tbody>{body}</tbody></table>"
    )


def _sla_table(stats: Stats) -> str:
    body = "".join(
        f"<tr><td>{escape(clock.replace('_', ' '))}</td><td>{escape(group)}</td>"
        f"<td>{a.met}</td><td>{a.breached}</td><td>{a.running}</td><td>{_percent(a.rate)}</td></tr>"
        for clock, groups in stats.sla.items()
        for group, a in groups.items()
    )
    return (
        "<h3>SLA attainment</h3><table><thead><tr><th>clock</th><th>group</th><th>met</th>"
        f"<th>breached</th><th>running</th><th>attained</th></tr></thead><tbody>{body}</tbody></table>"
    )


def _counts_table(title: str, counts: dict[str, int]) -> str:
    body = "".join(f"<tr><td>{escape(k)}</td><td>{v}</td></tr>" for k, v in counts.items())
    return f"<h3>{escape(title)}</h3><table><tbody>{body}</tbody></table>"


def _gaps(stats: Stats) -> str:
    items = "".join(f"<li>{escape(q)} ({n})</li>" for q, n in stats.top_gaps)
    return f"<h3>Top knowledge gaps</h3><ol>{items or '<li>none</li>'}</ol>"
