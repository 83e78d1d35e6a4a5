# ruff: noqa: E501 - one text per line, English and Chinese side by side, reads best unwrapped
"""Every word of the digest, English and Chinese side by side: ``key: (en, zh)``.

The digest is in its reader's language (``people[].language``); ticket subjects and customer
questions stay as written. ``{name}`` fields are filled by :func:`text`. Words for statuses,
stages, kinds, clocks and channels fall back to the value itself (``in_progress`` reads
``in progress``), so a new stage shows up before it has a translation.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from bot.dates import when_text

Language = Literal["en", "zh"]

# fmt: off
TEXT: dict[str, tuple[str, str]] = {
    # -- frame
    "title": ("Morning digest for {name} — {day}", "{name} 的日报 — {day}"),
    "window": ("Since {since} ({tz}) · {accounts}, {busy} with news", "自 {since}（{tz}）起 · 共 {accounts}，{busy} 个有动态"),
    "n_accounts_one": ("{n} account", "{n} 个客户"),
    "n_accounts": ("{n} accounts", "{n} 个客户"),
    "heading": ("{name} ({tier})", "{name}（{tier}）"),
    "trend_line": ("Trend: {sentence}.", "趋势：{sentence}。"),
    "empty": ("No accounts are assigned to you.", "您名下暂无客户。"),
    "quiet": ("Quiet: {accounts}", "无动态：{accounts}"),
    "quiet_open": ("{name} ({n} open)", "{name}（{n} 个未关闭）"),
    "quiet_none": ("{name} (nothing open)", "{name}（无未关闭工单）"),
    "summary": ("{breached} breached, {at_risk} at risk, {p1} P1, {opened} opened", "已超时 {breached}，有超时风险 {at_risk}，P1 {p1}，新建 {opened}"),
    "more": ("… and {n} more", "… 另有 {n} 项"),
    "thread": ("thread", "会话"),
    "cont": ("(cont.)", "（续）"),
    "list_sep": (", ", "、"),
    # -- trend
    "trend_tickets_one": ("{n} ticket in the last 7 days", "近 7 天 {n} 个工单"),
    "trend_tickets": ("{n} tickets in the last 7 days", "近 7 天 {n} 个工单"),
    "trend_same": ("{count}, same as the 7 days before", "{count}，与之前 7 天持平"),
    "trend_more": ("{count}, {n} more than the 7 days before ({before})", "{count}，比之前 7 天（{before} 个）多 {n} 个"),
    "trend_fewer": ("{count}, {n} fewer than the 7 days before ({before})", "{count}，比之前 7 天（{before} 个）少 {n} 个"),
    # -- section titles
    "sec_breached": ("Breached", "已超时"),
    "sec_at_risk": ("At risk in the next 24 h", "未来 24 小时有超时风险"),
    "sec_p1": ("P1", "P1"),
    "sec_waiting": ("Customer waiting over {hours} h", "客户等待超过 {hours} 小时"),
    "sec_upgrades": ("Upgrade requests", "升级申请"),
    "sec_opened": ("Opened", "新建工单"),
    "sec_resolved": ("Resolved", "已解决"),
    "sec_by_priority": ("Open by priority", "按优先级的未关闭工单"),
    "sec_gaps": ("Questions the bot could not answer", "机器人未能回答的问题"),
    # -- entries
    "entry": ("{priority} {subject} — {detail}", "{priority} {subject} — {detail}"),
    "clock_breached": ("{clock} breached", "{clock}已超时"),
    "no_clock": ("no clock running", "无计时"),
    "overdue": ("{clock} overdue {span}", "{clock}已超时 {span}"),
    "due": ("{clock} due {when}", "{clock}截止 {when}"),
    "told": ("; told {names}", "；已通知 {names}"),
    "p1_detail": ("{status}, stage {stage}", "{status}，阶段：{stage}"),
    "waiting_detail": ("last customer message {when}", "客户最后留言 {when}"),
    "stage_detail": ("stage {stage}", "阶段：{stage}"),
    "opened_detail": ("{kind}, {status}", "{kind}，{status}"),
    "resolved_breached": ("{kind}, after its {clock} SLA breached", "{kind}，{clock} SLA 超时后解决"),
    "priority_line": ("{priority}: {n} open", "{priority}：{n} 个未关闭"),
    "next_due": (", next due {when} ({ticket})", "，最近截止 {when}（{ticket}）"),
    "next_overdue": (", overdue since {when} ({ticket})", "，自 {when} 起已超时（{ticket}）"),
    "gap": ("“{question}” ({channel}, {when})", "“{question}”（{channel}，{when}）"),
    "escalation_channel": ("the escalation channel", "升级频道"),
    "internal_channel": ("{name}'s internal channel", "{name} 内部频道"),
    # -- times
    "in": ("in {span}", "{span}后"),
    "ago": ("{span} ago", "{span}前"),
    "minutes": ("{n} min", "{n} 分钟"),
    "hours": ("{n} h", "{n} 小时"),
    "days": ("{n} d", "{n} 天"),
    "at_relative": ("{at} ({relative})", "{at}（{relative}）"),
}

# The English of these is the value with spaces for underscores, as the digest always showed.
WORDS: dict[str, str] = {
    "clock_first_response": "首次响应", "clock_resolution": "解决",
    "status_open": "处理中", "status_waiting_on_customer": "等待客户回复",
    "status_resolved": "已解决", "status_closed": "已关闭",
    "stage_new": "新建", "stage_investigating": "排查中", "stage_in_progress": "处理中",
    "stage_resolved": "已解决", "stage_merged": "已合并", "stage_requested": "已提交",
    "stage_submitted": "已提交", "stage_reviewing": "审核中", "stage_in_review": "审核中",
    "stage_quote_sent": "已报价", "stage_quote": "报价", "stage_contract": "合同中",
    "stage_done": "已完成", "stage_waiting_on_customer": "等待客户",
    "kind_question": "咨询", "kind_bug": "缺陷", "kind_outage": "故障", "kind_feature": "功能需求",
    "kind_upgrade": "套餐升级", "kind_commercial": "商务", "kind_status": "进度查询", "kind_other": "其他",
    "tier_free": "社区版", "tier_basic": "基础版", "tier_pro": "专业版", "tier_enterprise": "企业版",
    "channel_web": "网页", "channel_slack": "Slack", "channel_email": "邮件",
}
# English words that are not the value itself: plans read as the pages and the config name them.
EN_WORDS: dict[str, str] = {
    "tier_free": "Community", "tier_basic": "Basic", "tier_pro": "Pro", "tier_enterprise": "Enterprise",
}
# fmt: on

_ZH_WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def text(lang: str, key: str, **values: object) -> str:
    """The text ``key`` in ``lang`` (English for any other language), filled with ``values``."""
    en, zh = TEXT[key]
    return (zh if lang == "zh" else en).format(**values)


def counted(lang: str, key: str, n: int) -> str:
    """``key`` for ``n`` things: ``key_one`` when there is one and the table has it."""
    return text(lang, f"{key}_one" if n == 1 and f"{key}_one" in TEXT else key, n=n)


def word(lang: str, group: str, value: str) -> str:
    """A status, stage, kind, clock, tier or channel in ``lang``: ``word("zh", "stage", "new")``."""
    key = f"{group}_{value.replace(' ', '_')}"
    if lang == "zh" and (zh := WORDS.get(key)) is not None:
        return zh
    return EN_WORDS.get(key) or value.replace("_", " ")


def day_text(lang: str, day: dt.date) -> str:
    """The digest's day: 'Wed 18 Nov 2026' / '2026年11月18日 周三'."""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日 {_ZH_WEEKDAYS[day.weekday()]}"
    return f"{day:%a %d %b %Y}"


def time_text(lang: str, local: dt.datetime, *, now: dt.datetime) -> str:
    """A time already in the reader's zone: 'Wed 18 Nov 21:00' / '11月18日 周三 21:00'."""
    if lang == "zh":
        return when_text(local, str(local.tzinfo), "zh", now=now)
    return f"{local:%a %d %b %H:%M}"


def span(lang: str, seconds: float) -> str:
    """A coarse length: '12 min', '5 h', '3 d' ('12 分钟', '5 小时', '3 天')."""
    seconds = abs(seconds)
    if seconds < 3600:
        return text(lang, "minutes", n=max(1, round(seconds / 60)))
    if seconds < 48 * 3600:
        return text(lang, "hours", n=round(seconds / 3600))
    return text(lang, "days", n=round(seconds / 86400))
