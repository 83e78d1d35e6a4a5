"""Small pieces: signed tokens, the documented vendor-token recipe, languages, SLA views."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import time
from dataclasses import replace
from pathlib import Path

from pydantic import SecretStr

from bot.settings import Settings
from bot.store.records import ClockRecord, Ticket
from bot.web import signing
from bot.web.dates import span_text, when_text, zone_text
from bot.web.i18n import language, translate
from bot.web.views import clock_view, due_text, queue_order, reason_text, upgrade_steps

NOW = dt.datetime(2026, 11, 18, 2, 0, tzinfo=dt.UTC)


def test_signed_tokens_refuse_tampering_expiry_and_other_purposes() -> None:
    key = b"k" * 32
    token = signing.sign({"u": "ada", "exp": 2_000_000_000}, key, purpose="session")
    assert signing.verify(token, key, purpose="session", now=0)["u"] == "ada"  # type: ignore[index]
    assert signing.verify(token, key, purpose="other", now=0) is None
    assert signing.verify(token, b"x" * 32, purpose="session", now=0) is None
    assert signing.verify(token, key, purpose="session", now=2_000_000_001) is None
    body, mac = token.split(".")
    assert signing.verify(body + "." + mac[:-1] + "0", key, purpose="session", now=0) is None
    assert signing.verify("garbage", key, now=0) is None
    no_exp = signing.sign({"u": "ada"}, key)
    assert signing.verify(no_exp, key, now=0) is None


def test_the_documented_python_recipe_makes_tokens_deskbot_accepts() -> None:
    # The snippet from docs/web.md, verbatim in behaviour.
    def deskbot_token(master: bytes, account: str, user: str, name: str | None = None) -> str:
        key = hmac.new(master, f"deskbot-account:{account}".encode(), hashlib.sha256).hexdigest()
        payload = {"account": account, "user": user, "name": name, "exp": int(time.time()) + 300}
        body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
        return body + "." + hmac.new(key.encode(), body.encode(), hashlib.sha256).hexdigest()

    token = deskbot_token(b"master", "streamly", "u-1", "Ada")
    key = signing.account_token_key(b"master", "streamly")
    assert signing.verify(token, key, now=time.time())["user"] == "u-1"  # type: ignore[index]


def test_session_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    first = signing.session_key(settings)
    assert len(first) == 64 and signing.session_key(settings) == first
    assert (tmp_path / "home" / "session_secret").stat().st_mode & 0o777 == 0o600
    configured = Settings(home=tmp_path / "home", session_secret=SecretStr("from-the-environment"))
    assert signing.session_key(configured) == b"from-the-environment"


def test_language_follows_the_browser() -> None:
    assert language("zh-CN,zh;q=0.9,en;q=0.8") == "zh"
    assert language("en-US,en;q=0.9,zh;q=0.8") == "en"
    assert language("fr-FR,zh-TW;q=0.5") == "zh"
    assert language("") == "en"
    assert language("zh-CN", "en") == "en"
    assert translate("zh", "due_by", due="17:00") == "截止 17:00"
    assert translate("en", "no-such-key") == "no-such-key"


def test_due_times_in_the_customer_zone() -> None:
    due = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    assert due_text(due, "Asia/Shanghai", now=due) == "Mon 23 Nov, 17:00 CST"
    assert due_text(due, "America/New_York", now=due) == "Mon 23 Nov, 04:00 EST"
    assert when_text(due, "Asia/Shanghai", "zh", now=due) == "11月23日 周一 17:00"
    assert when_text(due, "UTC", now=due + dt.timedelta(days=60)) == "Mon 23 Nov 2026, 09:00"
    assert zone_text("Asia/Shanghai", now=due) == "Asia/Shanghai (CST)"
    assert span_text(3 * 86400 + 7200) == "3d 2h"
    assert span_text(-(3600 + 300)) == "1h 05m"
    assert span_text(4 * 3600) == "4h"
    assert span_text(59) == "0m"
    assert span_text(3 * 86400 + 7200, "zh") == "3天2小时"


def test_the_priority_reason_is_not_prefixed_twice() -> None:
    ticket = replace(_ticket("T-1", ()), priority="P4", priority_reason="P4: P4: other question")
    assert reason_text(ticket) == "other question"


def _ticket(key: str, clocks: tuple[ClockRecord, ...], *, stage: str = "new") -> Ticket:
    return Ticket(
        id=int(key[-1]), key=key, account_id="a", kind="upgrade", priority="P3",
        priority_reason="", status="open", stage=stage, subject="", fields={}, missing=[],
        requester="r", requester_name=None, assignee_id=None, channel="web", channel_ref=None,
        thread_ref=None, conversation_id=None, opened_at=NOW, updated_at=NOW,
        first_response_at=None, resolved_at=None, clocks=clocks,
    )  # fmt: skip


def _clock(hours: float, **kw: object) -> ClockRecord:
    return ClockRecord(
        name="first_response", calendar="24x7", started_at=NOW,
        due_at=NOW + dt.timedelta(hours=hours), **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_queue_puts_the_soonest_breach_first_and_paused_last() -> None:
    soon, later = _ticket("T-1", (_clock(1),)), _ticket("T-2", (_clock(5),))
    paused = _ticket("T-3", (_clock(0.5, paused=True),))
    stopped = _ticket("T-4", (_clock(0.1, stopped_at=NOW),))
    assert [t.key for t in queue_order([paused, later, stopped, soon])][:2] == ["T-1", "T-2"]


def test_clock_states() -> None:
    assert clock_view(_clock(4), now=NOW).state == "running"
    assert clock_view(_clock(4), now=NOW).left == 4 * 3600
    assert clock_view(_clock(-1), now=NOW).state == "breached"
    assert clock_view(_clock(4, paused=True), now=NOW).state == "paused"
    # While paused the keeper stores no due time: still paused, not "no target".
    paused = replace(_clock(4, paused=True), due_at=None)
    assert clock_view(paused, now=NOW).state == "paused"
    met = clock_view(_clock(4, stopped_at=NOW + dt.timedelta(hours=1)), now=NOW)
    assert met.state == "met"
    late = clock_view(_clock(1, stopped_at=NOW + dt.timedelta(hours=2)), now=NOW)
    assert late.state == "breached"


def test_upgrade_stages() -> None:
    def states(stage: str) -> list[str]:
        return [s.state for s in upgrade_steps(_ticket("T-1", (), stage=stage))]

    assert states("new") == ["current", "todo", "todo", "todo"]
    assert states("in_review") == ["done", "current", "todo", "todo"]
    assert states("quote") == ["done", "done", "current", "todo"]
    assert states("done") == ["done", "done", "done", "done"]


def test_duplicates_need_the_same_account_and_a_similar_subject() -> None:
    from bot.web.duplicates import duplicate_of, suggestions

    def ticket(n: int, subject: str, account: str = "a", **fields: str) -> Ticket:
        return replace(_ticket(f"T-{n}", ()), id=n, key=f"T-{n}", subject=subject,
                       account_id=account, fields=fields)  # fmt: skip

    first = ticket(1, "Android client crashes when leaving a room")
    again = ticket(2, "android client crash when leaving the room")
    other_account = ticket(3, "Android client crashes when leaving a room", account="b")
    same_sdk = ticket(4, "Crash on leave", sdk="rtc-android", platform="Android 14")
    same_sdk_too = ticket(5, "Leave crash in rooms", sdk="rtc-android", platform="Android 14")
    unrelated = ticket(6, "Invoice for November")
    found = suggestions(first, [again, other_account, same_sdk, unrelated])
    assert [d.ticket.key for d in found] == ["T-2"]
    assert [d.ticket.key for d in suggestions(same_sdk, [same_sdk_too, first])] == ["T-5"]
    assert duplicate_of([first, again, other_account, unrelated]) == {"T-2": "T-1"}


def test_the_summary_reads_the_report_fields_or_the_first_message() -> None:
    from bot.store.records import TicketEvent
    from bot.web.summary import ticket_summary

    opened = [TicketEvent(1, "opened", NOW, "customer", "u", "It crashes on join.")]
    plain = ticket_summary(replace(_ticket("T-1", ()), subject="Crash"), opened)
    assert plain.problem == "It crashes on join." and not plain.structured
    log = "\n".join(f"line {i}" for i in range(99))
    fields = {"summary": "Crash on join", "sdk": "rtc-ios", "sdk_version": "4.1.2",
              "repro_steps": ["join", "leave"], "logs": log}  # fmt: skip
    full = ticket_summary(replace(_ticket("T-1", ()), subject="Crash", fields=fields), opened)
    assert full.problem == "Crash on join" and full.structured
    assert full.facts == [("field_sdk", "rtc-ios 4.1.2")]
    assert full.steps == "1. join\n2. leave"
    assert full.logs.endswith("line 39\n…")


def test_the_platform_fact_says_the_os_version_once() -> None:
    from bot.web.summary import ticket_summary

    def facts(fields: dict[str, str]) -> list[tuple[str, str]]:
        return ticket_summary(replace(_ticket("T-1", ()), fields=fields), []).facts

    assert facts({"platform": "Android", "os_version": "Android 14"}) == [
        ("field_platform", "Android 14")
    ]
    assert facts({"platform": "Android, iOS", "os_version": "Android 14"}) == [
        ("field_platform", "Android, iOS · Android 14")
    ]
