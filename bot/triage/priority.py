"""P1–P4 from severity signals and the account's tier, with a one-line reason.

DESIGN.md: P1 critical (production down, data loss, security, most users, no workaround);
P2 high (core feature broken for some users, a regression, a blocker before launch); P3 normal
(bug with a workaround, integration blocker in development); P4 low (question, cosmetic, docs,
feature request).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.triage import signals as s
from bot.triage.lexicon import spaced
from bot.triage.models import Kind, Priority, Tier
from bot.triage.sections import strip_placeholders

_LEVELS: tuple[Priority, ...] = ("P1", "P2", "P3", "P4")


@dataclass(frozen=True)
class PriorityDecision:
    priority: Priority
    reason: str
    signals: tuple[str, ...]


def _shift(priority: Priority, steps: int) -> Priority:
    """Move ``steps`` levels (negative = more urgent), clamped to P1..P4."""
    index = min(3, max(0, _LEVELS.index(priority) + steps))
    return _LEVELS[index]


def detect_signals(text: str) -> list[str]:
    """Names of the severity signals present in ``text``."""
    text = spaced(strip_placeholders(text))
    table = (
        ("security", s.SECURITY),
        ("data loss", s.DATA_LOSS),
        ("outage", s.OUTAGE),
        ("all users", s.ALL_USERS),
        ("production", s.PRODUCTION),
        ("crash", s.CRASH),
        ("core feature broken", s.CORE_BROKEN),
        ("regression", s.REGRESSION),
        ("every time", s.EVERY_TIME),
        ("blocker", s.BLOCKER),
        ("workaround", s.WORKAROUND),
        ("intermittent or limited", s.LIMITED),
        ("cosmetic/docs", s.COSMETIC),
        ("failure", s.FAILURE),
    )
    return [name for name, pattern in table if pattern.search(text)]


def _base(kind: Kind, found: set[str], has_logs: bool) -> tuple[Priority, list[str]]:
    why: list[str] = []
    if kind == "outage":
        return "P1", ["outage: production down or most users affected"]
    if kind in ("status", "other"):
        return "P4", [f"{kind}: no fault reported"]
    if kind == "upgrade":
        return "P3", ["plan/billing request for the account team"]
    if "security" in found or "data loss" in found:
        picked: list[str] = [n for n in ("security", "data loss") if n in found]
        return "P1", picked
    if kind == "question":
        if has_logs or "blocker" in found or "failure" in found:
            return "P3", ["how-to blocked by an error"]
        return "P4", ["how-to question"]
    if kind == "feature":
        if {"crash", "core feature broken"} & found or ("failure" in found and has_logs):
            return "P3", ["feature request for a failing use case"]
        return "P4", ["feature request"]
    # bug
    priority: Priority = "P3"
    why.append("functional bug")
    severe = {"crash", "core feature broken"} & found
    if severe:
        priority = "P2"
        why = sorted(severe)
    if "regression" in found:
        priority = "P2" if priority == "P3" else priority
        why.append("regression")
    if "blocker" in found:
        priority = "P2" if priority == "P3" else priority
        why.append("blocker")
    wide = "all users" in found or ("production" in found and "every time" in found)
    if severe and (wide or ("regression" in found and "every time" in found)):
        priority = "P1"
        why.append("most users / every time")
    elif "all users" in found and "production" in found:
        priority = "P1"
        why.append("all users in production")
    if "workaround" in found and priority == "P2":
        priority = "P3"  # DESIGN: a bug with a workaround is normal
        why.append("workaround available")
    elif "intermittent or limited" in found and not severe and priority == "P2":
        why.append("intermittent")
    if "cosmetic/docs" in found and not severe and "regression" not in found:
        priority = "P4"
        why = ["cosmetic, warning or docs"]
    return priority, why


def prioritise(
    text: str, *, kind: Kind, tier: Tier = "pro", has_logs: bool = False
) -> PriorityDecision:
    """Priority and reason for ``text`` of ``kind`` from an account on ``tier``."""
    found = set(detect_signals(text))
    priority, why = _base(kind, found, has_logs)
    return apply_tier(priority, why, kind=kind, tier=tier, found=found)


def apply_tier(
    priority: Priority, why: list[str], *, kind: Kind, tier: Tier, found: set[str]
) -> PriorityDecision:
    """Enterprise production faults move up one level; a free account's P1 needs security or
    data loss (community support has no critical lane)."""
    why = list(why)
    if kind in ("bug", "outage"):
        if (
            tier == "enterprise"
            and priority in ("P2", "P3")
            and ("production" in found or "blocker" in found)
        ):
            priority = _shift(priority, -1)
            why.append("enterprise plan, production impact")
        elif tier == "free" and priority == "P1" and not {"security", "data loss"} & found:
            priority = "P2"
            why.append("free plan: community support")
    reason = f"{priority}: {', '.join(why)} ({tier} plan)"
    return PriorityDecision(priority=priority, reason=reason, signals=tuple(sorted(found)))
