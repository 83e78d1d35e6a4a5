"""What an on-call engineer reads on the staff pages: who is on call and who a ladder step will
tell, what the customer said last, targets in the units the plan promises, a report said once,
and a digest page that lists each ticket once."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from bot.context import AppContext
from bot.sla_setup import rotation_for
from bot.store.records import ClockRecord, NewTicket, Ticket, TicketEvent
from tests.conftest import NOW
from tests.web.conftest import ClientFactory


class BusinessKeeper:
    """A basic-plan ticket: first response 8 business hours, resolution 48, one pending
    ladder step that tells every role."""

    def clocks(self, ticket: Ticket, events: Sequence[TicketEvent]) -> Sequence[ClockRecord]:
        step = {"level": 2, "fraction": 0.8, "fire_at": (NOW + dt.timedelta(hours=3)).isoformat(),
                "recipients": ["csm", "oncall", "manager", "channel"]}  # fmt: skip
        return [
            ClockRecord(
                name=name,
                calendar="business",
                started_at=ticket.opened_at,
                target_seconds=hours * 3600,
                due_at=ticket.opened_at + dt.timedelta(days=days),
                state={"steps": [step]},
            )
            for name, hours, days in (("first_response", 8, 1), ("resolution", 48, 6))
        ]


class NoClocks:
    def clocks(self, ticket: Ticket, events: Sequence[TicketEvent]) -> Sequence[ClockRecord]:
        return []


def _open(ctx: AppContext, account: str, subject: str, **extra: object) -> Ticket:
    at = extra.pop("at", NOW)
    new = NewTicket(
        account_id=account, kind=str(extra.pop("kind", "bug")),
        priority=str(extra.pop("priority", "P3")), subject=subject,
        requester=f"dev@{account}", **extra,  # type: ignore[arg-type]
    )  # fmt: skip
    return ctx.desk.open(new, now=at)  # type: ignore[arg-type]


def test_business_hour_targets_read_in_business_hours(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    web_ctx.desk.keeper = BusinessKeeper()
    ticket = _open(web_ctx, "pixelpals", "Push does not arrive")
    staff = clients(staff=True)
    english = staff.get(f"/staff/tickets/{ticket.key}", params={"lang": "en"}).text
    # 48 business hours are about six working days, not "2d 0h".
    assert "target 48 business hours" in english and "target 8 business hours" in english
    assert "2d 0h" not in english
    chinese = staff.get(f"/staff/tickets/{ticket.key}", params={"lang": "zh"}).text
    assert "目标 48 个工作小时" in chinese and "2天0小时" not in chinese


def test_a_ladder_step_names_the_people_it_will_tell(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    web_ctx.desk.keeper = BusinessKeeper()
    ticket = _open(web_ctx, "acme-games", "Voice drops")
    rotation = rotation_for(web_ctx.config)
    assert rotation is not None
    on_call = web_ctx.config.person(rotation.on_call(NOW + dt.timedelta(hours=3)))
    assert on_call is not None
    html = clients(staff=True).get(f"/staff/tickets/{ticket.key}", params={"lang": "en"}).text
    step = html[html.index("<strong>80%</strong>") :].split("</li>")[0]
    assert '<span class="person" title="csm-wang">Wang Fang (CSM)</span>' in step
    assert f'title="{on_call.id}">{on_call.name} (on-call engineer)</span>' in step
    assert "Lin Qiang (support manager)" in step and "escalation channel" in step


def test_the_queue_says_who_is_on_call(clients: ClientFactory) -> None:
    now = dt.datetime.now(dt.UTC)
    staff = clients(staff=True)
    rotation = rotation_for(staff.app.state.ctx.config)  # type: ignore[attr-defined]
    assert rotation is not None
    person = staff.app.state.ctx.config.person(rotation.on_call(now))  # type: ignore[attr-defined]
    for lang, label in (("en", "On call now"), ("zh", "当前值班")):
        html = staff.get("/staff", params={"lang": lang}).text
        line = re.search(r'data-testid="on-call">(.*?)</p>', html, re.S)
        assert line is not None and label in line.group(1)
        assert f'title="{person.id}">{person.name}</span>' in line.group(1)


def test_a_ticket_without_a_running_clock_says_so_in_the_queue(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    web_ctx.desk.keeper = NoClocks()
    ticket = _open(web_ctx, "pixelpals", "Upgrade to Pro", kind="upgrade")
    for lang, words in (("en", "no clock running"), ("zh", "无计时")):
        html = clients(staff=True).get("/staff", params={"lang": lang}).text
        row = html[html.index(f'data-key="{ticket.key}"') :].split("</tr>")[0]
        due = row[row.index('class="due"') :].split("</td>")[0]
        assert words in due and "—" not in due


def test_the_ticket_shows_what_the_customer_said_last_and_the_next_due_time(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    ticket = _open(web_ctx, "acme-games", "Crash on join", body="It crashes on join.")
    staff = clients(staff=True)
    html = staff.get(f"/staff/tickets/{ticket.key}").text
    assert 'data-testid="last-from-customer"' not in html, "nothing since the opening message"
    web_ctx.desk.customer_reply(
        ticket, author="dev@acme-games", body="Here is the log: E/RTC leave failed",
        now=NOW + dt.timedelta(minutes=20),
    )  # fmt: skip
    html = staff.get(f"/staff/tickets/{ticket.key}", params={"lang": "zh"}).text
    card = html[html.index('data-testid="summary"') : html.index('class="transcript"')]
    last = card[card.index('data-testid="last-from-customer"') :]
    assert "客户最新留言" in last and "Here is the log: E/RTC leave failed" in last
    assert "11月18日 周三 10:20" in last, "in the reader's zone (Asia/Shanghai)"
    # The clock due next is in the header, above everything an engineer scrolls past.
    head = html[: html.index('data-testid="summary"')]
    assert re.search(r'data-testid="next-due">.*?首次响应.*?data-due=', head, re.S)


def test_a_structured_report_is_said_once(clients: ClientFactory, web_ctx: AppContext) -> None:
    report = (
        "**Problem:** Crash when leaving a room\n\n**Steps:** join, leave\n\n"
        "**Conversation**\n\nDana: it crashes\n\ndeskbot: asked for logs"
    )
    fields = {"summary": "Crash when leaving a room", "sdk": "rtc-android", "sdk_version": "4.2",
              "repro_steps": ["join", "leave"]}  # fmt: skip
    ticket = _open(web_ctx, "acme-games", "Crash when leaving a room", fields=fields, body=report)
    html = clients(staff=True).get(f"/staff/tickets/{ticket.key}").text
    problem = re.search(r'<div class="problem md" data-user>(.*?)</div>', html, re.S)
    assert problem is not None
    assert "Crash when leaving a room" in problem.group(1)
    assert "asked for logs" not in problem.group(1), "the transcript stays in the history"


def test_the_digest_page_lists_each_ticket_once_and_counts_the_rest(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    now = dt.datetime.now(dt.UTC)
    # Opened an hour ago, due in 3 h (FakeKeeper: 4 h): at risk, P1 and opened at once.
    p1 = _open(web_ctx, "acme-games", "Production down", priority="P1", kind="outage",
               at=now - dt.timedelta(hours=1))  # fmt: skip
    # Ten breached tickets: the section shows 8 and links the queue for the rest.
    for n in range(10):
        _open(web_ctx, "acme-games", f"Old bug {n}", at=now - dt.timedelta(days=2))
    for lang, more in (("en", "… and 2 more"), ("zh", "… 另有 2 项")):
        html = clients(staff=True).get("/staff/digest/csm-wang", params={"lang": lang}).text
        assert html.count(f'href="/staff/tickets/{p1.key}"') == 1
        assert f'<a href="/staff?account=acme-games">{more}</a>' in html
        breached = html[html.index('data-section="breached"') :].split("</ul>")[0]
        assert breached.count('class="key"') == 8


def test_a_step_that_fired_names_whom_it_told(clients: ClientFactory, web_ctx: AppContext) -> None:
    from bot.store.notifications import Delivery, EscalationStep

    ticket = _open(web_ctx, "acme-games", "Voice drops")  # FakeKeeper: 50% fired, "assignee"
    step = EscalationStep(ticket.id, "first_response", 1, 0.5, NOW, ["eng-chen"])
    web_ctx.notifications.fire(step, [Delivery("slack", "U0ENGCHEN")], now=NOW, late=False)
    # Assigned afterwards: the step told Chen Hao, whoever holds the ticket now.
    web_ctx.desk.assign(ticket, assignee="eng-li", by="mgr-lin", now=NOW + dt.timedelta(hours=1))
    html = clients(staff=True).get(f"/staff/tickets/{ticket.key}", params={"lang": "en"}).text
    fired = html[html.index("<strong>50%</strong>") :].split("</li>")[0]
    assert '<span class="person" title="eng-chen">Chen Hao</span>' in fired
    assert "Li Na" not in fired


def test_names_are_listed_the_chinese_way_in_chinese(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    from bot.store.notifications import EscalationStep

    ticket = _open(web_ctx, "acme-games", "Voice drops")
    step = EscalationStep(ticket.id, "first_response", 1, 0.5, NOW, ["csm-wang", "eng-chen"])
    web_ctx.notifications.fire(step, [], now=NOW, late=False)
    html = clients(staff=True).get(f"/staff/tickets/{ticket.key}", params={"lang": "zh"}).text
    pair = '<span class="person" title="csm-wang">Wang Fang</span>、<span class="person"'
    history = html[html.index('class="history"') : html.index('class="col-side"')]
    assert pair in history, "the escalation in the history"
    assert pair in html[html.index('class="plan-list') :], "the step in the SLA card"


def test_the_summary_says_what_we_wait_for_and_the_latest_note(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    ticket = _open(web_ctx, "acme-games", "Black screen", body="Video is black.")
    later = NOW + dt.timedelta(minutes=10)
    web_ctx.desk.note(ticket, agent="eng-chen", body="old note", now=NOW)
    web_ctx.desk.note(ticket, agent="eng-li", body="Looks like the 4.8 encoder", now=later)
    web_ctx.desk.wait_on_customer(ticket, agent="eng-li", now=later, body="请提供 Xcode 日志")
    staff = clients(staff=True)
    html = staff.get(f"/staff/tickets/{ticket.key}", params={"lang": "zh"}).text
    card = html[html.index('data-testid="summary"') : html.index('class="transcript"')]
    asked = card[card.index('data-testid="asked"') :].split("</div></div>")[0]
    assert "正在等待客户提供" in asked and "请提供 Xcode 日志" in asked
    note = card[card.index('data-testid="last-note"') :].split("</div></div>")[0]
    assert "最新内部备注" in note and "Looks like the 4.8 encoder" in note and "Li Na" in note
    assert "old note" not in card
    web_ctx.desk.customer_reply(ticket, author="dev@acme-games", body="logs attached", now=later)
    html = staff.get(f"/staff/tickets/{ticket.key}", params={"lang": "en"}).text
    assert 'data-testid="asked"' not in html, "answered: no longer waiting"


def test_accounts_name_the_overdue_ticket_and_what_breaches_next(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    now = dt.datetime.now(dt.UTC)
    # FakeKeeper: first response 4 h after opening.
    old = _open(web_ctx, "acme-games", "Old bug", at=now - dt.timedelta(days=2))
    soon = _open(web_ctx, "acme-games", "New outage", priority="P1", at=now - dt.timedelta(hours=1))
    html = clients(staff=True).get("/staff/accounts", params={"lang": "en"}).text
    row = html[html.index('title="acme-games">Acme Games') :].split("</tr>")[0]
    assert "overdue by" in row and f'href="/staff/tickets/{old.key}"' in row
    upcoming = row[row.index('data-testid="breaches-next"') :]
    assert "next: in 2h 59m" in upcoming or "next: in 3h" in upcoming, upcoming
    assert f'href="/staff/tickets/{soon.key}"' in upcoming


def test_a_refused_sign_in_is_said_in_the_readers_language(clients: ClientFactory) -> None:
    client = clients()
    client.get("/staff/login", params={"lang": "zh"})  # the choice is remembered in a cookie
    staff = client.post("/staff/login", data={"login": "mgr-lin", "password": "nope"})
    assert staff.status_code == 401 and "用户名或密码错误。" in staff.text
    assert "wrong name or password" not in staff.text
    customer = client.post("/signin", data={"account_key": "nope"})
    assert customer.status_code == 401 and "账户密钥无效" in customer.text


def test_a_missing_ticket_is_not_blamed_on_another_account_for_staff(
    clients: ClientFactory,
) -> None:
    staff = clients(staff=True)
    page = staff.get("/staff/tickets/SUP-9999", params={"lang": "en"})
    assert page.status_code == 404 and "There is no such page or ticket." in page.text
    assert "another account" not in page.text, "staff see every account"
    assert "属于其他客户" not in staff.get("/staff/tickets/SUP-9999", params={"lang": "zh"}).text


class PausedKeeper:
    """A resolution clock paused while waiting, as the SLA keeper records it."""

    def clocks(self, ticket: Ticket, events: Sequence[TicketEvent]) -> Sequence[ClockRecord]:
        waiting = ticket.status == "waiting_on_customer"
        projected = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)
        return [
            ClockRecord(
                name="resolution", calendar="business", started_at=ticket.opened_at,
                target_seconds=24 * 3600, due_at=None if waiting else projected, paused=waiting,
                state={"projected_due_at": projected.isoformat()},
            )
        ]  # fmt: skip


def test_a_paused_clock_says_when_it_would_fall_due(
    clients: ClientFactory, web_ctx: AppContext
) -> None:
    web_ctx.desk.keeper = PausedKeeper()
    ticket = _open(web_ctx, "acme-games", "Black screen")
    web_ctx.desk.wait_on_customer(ticket, agent="eng-li", now=NOW, body="logs?")
    staff = clients(staff=True)
    html = staff.get(f"/staff/tickets/{ticket.key}", params={"lang": "en"}).text
    assert "due Fri 20 Nov, 16:00 if the customer replies now" in html
    zh = staff.get(f"/staff/tickets/{ticket.key}", params={"lang": "zh"}).text
    assert "若客户现在回复，截止 11月20日 周五 16:00" in zh
