"""The scan fires many tickets per transaction without changing what fires (both databases).

Batching must keep every promise of the per-ticket scan: each step exactly once (also with two
scanners racing), late steps marked late, a fired breach marking the clock, the next step stored
for the due query, and one broken ticket costing only itself.

acme-games is enterprise: P2 first response 1 h on 24x7, ladder 50% / 75% / 100%.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable, Sequence

import pytest
from sqlalchemy import text, update

from bot.context import AppContext
from bot.scheduler.scanner import ScanReport, SlaScanner
from bot.store.models import TicketEventRow
from bot.store.notifications import EscalationStep
from bot.store.sla_batch import BatchResult, Derive, DueTicket, Firing, Plan, SlaBatchStore
from tests.conftest import NOW
from tests.scheduler.conftest import H, M, open_ticket


def _escalations(ctx: AppContext) -> Counter[tuple[int, str, int]]:
    return Counter((e.ticket_id, e.clock, e.level) for e in ctx.notifications.escalations())


def _audit_events(ctx: AppContext, ticket_id: int) -> list[int]:
    return [e.data["level"] for e in ctx.tickets.events(ticket_id) if e.kind == "escalated"]


class _Recording(SlaBatchStore):
    """The real batch store, remembering the size of each transaction."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx.db)
        self.sizes: list[int] = []

    def fire(
        self, ticket_ids: Sequence[int], *, now: dt.datetime, plan: Plan, derive: Derive
    ) -> BatchResult:
        self.sizes.append(len(ticket_ids))
        return super().fire(ticket_ids, now=now, plan=plan, derive=derive)


def _scanner(ctx: AppContext, *, chunk: int = 500) -> SlaScanner:
    scanner = SlaScanner.from_context(ctx)
    scanner.chunk = chunk
    return scanner


def test_a_backlog_fires_in_bounded_transactions_with_every_semantic_kept(
    ctx: AppContext,
) -> None:
    # Nobody scanned for an hour: 12 tickets opened at NOW have three steps due, 50% and 75%
    # of them late; 5 opened at NOW + 20 min have their 50% step (at +50 min) due, late too.
    early = [open_ticket(ctx) for _ in range(12)]
    later = [open_ticket(ctx, at=NOW + 20 * M) for _ in range(5)]
    scanner = _scanner(ctx, chunk=5)
    scanner.batches = recording = _Recording(ctx)
    report = scanner.scan(NOW + 61 * M)

    assert recording.sizes == [5, 5, 5, 2], "17 tickets, at most 5 per transaction"
    assert report.errors == [] and report.tickets == 17 and report.already_fired == 0
    assert len(report.fired) == 12 * 3 + 5
    assert set(_escalations(ctx).values()) == {1}
    for ticket in early:
        steps = [(e.level, e.late) for e in ctx.notifications.escalations(ticket.id)]
        # Recorded once each; the 50% and 75% steps are folded into the breach, which is the
        # ticket's one ping and says it is late.
        assert steps == [(0, True), (1, True), (2, True)]
        assert _audit_events(ctx, ticket.id) == [0, 1, 2]
        stored = ctx.tickets.get(ticket.id)
        first = stored.clock("first_response")
        assert first is not None and first.breached, "a fired breach step marks the clock"
        assert first.next_escalation_at is None
        assert [s["fired"] for s in first.state["steps"]] == [True, True, True]
        resolution = stored.clock("resolution")
        assert resolution is not None and resolution.next_escalation_at == NOW + 4 * H
        assert stored.updated_at == NOW + 61 * M
    for ticket in later:
        assert [(e.level, e.late) for e in ctx.notifications.escalations(ticket.id)] == [(0, True)]
        first = ctx.tickets.get(ticket.id).clock("first_response")
        assert first is not None and not first.breached
        assert first.next_escalation_at == NOW + 20 * M + 45 * M, "the next step is stored"
    items = ctx.notifications.items(limit=1000)
    pings = [i for i in items if i.transport != "customer"]
    outbox = Counter((i.ticket_id, i.payload["level"]) for i in pings)
    assert sum(outbox.values()) == 12 + 5 and set(outbox.values()) == {1}, "one ping a ticket"
    assert {level for (_, level) in outbox} == {0, 2}
    late = [i for i in pings if i.payload["late"]]
    assert len(late) == 12 + 5 and all("sent late" in i.payload["text"] for i in late)
    # The breached tickets' customers are told, once each.
    told = Counter(i.ticket_id for i in items if i.transport == "customer")
    assert told == {t.id: 1 for t in early}
    # Nothing is left due, so the next scan loads nothing and fires nothing.
    assert ctx.tickets.next_wakeup() == NOW + 20 * M + 45 * M
    again = scanner.scan(NOW + 61 * M)
    assert again.tickets == 0 and again.fired == []


