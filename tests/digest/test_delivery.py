"""Sending: once per CSM per local day, at each CSM's own 09:00, across workers."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.context import AppContext, build_context
from bot.digest import digest_moment, send_due_digests
from tests.digest.conftest import open_ticket


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def _sent(ctx: AppContext, now: dt.datetime) -> list[tuple[str, str]]:
    return [(s.csm_id, s.day.isoformat()) for s in send_due_digests(ctx, now)]


def test_each_csm_gets_theirs_at_their_own_nine_oclock(desk_ctx: AppContext) -> None:
    # 13:59 UTC on Tue 17th: 21:59 in Shanghai (a start-up then sends nothing), 08:59 in NY.
    assert _sent(desk_ctx, _utc("2026-11-17T13:59")) == []
    assert _sent(desk_ctx, _utc("2026-11-17T14:00")) == [("csm-miller", "2026-11-17")]
    assert _sent(desk_ctx, _utc("2026-11-17T14:01")) == []
    assert _sent(desk_ctx, _utc("2026-11-18T00:59")) == [], "08:59 in Shanghai"
    assert _sent(desk_ctx, _utc("2026-11-18T01:00")) == [("csm-wang", "2026-11-18")]
    assert _sent(desk_ctx, _utc("2026-11-18T13:59")) == []
    assert _sent(desk_ctx, _utc("2026-11-18T14:00")) == [("csm-miller", "2026-11-18")]


def test_never_outside_the_morning_hour_nor_on_a_day_off(desk_ctx: AppContext) -> None:
    every_minute = [
        _utc("2026-11-18T00:00") + dt.timedelta(minutes=m) for m in range(0, 14 * 24 * 60, 7)
    ]
    sent: list[tuple[str, dt.datetime]] = []
    for now in every_minute:
        sent += [(s.csm_id, now) for s in send_due_digests(desk_ctx, now)]
    zones = {"csm-wang": "Asia/Shanghai", "csm-miller": "America/New_York"}
    for csm, at in sent:
        local = at.astimezone(ZoneInfo(zones[csm]))
        assert local.hour == 9 and local.weekday() < 5, (csm, local)
    days = {(csm, at.astimezone(ZoneInfo(zones[csm])).date()) for csm, at in sent}
    assert len(days) == len(sent), "once a day"
    # Thanksgiving (Thu 26 Nov) is a day off for Sarah Miller in the US, not for Wang Fang.
    assert ("csm-miller", dt.date(2026, 11, 26)) not in days
    assert ("csm-wang", dt.date(2026, 11, 26)) in days
    assert len([d for c, d in days if c == "csm-wang"]) == 10  # two working weeks


def test_a_second_run_and_a_second_worker_send_nothing(desk_ctx: AppContext) -> None:
    open_ticket(desk_ctx, "acme-games", at=_utc("2026-11-18T00:00"), priority="P1", fr_hours=1)
    other_worker = build_context(
        desk_ctx.settings, config=desk_ctx.config, db=desk_ctx.db, migrate=False
    )
    now = _utc("2026-11-18T01:05")
    first = send_due_digests(desk_ctx, now)
    assert {s.csm_id for s in first} == {"csm-wang"}
    assert send_due_digests(other_worker, now + 10 * dt.timedelta(minutes=1)) == []
    assert send_due_digests(desk_ctx, now + 30 * dt.timedelta(minutes=1)) == []
    items = [i for i in desk_ctx.notifications.items() if i.payload["kind"] != "new_ticket"]
    assert sorted(i.target for i in items) == ["U0CSMWANG"]
    wang = next(i for i in items if i.target == "U0CSMWANG")
    assert wang.transport == "slack" and wang.payload["kind"] == "message"
    assert wang.payload["text"].startswith("Wang Fang 的日报"), "in her language (zh)"
    assert any("SUP-1001" in str(b) for b in wang.payload["blocks"])


def test_the_next_digest_starts_where_the_last_one_ended(desk_ctx: AppContext) -> None:
    from bot.digest import build_digest

    send_due_digests(desk_ctx, _utc("2026-11-17T01:30"))
    digest = build_digest(desk_ctx, "csm-wang", as_of=_utc("2026-11-18T01:00"))
    assert digest.since == _utc("2026-11-17T01:30")


def test_people_without_slack_get_the_log_transport(desk_ctx: AppContext) -> None:
    people = [
        p.model_copy(update={"slack_user": None}) if p.id == "csm-wang" else p
        for p in desk_ctx.config.people
    ]
    desk_ctx.config = desk_ctx.config.model_copy(update={"people": people})
    (sent,) = [
        s for s in send_due_digests(desk_ctx, _utc("2026-11-18T01:00")) if s.csm_id == "csm-wang"
    ]
    assert (sent.transport, sent.target) == ("log", "csm-wang")


def test_digest_time_follows_daylight_saving() -> None:
    from bot.config import Person

    miller = Person(id="m", name="M", roles=["csm"], timezone="America/New_York")
    assert digest_moment(miller, dt.date(2026, 10, 30), digest_time="09:00") == _utc(
        "2026-10-30T13:00"
    )
    assert digest_moment(miller, dt.date(2026, 11, 2), digest_time="09:00") == _utc(
        "2026-11-02T14:00"
    )


def test_a_csm_without_accounts_gets_no_daily_message(desk_ctx: AppContext) -> None:
    accounts = [
        a.model_copy(update={"csm": None}) if a.csm == "csm-miller" else a
        for a in desk_ctx.config.accounts
    ]
    desk_ctx.config = desk_ctx.config.model_copy(update={"accounts": accounts})
    assert _sent(desk_ctx, _utc("2026-11-18T01:00")) == [("csm-wang", "2026-11-18")]
    assert _sent(desk_ctx, _utc("2026-11-18T14:00")) == []


def test_a_digest_that_fails_to_queue_leaves_its_day_unclaimed(
    desk_ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Claim and queue are one transaction: a failure while queueing must not leave the day
    # claimed with nothing sent (the CSM would silently get no digest that morning).
    import bot.store.coordination as coordination

    real = coordination.outbox_row
    calls = {"n": 0}

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("outbox write failed")
        return real(*args, **kwargs)

    monkeypatch.setattr(coordination, "outbox_row", flaky)
    now = _utc("2026-11-18T01:00")  # csm-wang's 09:00 on a Wednesday
    assert _sent(desk_ctx, now) == []
    assert not desk_ctx.daily_runs.claimed("csm-wang", dt.date(2026, 11, 18))
    assert desk_ctx.notifications.items() == []
    assert _sent(desk_ctx, now + dt.timedelta(seconds=30)) == [("csm-wang", "2026-11-18")]
    assert [i.target for i in desk_ctx.notifications.items()] == ["U0CSMWANG"]
