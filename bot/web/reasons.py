"""A ticket's priority reason in the reader's language. Triage writes its reasons from a fixed
vocabulary ("P2: crash, regression (pro plan)"); a Chinese page shows each known phrase in
Chinese. A reason typed by a person stays as they wrote it."""

from __future__ import annotations

import re

# Longest first where one phrase contains another ("feature request for a failing use case").
_ZH: tuple[tuple[str, str], ...] = (
    (
        "the customer asked for a person; the docs did not settle it",
        "客户要求人工处理；文档未能解答",
    ),
    ("outage: production down or most users affected", "故障：线上不可用或大部分用户受影响"),
    ("error code while integrating, no impact stated", "集成时遇到错误码，未说明影响范围"),
    ("error points at how the API is called", "错误指向接口的调用方式"),
    ("urgency words alone do not raise it", "仅有“紧急”等字样不提升优先级"),
    ("pricing or plan question for the account team", "价格或套餐咨询，转客户团队"),
    ("plan/billing request for the account team", "套餐或账单请求，转客户团队"),
    ("feature request for a failing use case", "功能需求（现有用法行不通）"),
    ("enterprise plan, production impact", "企业版，影响线上"),
    ("free plan: community support", "免费版：社区支持"),
    ("cosmetic, warning or docs", "界面、警告或文档问题"),
    ("all users in production", "线上所有用户"),
    ("most users / every time", "大部分用户 / 必现"),
    ("how-to blocked by an error", "使用问题（被报错阻塞）"),
    ("core feature broken", "核心功能不可用"),
    ("workaround available", "有临时规避方案"),
    ("how-to question", "使用问题"),
    ("feature request", "功能需求"),
    ("functional bug", "功能缺陷"),
    ("intermittent", "偶现"),
    ("regression", "版本回归"),
    ("data loss", "数据丢失"),
    ("security", "安全问题"),
    ("blocker", "阻塞上线"),
    ("crash", "崩溃"),
)  # fmt: skip
_PLAN_ZH = {"free": "免费版", "basic": "基础版", "pro": "专业版", "enterprise": "企业版"}
_NO_FAULT = re.compile(r"\b\w+: no fault reported\b")
_PLAN = re.compile(r"\((free|basic|pro|enterprise) plan\)")


def reason_in(reason: str, lang: str) -> str:
    """``reason`` for a reader of ``lang`` ("en" leaves it as written)."""
    if lang != "zh" or not reason:
        return reason
    text = _NO_FAULT.sub("未报告故障", reason)
    text = _PLAN.sub(lambda m: f"（{_PLAN_ZH[m.group(1)]}）", text)
    for english, chinese in _ZH:
        text = text.replace(english, chinese)
    if re.search(r"[A-Za-z]{3,}", text):
        return reason  # not all of it is triage's vocabulary: a person wrote it
    return text.replace(", ", "，").replace(" （", "（")