def _pause_in_first_plan(scanner: SlaScanner, pause: Callable[[], None]) -> None:
    """Call ``pause`` inside the scanner's first chunk, when it has read the fired steps and
    decided what to fire but written nothing yet."""
    real_fire = scanner.batches.fire
    paused: list[bool] = []

    def fire(
        ticket_ids: Sequence[int], *, now: dt.datetime, plan: Plan, derive: Derive
    ) -> BatchResult:
        def pausing_plan(due: DueTicket) -> Sequence[Firing]:
            firings = plan(due)
            if not paused:
                paused.append(True)
                pause()
            return firings

        return real_fire(ticket_ids, now=now, plan=pausing_plan, derive=derive)

    scanner.batches.fire = fire  # type: ignore[method-assign]


def _race(scanners: Sequence[SlaScanner], at: dt.datetime) -> list[ScanReport]:
    """Run the scanners in threads, each pausing inside its first chunk until the other is
    there too — which it never is while chunks lock their tickets: then the first gives up
    waiting after a second and goes on."""
    meet = threading.Barrier(len(scanners), timeout=1.0)

    def pause() -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            meet.wait()

    for scanner in scanners:
        _pause_in_first_plan(scanner, pause)
    reports: list[ScanReport] = []
    threads = [
        threading.Thread(target=lambda s=s: reports.append(s.scan(at)))  # type: ignore[misc]
        for s in scanners
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(reports) == len(scanners), "a scanner hung"
    return reports


def test_two_scanners_racing_fire_each_step_exactly_once(
    ctx: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    tickets = [open_ticket(ctx) for _ in range(12)]
    fired = 0
    for at, steps, pings in ((NOW + 46 * M, 2, 1), (NOW + 61 * M, 3, 2)):
        # Different chunk sizes, so the two scanners' transactions cover different tickets.
        reports = _race([_scanner(ctx, chunk=5), _scanner(ctx, chunk=3)], at)
        assert all(r.errors == [] for r in reports)
        fired += sum(len(r.fired) for r in reports)
        escalations = _escalations(ctx)
        assert len(escalations) == 12 * steps and set(escalations.values()) == {1}
        for ticket in tickets:
            assert _audit_events(ctx, ticket.id) == list(range(steps))
        # One ping a ticket a scan (and, on the breach, one word to its customer).
        told = 12 if steps == 3 else 0
        assert ctx.notifications.counts() == {"pending": 12 * pings + told}
    assert fired == 12 * 3, "each step reported fired by exactly one of the two"
    # ... and a step the other got first was skipped, not a failed transaction to retry.
    assert [r.message for r in caplog.records if r.levelname in ("WARNING", "ERROR")] == []


def test_a_desk_change_waits_for_the_chunk_so_the_stored_clocks_see_both(
    ctx: AppContext,
) -> None:
    """The chunk re-derives clocks from the history it read; a change committed meanwhile
    would be overwritten. The chunk's lock makes the change wait, then re-derive on top."""
    ticket = open_ticket(ctx)
    scanner = _scanner(ctx)
    acknowledged = threading.Event()

    def acknowledge() -> None:
        ctx.desk.acknowledge(ctx.tickets.get(ticket.id), agent="eng-li", now=NOW + 31 * M)
        acknowledged.set()

    desk = threading.Thread(target=acknowledge)

    def pause() -> None:
        desk.start()
        acknowledged.wait(timeout=0.5)

    _pause_in_first_plan(scanner, pause)
    report = scanner.scan(NOW + 31 * M)
    assert not acknowledged.is_set(), "the acknowledge had to wait for the chunk"
    desk.join(timeout=30)
    assert acknowledged.is_set() and [f.level for f in report.fired] == [0]
    stored = ctx.tickets.get(ticket.id)
    first = stored.clock("first_response")
    assert first is not None and first.stopped_at == NOW + 31 * M
    assert first.next_escalation_at is None, "an answered clock has nothing more to fire"
    assert [e.kind for e in ctx.tickets.events(ticket.id)] == [
        "opened",
        "escalated",
        "acknowledged",
    ]


def test_a_ticket_whose_history_cannot_be_replayed_is_reported_and_the_others_fire(
    ctx: AppContext,
) -> None:
    tickets = [open_ticket(ctx) for _ in range(5)]
    bad = tickets[2]
    with ctx.db.session() as session:  # a corrupted history: an unknown priority
        session.execute(
            update(TicketEventRow)
            .where(TicketEventRow.ticket_id == bad.id, TicketEventRow.kind == "opened")
            .values(data={"priority": "P9", "kind": "bug"})
        )
    report = _scanner(ctx).scan(NOW + 30 * M)
    assert len(report.errors) == 1 and report.errors[0].startswith(f"ticket {bad.id}:")
    assert "P9" in report.errors[0]
    assert sorted(f.ticket for f in report.fired) == sorted(t.key for t in tickets if t != bad)
    assert ctx.notifications.escalations(bad.id) == []
    # The bad ticket is untouched and stays due: the next scan tries it again.
    stored = ctx.tickets.get(bad.id).clock("first_response")
    assert stored is not None and stored.next_escalation_at == NOW + 30 * M
    assert ctx.tickets.due_clocks(NOW + 30 * M) == [(bad.id, "first_response")]


def _fail_events_of(ctx: AppContext, ticket_id: int) -> None:
    """A database trigger that refuses new history events of one ticket."""
    with ctx.db.session() as session:
        if ctx.db.dialect == "sqlite":
            session.execute(
                text(
                    f"CREATE TRIGGER refuse_events BEFORE INSERT ON ticket_events "
                    f"WHEN NEW.ticket_id = {ticket_id} "
                    f"BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
                )
            )
        else:
            session.execute(
                text(
                    f"CREATE FUNCTION refuse_events() RETURNS trigger AS $$ BEGIN "
                    f"IF NEW.ticket_id = {ticket_id} THEN "
                    f"RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$ "
                    f"LANGUAGE plpgsql"
                )
            )
            session.execute(
                text(
                    "CREATE TRIGGER refuse_events BEFORE INSERT ON ticket_events "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_events()"
                )
            )


def test_a_ticket_the_database_refuses_costs_only_itself(
    ctx: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    tickets = [open_ticket(ctx) for _ in range(7)]
    bad = tickets[4]
    _fail_events_of(ctx, bad.id)
    scanner = _scanner(ctx)
    scanner.batches = recording = _Recording(ctx)
    report = scanner.scan(NOW + 30 * M)
    # The chunk of 7 failed as a whole and was retried in halves down to the bad ticket.
    assert recording.sizes[0] == 7 and 1 in recording.sizes and len(recording.sizes) <= 7
    assert len(report.errors) == 1 and report.errors[0].startswith(f"ticket {bad.id}:")
    assert sorted(f.ticket for f in report.fired) == sorted(t.key for t in tickets if t != bad)
    assert "retrying it in halves" in caplog.text
    # Its transaction was rolled back whole: no escalation, no outbox item, still due.
    assert ctx.notifications.escalations(bad.id) == []
    assert all(i.ticket_id != bad.id for i in ctx.notifications.items())
    assert ctx.tickets.due_clocks(NOW + 30 * M) == [(bad.id, "first_response")]
    assert set(_escalations(ctx).values()) == {1}
    on_table = " ON ticket_events" if ctx.db.dialect == "postgresql" else ""
    with ctx.db.session() as session:
        session.execute(text(f"DROP TRIGGER refuse_events{on_table}"))
    retried = scanner.scan(NOW + 31 * M)
    assert [(f.ticket, f.level) for f in retried.fired] == [(bad.key, 0)]
    assert set(_escalations(ctx).values()) == {1} and len(_escalations(ctx)) == 7


def test_a_step_a_rival_records_during_the_chunk_is_skipped_not_an_error(
    ctx: AppContext,
) -> None:
    """The fired steps read at the start of a chunk are only a filter: the unique key decides.
    PostgreSQL only: SQLite's write lock keeps any other writer out until the chunk commits."""
    if ctx.db.dialect != "postgresql":
        pytest.skip("SQLite serialises writers: no rival can write during the chunk")
    ticket = open_ticket(ctx)
    scanner = _scanner(ctx)
    rival = EscalationStep(ticket.id, "first_response", 0, 0.5, NOW + 30 * M, ["eng-chen"])
    real_fire = scanner.batches.fire

    def fire(
        ticket_ids: Sequence[int], *, now: dt.datetime, plan: Plan, derive: Derive
    ) -> BatchResult:
        def late_plan(due: DueTicket) -> Sequence[Firing]:
            firings = plan(due)
            # Another worker records the step (its own transaction, committed) meanwhile.
            assert ctx.notifications.fire(rival, [], now=now, late=False) is not None
            return firings

        return real_fire(ticket_ids, now=now, plan=late_plan, derive=derive)

    scanner.batches.fire = fire  # type: ignore[method-assign]
    report = scanner.scan(NOW + 30 * M)
    assert report.errors == [] and report.fired == [] and report.already_fired == 1
    assert _escalations(ctx) == {(ticket.id, "first_response", 0): 1}
    assert _audit_events(ctx, ticket.id) == [], "the rival's step is not this scan's to record"
    assert ctx.notifications.counts() == {}
    first = ctx.tickets.get(ticket.id).clock("first_response")
    assert first is not None and first.next_escalation_at == NOW + 45 * M
