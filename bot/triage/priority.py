"""P1–P4 from severity signals and the account's tier, with a one-line reason.

DESIGN.md: P1 critical (production down, data loss, security, most users, no workaround);
P2 high (core feature broken for some users, a regression, a blocker before launch); P3 normal
(bug with a workaround, integration blocker in development); P4 low (question, cosmetic, docs,
feature request).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.triage import signals as s
from bot.triage.followup import language
from bot.triage.lexicon import spaced
from bot.triage.logs import error_codes, log_lines
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


def _prose(text: str) -> str:
    """``text`` without its log lines: a pasted "Warning: ..." build line is not a cosmetic
    complaint."""
    logged = log_lines(text, limit=20_000)
    if not logged:
        return text
    pasted = set(logged.splitlines())
    return "\n".join(line for line in text.splitlines() if line.strip()[:500] not in pasted)


def detect_signals(text: str) -> list[str]:
    """Names of the severity signals present in ``text``."""
    text = s.HOST_ACTION.sub(" ", spaced(strip_placeholders(text)))
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
        ("some devices", s.DEVICE_SPECIFIC),
        ("failure", s.FAILURE),
        ("urgency words", s.URGENCY),
        ("misuse", s.MISUSE),
    )
    found = [name for name, pattern in table if pattern.search(text)]
    if s.COSMETIC.search(text) and s.COSMETIC.search(_prose(text)):
        found.insert(-3, "cosmetic/docs")
    if error_codes(text[:4000]) and language(text) == "zh":
        # kept to Chinese reports: measured there, while English ones keep today's reading
        found.append("error code")
    if s.PRICING.search(text) and (s.QUESTION.search(text) or "?" in text or "？" in text):
        found.append("pricing question")
    return found


def _base(kind: Kind, found: set[str], has_logs: bool) -> tuple[Priority, list[str]]:
    why: list[str] = []
    if kind == "outage":
        return "P1", ["outage: production down or most users affected"]
    if kind in ("status", "other"):
        return "P4", [f"{kind}: no fault reported"]
    if kind == "upgrade":
        if "pricing question" in found:
            return "P4", ["pricing or plan question for the account team"]
        return "P3", ["plan/billing request for the account team"]
    if "security" in found:
        return "P1", ["security"]
    if "data loss" in found:
        if "intermittent or limited" in found and kind == "bug":
            return "P2", ["data loss", "intermittent"]
        return "P1", ["data loss"]
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
    if (
        "error code" in found
        and severe == {"core feature broken"}
        and priority == "P2"
        and not {"production", "all users", "regression", "blocker", "some devices"} & found
    ):
        # "登录返回 6014": an SDK error code while integrating, with no stated impact, is
        # usually configuration — an integration blocker in development (DESIGN: P3)
        priority = "P3"
        why.append("error code while integrating, no impact stated")
    if (
        "misuse" in found
        and priority in ("P1", "P2")
        and not {"production", "crash", "regression"} & found
    ):
        priority = "P3"  # the error itself says the call was made wrongly: integration help
        why.append("error points at how the API is called")
    if "urgency words" in found and priority != "P1":
        why.append("urgency words alone do not raise it")
    return priority, why


@dataclass(frozen=True)
class StatedImpact:
    """What a reporter said about severity when asked outright (the Slack bug form's choices),
    rather than in words: it takes the place of the severity and breadth read from the text.

    ``severity``: ``down`` (production down for all users), ``some`` (a core feature broken
    for some users), ``workaround`` (broken, a workaround exists), ``minor`` (minor or
    cosmetic), or None (not said). ``production``: whether production is affected (None: not
    said)."""

    severity: str | None = None
    production: bool | None = None


# The signals the text may carry about how bad and how wide; a stated severity replaces them.
_SEVERITY_SIGNALS = frozenset(
    {"outage", "all users", "crash", "core feature broken", "workaround", "every time",
     "intermittent or limited", "some devices", "cosmetic/docs"}
)  # fmt: skip
_STATED_SIGNALS: dict[str, frozenset[str]] = {
    "down": frozenset({"all users", "production", "core feature broken"}),
    "some": frozenset({"core feature broken", "intermittent or limited"}),
    "workaround": frozenset({"core feature broken", "workaround"}),
    "minor": frozenset({"cosmetic/docs"}),
}
STATED_SEVERITIES = tuple(_STATED_SIGNALS)


def stated_kind(kind: Kind, stated: StatedImpact) -> Kind:
    """A report's kind once the reporter said how bad it is: "production down" is an outage,
    any other answer is not (whatever the words suggested)."""
    if stated.severity == "down":
        return "outage"
    if stated.severity in _STATED_SIGNALS and kind == "outage":
        return "bug"
    return kind


def prioritise(
    text: str,
    *,
    kind: Kind,
    tier: Tier = "pro",
    has_logs: bool = False,
    stated: StatedImpact | None = None,
) -> PriorityDecision:
    """Priority and reason for ``text`` of ``kind`` from an account on ``tier``; ``stated``:
    what the reporter chose about severity and production, which outweighs the words."""
    found = set(detect_signals(text))
    if stated is not None:
        if stated.severity in _STATED_SIGNALS:
            found = (found - _SEVERITY_SIGNALS) | _STATED_SIGNALS[stated.severity]
        if stated.production is True:
            found.add("production")
        elif stated.production is False:
            found.discard("production")
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
