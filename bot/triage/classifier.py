"""Which kind of request a message is: weighted rule scores, deterministic and explainable."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice

from bot.triage import signals as s
from bot.triage.lexicon import spaced
from bot.triage.models import Kind
from bot.triage.sections import is_empty_report, strip_placeholders

# When scores tie, the earlier kind wins: a ticket reference beats everything, an outage
# beats a plain bug, a bug beats a question that happens to contain "how".
_ORDER: tuple[Kind, ...] = ("status", "upgrade", "outage", "bug", "feature", "question", "other")


@dataclass
class Classification:
    kind: Kind
    scores: dict[str, float] = field(default_factory=dict)
    ticket_ref: str | None = None

    @property
    def confidence(self) -> float:
        ordered = sorted(self.scores.values(), reverse=True)
        if not ordered or ordered[0] <= 0:
            return 0.0
        runner = ordered[1] if len(ordered) > 1 else 0.0
        return round(min(1.0, (ordered[0] - max(runner, 0)) / (ordered[0] + 1)), 3)


def _count(pattern: re.Pattern[str], text: str, cap: int) -> int:
    return sum(1 for _ in islice(pattern.finditer(text), cap))


def ticket_reference(text: str) -> str | None:
    """'SUP-1042' (upper-cased) or 'ticket #1042' -> '1042'."""
    match = s.TICKET_REF.search(text)
    if match:
        return match.group(1).upper()
    hashed = s.TICKET_HASH.search(text)
    return hashed.group(1) if hashed else None


# A Markdown heading of an issue template ("## What did you do?") structures a report; its
# question mark is the template's, not the reporter's.
_HEADING = re.compile(r"(?m)(?:^|(?<=\s))#{1,6}[ \t]+[^\n#]*")


def _concrete_failure(text: str) -> bool:
    """Whether ``text`` names a symptom beyond "出问题" / "bug"."""
    return any(
        not s.GENERIC_FAILURE_ZH.match(m.group(0)) for m in islice(s.FAILURE.finditer(text), 20)
    )


def score(text: str, *, title: str = "", has_logs: bool = False) -> dict[str, float]:
    """Rule score per kind (higher is more likely)."""
    # template defaults ("如进房失败", "必现 / 偶现") say nothing about this report
    text, title = spaced(strip_placeholders(text)), spaced(strip_placeholders(title))
    head = title or text.split("\n", 1)[0]
    scores: dict[str, float] = dict.fromkeys(_ORDER, 0.0)
    words = len(text.split())
    ref = ticket_reference(text)
    if ref:
        scores["status"] += 3 + (2 if s.STATUS.search(text) else 0) + (1 if words < 25 else 0)
    elif s.STATUS.search(text) and re.search(
        r"(?i)\b(?:my|our) (?:ticket|case|request)|工单", text
    ):
        scores["status"] += 5
    upgrade_hits = _count(s.UPGRADE, text, 3)
    commercial = bool(s.COMMERCIAL_ZH.search(text))
    if upgrade_hits and not (s.SDK_UPGRADE.search(text) and not re.search(r"(?i)plan|套餐", text)):
        scores["upgrade"] += 2.5 * upgrade_hits
    scores["outage"] += 3 * _count(s.OUTAGE, text, 2)
    all_users = s.ALL_USERS.search(s.HOST_ACTION.sub(" ", text))
    production = s.PRODUCTION.search(text)
    # "线上所有用户崩溃", "none of our users can log in": every user failing, live
    wide_failure = bool(
        all_users and ((production and s.FAILURE.search(text)) or s.EVERYONE_FAILS.search(text))
    )
    if wide_failure:
        scores["outage"] += 6  # "线上所有用户崩溃": every user, live, failing
    elif all_users and s.CRASH.search(text):
        scores["outage"] += 2.5
    if production and s.OUTAGE.search(text):
        scores["outage"] += 1.5
    doubt = bool(s.SERVICE_DOUBT.search(text))  # "Is something wrong with your backend?"
    service_down = bool(s.OUTAGE_ZH.search(text)) or doubt
    if service_down:
        scores["outage"] += 4  # "信道服务器连不上", "所有用户都登录不上": the hosted service
    scores["bug"] += 2 * _count(s.FAILURE, head, 2) + 0.75 * _count(s.FAILURE, text, 4)
    scores["bug"] += 2.5 * _count(s.BUG_TEMPLATE, text, 2)
    scores["bug"] += 2 if has_logs else 0
    scores["bug"] += 1.5 if s.CRASH.search(text) else 0
    scores["bug"] += 1.5 if s.REGRESSION.search(text) else 0
    scores["bug"] += 3 if s.DATA_LOSS.search(text) or s.SECURITY.search(text) else 0
    if wide_failure or (service_down and (production or all_users)):
        # every user failing in production is an outage however detailed the bug report is
        scores["outage"] = max(scores["outage"], scores["bug"] + 1)
    scores["feature"] += 2.5 * _count(s.FEATURE, text, 3)
    scores["feature"] += 3.5 if s.FEATURE_TITLE.search(head) else 0
    asked, asked_head = _HEADING.sub(" ", text), _HEADING.sub(" ", head)
    asked, asked_head = s.ANYONE_ELSE.sub(" ", asked), s.ANYONE_ELSE.sub(" ", asked_head)
    scores["question"] += 2 * _count(s.QUESTION, asked, 3)
    scores["question"] += (
        3.5
        if s.QUESTION_TITLE.search(asked_head) or asked_head.rstrip().endswith(("?", "？"))
        else 0
    )
    scores["question"] += 0.5 * min(3, asked.count("?") + asked.count("？"))
    scores["question"] += 2.5 if s.USAGE_CONTEXT.search(text) else 0
    scores["question"] += 1 if s.WEAK_QUESTION.search(text) else 0
    if s.GREETING.search(text.strip()) or not text.strip():
        scores["other"] += 3
    if s.FEATURE_ASK_ZH.search(text) and scores["bug"] < 4:
        scores["feature"] = max(scores["feature"], scores["question"] + 1)
    if s.RANT_ZH.search(text) and not _concrete_failure(text):
        scores["other"] = max(scores["other"], scores["bug"] + 1)
    if service_down and scores["bug"] > 0:
        # "服务是不是挂了？进房一直超时": a failure and a doubt about the service is no how-to
        scores["outage"] = max(scores["outage"], scores["question"] + 0.5)
    if doubt and scores["bug"] > 0:
        # failing while asking whether the vendor's backend is down: that outage, not a bug
        # ("服务器连不上" alone is often a self-hosted server, so only the explicit doubt)
        scores["outage"] = max(scores["outage"], scores["bug"] + 0.5)
    if commercial and scores["bug"] < 3:
        # "请问集群版如何收费？" is a pricing ask in question form
        scores["upgrade"] = max(scores["upgrade"], scores["question"] + 1)
    # An outage is a bug first: without failure language it is likely a status or a question.
    if scores["outage"] and scores["bug"] == 0 and not s.OUTAGE.search(text):
        scores["outage"] = 0
    return scores


def classify(
    text: str, *, title: str = "", context: Sequence[str] = (), has_logs: bool = False
) -> Classification:
    """The kind of ``text``; a weak message in a thread leans on its ``context``."""
    scores = score(text, title=title, has_logs=has_logs)
    if not has_logs and is_empty_report(text, title=title):
        scores["other"] = max(scores.values()) + 1
    best = max(scores.values())
    if best < 2 and context:
        joined = "\n".join([*context, text])
        context_scores = score(joined, title=context[0].split("\n", 1)[0], has_logs=has_logs)
        scores = {k: max(v, 0.8 * context_scores[k]) for k, v in scores.items()}
        best = max(scores.values())
    if best < 1.5:
        kind: Kind = "question" if "?" in text or "？" in text else "other"
        if best > 0 and kind == "other":
            kind = max(_ORDER, key=lambda k: (scores[k], -_ORDER.index(k)))
    else:
        kind = max(_ORDER, key=lambda k: (scores[k], -_ORDER.index(k)))
    return Classification(kind=kind, scores=scores, ticket_ref=ticket_reference(text))
