"""The SLA scan fires each ladder step once, on time, to the right people (both databases).

acme-games is enterprise: P2 first response 1 h and resolution 8 h on 24x7, with the
enterprise ladder 50% / 75% / 100%. NOW is Wednesday 2026-11-18 10:00 Shanghai; the weekly
rotation (handover Monday 10:00) has eng-chen on call that week.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from bot.context import AppContext
from bot.scheduler.scanner import SlaScanner
from bot.store.records import NewTicket
from tests.conftest import NOW
from tests.scheduler.conftest import H, M, audience_with, open_ticket

S = dt.timedelta(seconds=1)


def _steps(ctx: AppContext, ticket_id: int) -> list[tuple[str, int, bool]]:
    return [(e.clock, e.level, e.late) for e in ctx.notifications.escalations(ticket_id)]


def test_crossing_50_75_100_fires_exactly_one_record_per_step(
    ctx: AppContext, scanner: SlaScanner
) -> None:
    ticket = open_ticket(ctx)
    # Scan every 20 s over the first 70 minutes, and twice at some instants.
    instants = [NOW + i * 20 * S for i in range(0, 211)]
    for at in instants + instants[::7]:
        scanner.scan(at)
    assert _steps(ctx, ticket.id) == [
        ("first_response", 0, False),
        ("first_response", 1, False),
        ("first_response", 2, False),
    ]
    fired_at = [e.fired_at for e in ctx.notifications.escalations(ticket.id)]
    assert fired_at == [NOW + 30 * M, NOW + 45 * M, NOW + 60 * M]
    outbox = ctx.notifications.items()
    per_step = Counter(
        (i.payload["escalation_clock"], i.payload["level"], i.transport)
        for i in outbox
        if i.transport != "customer"
    )
    # the breach tells the customer, once
    assert [(i.transport, i.payload["kind"]) for i in outbox if i.transport == "customer"] == [
        ("customer", "late")
    ]
    # each step: one log line; neither Slack nor e-mail is configured in tests
    assert per_step == {
        ("first_response", 0, "log"): 1,
        ("first_response", 1, "log"): 1,
        ("first_response", 2, "log"): 1,
    }
    stored = ctx.tickets.get(ticket.id).clock("first_response")
    assert stored is not None and stored.next_escalation_at is None
    resolution = ctx.tickets.get(ticket.id).clock("resolution")
    assert resolution is not None and resolution.next_escalation_at == NOW + 4 * H


def test_nothing_fires_before_its_time(ctx: AppContext, scanner: SlaScanner) -> None:
    ticket = open_ticket(ctx)
    report = scanner.scan(NOW + 30 * M - S)
    assert report.fired == [] and _steps(ctx, ticket.id) == []
    assert report.next_wakeup == NOW + 30 * M
    report = scanner.scan(NOW + 30 * M)
    assert [(f.clock, f.level, f.late) for f in report.fired] == [("first_response", 0, False)]


def test_the_scan_appends_an_audit_event_and_marks_the_breach(
    ctx: AppContext, scanner: SlaScanner
) -> None:
    ticket = open_ticket(ctx)
    scanner.scan(NOW + 61 * M)
    events = [e for e in ctx.tickets.events(ticket.id) if e.kind == "escalated"]
    assert [e.data["level"] for e in events] == [0, 1, 2]
    assert all(e.actor_kind == "system" for e in events)
    assert "SLA breached" in events[-1].body and ticket.key in events[-1].body
    assert ctx.tickets.get(ticket.id).clock("first_response").breached  # type: ignore[union-attr]


def test_recipients_assignee_falls_back_to_on_call(ctx: AppContext, scanner: SlaScanner) -> None:
    unassigned = open_ticket(ctx)
    assigned = open_ticket(ctx, assignee="eng-park")
    scanner.scan(NOW + 30 * M)
    assert ctx.notifications.escalations(unassigned.id)[0].recipients == ["eng-chen"]
    assert ctx.notifications.escalations(assigned.id)[0].recipients == ["eng-park"]


def test_recipients_csm_oncall_manager_and_channel(ctx: AppContext, scanner: SlaScanner) -> None:
    ticket = open_ticket(ctx, assignee="eng-park")
    for at in (NOW + 30 * M, NOW + 45 * M, NOW + 60 * M):
        scanner.scan(at)
    by_level = {e.level: e.recipients for e in ctx.notifications.escalations(ticket.id)}
    assert by_level[1] == ["csm-wang", "eng-chen"]  # 75%: the account's CSM and on-call
    assert by_level[2] == ["csm-wang", "mgr-lin", "C0ESCALATE"]  # breach


def test_on_call_is_who_is_on_call_when_the_step_fires(ctx: AppContext) -> None:
    # Opened Sunday evening; the 50% step of the 8 h resolution clock falls after Monday's
    # 10:00 Shanghai handover from eng-chen to eng-li.
    opened = dt.datetime(2026, 11, 22, 22, 0, tzinfo=dt.UTC)  # Mon 06:00 Shanghai
    ticket = open_ticket(ctx, at=opened)
    ctx.desk.acknowledge(ticket, agent="eng-park", now=opened + M)  # assigns eng-park
    scanner = SlaScanner.from_context(ctx)
    scanner.scan(opened + 4 * H)  # Mon 10:00 Shanghai: the resolution 50% step
    recipients = {
        (e.clock, e.level): e.recipients for e in ctx.notifications.escalations(ticket.id)
    }
    assert recipients[("resolution", 0)] == ["eng-park"]
    scanner.scan(opened + 6 * H)
    recipients = {
        (e.clock, e.level): e.recipients for e in ctx.notifications.escalations(ticket.id)
    }
    assert recipients[("resolution", 1)] == ["csm-wang", "eng-li"]


def test_a_community_ticket_without_csm_skips_the_role(ctx: AppContext) -> None:
    scanner = SlaScanner.from_context(ctx)
    ticket = open_ticket(ctx, account="community", priority="P3")  # free: 24 bh first response
    first = ticket.clock("first_response")
    # Wed 7.5 h + Thu 8.5 h + Fri 8 h of business time: Friday 17:00 Shanghai
    assert first is not None and first.due_at == dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    for step in ctx.tickets.get(ticket.id).clock("first_response").state["steps"]:  # type: ignore[union-attr]
        scanner.scan(dt.datetime.fromisoformat(step["fire_at"]))
    by_level = {e.level: e.recipients for e in ctx.notifications.escalations(ticket.id)}
    assert by_level[1] == ["eng-chen"]  # 80%: on-call only, the account has no CSM
    assert by_level[2] == ["mgr-lin", "C0ESCALATE"]


def test_pause_and_resume_move_the_resolution_steps(ctx: AppContext, scanner: SlaScanner) -> None:
    ticket = open_ticket(ctx)
    ticket = ctx.desk.acknowledge(ticket, agent="eng-li", now=NOW + 5 * M)
    ticket = ctx.desk.wait_on_customer(ticket, agent="eng-li", now=NOW + 1 * H)
    # Paused: nothing of the resolution clock fires even far past its unpaused time.
    scanner.scan(NOW + 5 * H)
    assert [s for s in _steps(ctx, ticket.id) if s[0] == "resolution"] == []
    ctx.desk.customer_reply(ticket, author="U0CUSTOMER", body="logs attached", now=NOW + 3 * H)
    # 2 h paused: the 50% step moves from +4 h to +6 h.
    stored = ctx.tickets.get(ticket.id).clock("resolution")
    assert stored is not None and stored.next_escalation_at == NOW + 6 * H
    scanner.scan(NOW + 6 * H - S)
    assert [s for s in _steps(ctx, ticket.id) if s[0] == "resolution"] == []
    scanner.scan(NOW + 6 * H)
    assert [s for s in _steps(ctx, ticket.id) if s[0] == "resolution"] == [("resolution", 0, False)]


def test_a_resolved_ticket_never_escalates(ctx: AppContext, scanner: SlaScanner) -> None:
    ticket = open_ticket(ctx)
    ctx.desk.resolve(ticket, by="eng-li", now=NOW + 10 * M)
    for hours in (1, 5, 9, 48):
        scanner.scan(NOW + hours * H)
    assert _steps(ctx, ticket.id) == []
    assert ctx.tickets.next_wakeup() is None


def test_a_reopened_ticket_escalates_in_a_new_cycle(ctx: AppContext, scanner: SlaScanner) -> None:
    ticket = open_ticket(ctx)
    ticket = ctx.desk.acknowledge(ticket, agent="eng-li", now=NOW + 5 * M)
    scanner.scan(NOW + 4 * H)
    ticket = ctx.desk.resolve(ctx.tickets.get(ticket.id), by="eng-li", now=NOW + 5 * H)
    ctx.desk.reopen(ticket, by="U0CUSTOMER", now=NOW + 6 * H)
    scanner.scan(NOW + 10 * H)
    resolution = [s for s in _steps(ctx, ticket.id) if s[0].startswith("resolution")]
    assert resolution == [("resolution", 0, False), ("resolution#1", 0, False)]


def test_a_step_missed_while_down_fires_once_marked_late_after_restart(ctx: AppContext) -> None:
    ticket = open_ticket(ctx)
    SlaScanner.from_context(ctx).scan(NOW + 30 * M)  # on time
    # The service is down from +31 min to +50 min; the 75% step (+45 min) passes unseen.
    restarted = SlaScanner.from_context(ctx)
    report = restarted.scan(NOW + 50 * M)
    assert [(f.level, f.late) for f in report.fired] == [(1, True)]
    for at in (NOW + 50 * M, NOW + 51 * M, NOW + 55 * M):
        assert SlaScanner.from_context(ctx).scan(at).fired == []
    assert _steps(ctx, ticket.id) == [("first_response", 0, False), ("first_response", 1, True)]
    log = [i for i in ctx.notifications.items() if i.transport == "log" and i.payload["late"]]
    assert len(log) == 1 and "sent late" in log[0].payload["text"]


def test_late_means_past_the_wakeup_jitter_not_a_minute(
    ctx: AppContext, scanner: SlaScanner
) -> None:
    """The wake-up fires a step at its time; a few seconds of jitter is on time, but a step
    that waited 30 s for a pass (no process watching) is late — it used to take 61 s."""
    open_ticket(ctx)
    report = scanner.scan(NOW + 30 * M + 2 * S)  # the wake-up, a little behind
    assert [f.late for f in report.fired] == [False]
    report = scanner.scan(NOW + 45 * M + 30 * S)  # a step only the 30 s safety net caught
    assert [f.late for f in report.fired] == [True]
    log = [i for i in ctx.notifications.items() if i.transport == "log" and i.payload["late"]]
    assert len(log) == 1 and "sent late" in log[0].payload["text"]


def test_two_scanners_at_the_same_instant_fire_each_step_once(ctx: AppContext) -> None:
    tickets = [open_ticket(ctx) for _ in range(3)]
    first, second = SlaScanner.from_context(ctx), SlaScanner.from_context(ctx)
    at = NOW + 46 * M
    reports = [first.scan(at), second.scan(at)]
    assert sum(len(r.fired) for r in reports) == 6
    for ticket in tickets:
        # The missed 50% step is folded into the 75% one: one (late) ping per ticket.
        assert _steps(ctx, ticket.id) == [("first_response", 0, True), ("first_response", 1, True)]
    assert ctx.notifications.counts() == {"pending": 3}


def test_the_second_scanner_skips_a_step_fired_between_its_query_and_its_fire(
    ctx: AppContext,
) -> None:
    ticket = open_ticket(ctx)
    slow, fast = SlaScanner.from_context(ctx), SlaScanner.from_context(ctx)
    # The slow scanner found the ticket due; the fast one fires it before the slow one's batch.
    slow.tickets = _Racing(slow.tickets, lambda: fast.scan(NOW + 30 * M))  # type: ignore[assignment]
    report = slow.scan(NOW + 30 * M)
    assert report.tickets == 1 and report.fired == [] and report.errors == []
    assert _steps(ctx, ticket.id) == [("first_response", 0, False)]
    assert len([e for e in ctx.tickets.events(ticket.id) if e.kind == "escalated"]) == 1
    assert ctx.notifications.counts() == {"pending": 1}


class _Racing:
    """The real ticket store, with another scanner cutting in after the first due query."""

    def __init__(self, inner: object, cut_in: object) -> None:
        self._inner, self._cut_in = inner, cut_in

    def due_clocks(self, now: dt.datetime, *, limit: int = 500) -> list[tuple[int, str]]:
        due = self._inner.due_clocks(now, limit=limit)  # type: ignore[attr-defined]
        cut_in, self._cut_in = self._cut_in, None
        if cut_in is not None:
            cut_in()  # type: ignore[operator]
        return due  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


def test_only_due_tickets_are_loaded(ctx: AppContext, scanner: SlaScanner) -> None:
    for _ in range(5):
        open_ticket(ctx, priority="P4", at=NOW)
    due = open_ticket(ctx, priority="P1", at=NOW - 10 * M)  # 15 min P1 target for acme
    report = scanner.scan(NOW)
    assert report.tickets == 1 and [f.ticket for f in report.fired] == [due.key]


def test_deliveries_per_transport(ctx: AppContext) -> None:
    from bot.config.channels import NotificationsConfig, PagerDutyConfig, WebhookTarget

    config = ctx.config.model_copy(
        update={
            "notifications": NotificationsConfig(
                webhooks=[
                    WebhookTarget(url="https://hooks.example/esc"),
                    WebhookTarget(url="https://hooks.example/new", events=["ticket_opened"]),
                ],
                pagerduty=PagerDutyConfig(min_level=2),
            )
        }
    )
    scanner = SlaScanner(
        tickets=ctx.tickets, desk=ctx.desk, keeper=SlaScanner.from_context(ctx).keeper,
        config=config, audience=audience_with(ctx, config=config),
    )  # fmt: skip
    ticket = open_ticket(ctx, assignee="eng-park")
    scanner.scan(NOW + 30 * M)
    first = {(i.transport, i.target) for i in ctx.notifications.items()}
    assert first == {
        ("slack", "U0ENGPARK"),
        ("webhook", "https://hooks.example/esc"),
        ("log", "escalations"),
    }
    scanner.scan(NOW + 60 * M)
    breach = [i for i in ctx.notifications.items() if i.payload.get("level") == 2]
    assert {(i.transport, i.target) for i in breach} == {
        ("slack", "U0CSMWANG"),
        ("slack", "U0MGRLIN"),
        ("slack", "C0ESCALATE"),
        ("webhook", "https://hooks.example/esc"),
        ("pagerduty", f"deskbot:{ticket.key}:first_response"),
        ("log", "escalations"),
    }
    assert [i.target for i in ctx.notifications.items() if i.transport == "customer"] == [
        ticket.key
    ]
    slack = next(i for i in breach if i.target == "C0ESCALATE")
    assert slack.payload["kind"] == "escalation" and slack.payload["recipient"] == "channel"
    assert slack.payload["ticket"] == ticket.key and slack.payload["clock"] == "first_response"
    assert slack.payload["due_at"] == (NOW + 60 * M).isoformat()
    assert slack.payload["tier"] == "enterprise" and slack.payload["priority"] == "P2"
    pd = next(i for i in breach if i.transport == "pagerduty")
    assert pd.payload["dedup_key"] == f"deskbot:{ticket.key}:first_response"
    assert all(i.ticket_id == ticket.id and i.escalation_id for i in breach)


def test_a_backlog_of_overdue_steps_makes_one_ping_per_ticket(ctx: AppContext) -> None:
    """Nine hours nobody scanned: nine tickets have all six steps of both clocks due (54
    steps). Each ticket sends one ping, at the highest step reached, marked late; every
    ticket's customer, whatever its channel, is told the promised time passed."""
    tickets = [open_ticket(ctx) for _ in range(6)]
    for n in range(3):
        new = NewTicket(
            account_id="acme-games", kind="bug", priority="P2", subject="echo on iOS",
            requester="U0CUSTOMER", channel="slack", channel_ref="C0ACMEGAMES",
            thread_ref=f"1763431000.00010{n}",
        )  # fmt: skip
        tickets.append(ctx.desk.open(new, now=NOW))
    scanner = SlaScanner.from_context(ctx)
    scanner.audience = audience_with(ctx)
    report = scanner.scan(NOW + 9 * H)
    assert len(report.fired) == 9 * 6 and all(f.late for f in report.fired)
    items = ctx.notifications.items(limit=1000)
    for ticket in tickets:
        mine = [i for i in items if i.ticket_id == ticket.id]
        slack = Counter(i.target for i in mine if i.transport == "slack")
        assert set(slack.values()) == {1}, slack
        pings = {(i.payload.get("escalation_clock"), i.payload.get("level")) for i in mine
                 if i.payload.get("kind") == "escalation"}  # fmt: skip
        assert pings == {("first_response", 2)}, "the first-response breach, nothing older"
        ping = next(i for i in mine if i.transport == "log")
        assert ping.payload["late"] and ping.payload["collapsed"] == 5
        notices = [i for i in mine if i.transport == "customer"]
        assert [i.payload["kind"] for i in notices] == ["late"], "every channel's customer"
    assert sum(1 for i in items if i.target == "U0MGRLIN") == 9  # one per ticket, not six


def test_with_slack_off_a_step_reaches_its_people_by_email(ctx: AppContext) -> None:
    """No Slack, e-mail on: each person of a step gets an e-mail at their address from the
    organisation file; the escalation channel (a Slack channel) is nobody to e-mail."""
    scanner = SlaScanner.from_context(ctx)
    scanner.audience = audience_with(ctx, slack=False, email=True)
    ticket = open_ticket(ctx, assignee="eng-park")
    report = scanner.scan(NOW + 30 * M)
    assert [f.reached for f in report.fired] == [(("eng-park", "email"),)]
    scanner.scan(NOW + 60 * M)
    breach = [i for i in ctx.notifications.items() if i.payload.get("level") == 2]
    assert {(i.transport, i.target) for i in breach} == {
        ("email", "wang.fang@nimbus.example"),
        ("email", "lin.qiang@nimbus.example"),
        ("log", "escalations"),
    }
    mail = next(i for i in breach if i.transport == "email")
    assert mail.payload["kind"] == "escalation" and mail.payload["ticket"] == ticket.key
    assert "csm-wang (email)" in mail.payload["text"]


def test_with_neither_slack_nor_email_the_log_says_who_was_not_reached(
    ctx: AppContext, scanner: SlaScanner
) -> None:
    open_ticket(ctx, assignee="eng-park")
    report = scanner.scan(NOW + 30 * M)
    assert [f.as_dict()["reached"] for f in report.fired] == [{"eng-park": None}]
    (log,) = [i for i in ctx.notifications.items() if i.transport == "log"]
    assert "nobody reachable, logged for eng-park" in log.payload["text"]
    assert [i.transport for i in ctx.notifications.items()] == ["log"], "no pretend deliveries"
