"""Where tickets stand: ``/support status [SUP-1042]`` and the App Home tab, both to act on.

A customer sees their own tickets — open ones and those resolved in the last
``RECENT`` days — with who has each, what happened last and what is due next, in their
account's time zone (named) and in their conversation's language; in a DM to the bot, their
tickets of every account. Another account's key looks exactly like a missing one. Staff see
any ticket, in their own zone: on Home, engineers get what is assigned to them and the
unassigned queue (the on-call engineer first of all), with the card buttons; CSMs get their
accounts ranked by risk and the tickets at risk on them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.config import Account, Person
from bot.errors import NotFound
from bot.notify.texts import customer_language
from bot.slack.blocks import Block, escape
from bot.slack.cards import CLOCK_NAMES, engineer_buttons, status_phrase
from bot.slack.history import card_facts, slack_time
from bot.slack.notifier import SlackNotifier
from bot.slack.progress import next_due, status_line
from bot.slack.runtime import SlackRuntime
from bot.store.records import Ticket
from bot.store.slack_posts import SlackPostStore
from bot.store.tickets import TicketFilter

AT_RISK_WINDOW = dt.timedelta(hours=1)
AT_RISK_SHARE = 0.25  # less than a quarter of the target left
HOME_LIMIT = 20
RECENT = dt.timedelta(days=7)
_EMPTY = {
    "en": "You have no open tickets with us here. `/support bug` reports one.",
    "zh": "您在这里没有未关闭的工单。可以用 `/support bug` 提交问题。",
}
_MISSING = {
    "en": "I can't find a ticket {key} for this channel's account.",
    "zh": "在这个频道对应的账户下找不到工单 {key}。",
}
_RECENT_TITLE = {"en": "Resolved recently", "zh": "最近已解决"}
_OPEN_TITLE = {"en": "Your tickets", "zh": "您的工单"}


def at_risk(ticket: Ticket, *, now: dt.datetime) -> bool:
    clock = next_due(ticket)
    if clock is None or clock.due_at is None:
        return False
    left = clock.due_at - now
    if clock.breached or left <= AT_RISK_WINDOW:
        return True
    return bool(clock.target_seconds) and left.total_seconds() < AT_RISK_SHARE * float(
        clock.target_seconds or 0
    )


# -- /support status ---------------------------------------------------------------------------
def status_text(rt: SlackRuntime, *, user: str, channel: str | None, key: str | None) -> str:
    """The ephemeral answer to ``/support status``."""
    now = rt.now()
    person = rt.ctx.config.person_for_slack_user(user)
    direct = channel is None or channel.startswith("D")
    account = None if direct else rt.account_for(channel)
    if person is not None:
        return _staff_status(rt, person, key=key, now=now)
    if key:
        try:
            scope = account.id if account is not None else None
            ticket = rt.ctx.tickets.get(key.upper(), account_id=scope)
            if account is None and ticket.requester != user:
                raise NotFound(key)
        except NotFound:
            return _MISSING["en"].format(key=key.upper())
        return customer_line(rt, ticket, lang=_lang(rt, [ticket]), now=now)
    mine = customer_tickets(rt, user=user, account=account, now=now)
    lang = _lang(rt, mine)
    if not mine:
        return _EMPTY[lang]
    open_ = [t for t in mine if t.is_open]
    done = [t for t in mine if not t.is_open]
    lines = [f"*{_OPEN_TITLE[lang]}*"] if open_ else []
    lines += [customer_line(rt, t, lang=lang, now=now) for t in open_[:HOME_LIMIT]]
    if done:
        lines.append(f"*{_RECENT_TITLE[lang]}*")
        lines += [customer_line(rt, t, lang=lang, now=now) for t in done[:HOME_LIMIT]]
    return "\n".join(lines)


def customer_tickets(
    rt: SlackRuntime, *, user: str, account: Account | None, now: dt.datetime
) -> list[Ticket]:
    """The user's open tickets (soonest due first) and those resolved in the last week; of
    the channel's account, or of every account in a DM."""
    since = now - RECENT
    scope = account.id if account is not None else None
    found = rt.ctx.tickets.query(TicketFilter(account_id=scope, updated_since=since, limit=500))
    found += rt.ctx.tickets.query(TicketFilter(account_id=scope, open_only=True, limit=500))
    mine = {t.id: t for t in found if t.requester == user}
    recent = [t for t in mine.values() if t.is_open or (t.resolved_at and t.resolved_at >= since)]
    return sorted(recent, key=lambda t: (not t.is_open, _due(t), t.id))


def customer_line(rt: SlackRuntime, ticket: Ticket, *, lang: str, now: dt.datetime) -> str:
    """'SUP-1042 is in progress: Chen Hao is on it. Next: …' and the subject."""
    oncall = _oncall(rt, now)
    line = status_line(ticket, config=rt.ctx.config, lang=lang, now=now, oncall=oncall)
    return f"{line}\n    _{escape(ticket.subject)[:120]}_"


def _staff_status(rt: SlackRuntime, person: Person, *, key: str | None, now: dt.datetime) -> str:
    if key:
        try:
            return staff_line(rt, rt.ctx.tickets.get(key.upper()), now=now)
        except NotFound:
            return f"There is no ticket {key.upper()}."
    mine = rt.ctx.tickets.query(TicketFilter(open_only=True, assignee_id=person.id))
    if not mine:
        return "Nothing is assigned to you right now. App Home shows the unassigned queue."
    mine.sort(key=_due)
    return "\n".join(staff_line(rt, t, now=now) for t in mine[:HOME_LIMIT])


def staff_line(rt: SlackRuntime, ticket: Ticket, *, now: dt.datetime) -> str:
    """A ticket for staff: account, priority, status, assignee, what is due, the last action
    (times in each reader's own zone)."""
    config = rt.ctx.config
    account = config.account(ticket.account_id)
    who = config.person(ticket.assignee_id or "")
    assignee = who.name if who is not None else "unassigned"
    name = account.name if account is not None else ticket.account_id
    line = (
        f"*{ticket.key}* {ticket.priority} · {escape(name)} · {status_phrase(ticket)} · "
        f"{assignee} — {escape(ticket.subject)[:100]}"
    )
    clock = next_due(ticket)
    if clock is not None and clock.due_at is not None:
        verb = "overdue since" if clock.due_at <= now else "due"
        line += f"\n    {CLOCK_NAMES.get(clock.name, clock.name)} {verb} {slack_time(clock.due_at)}"
    facts = card_facts(ticket, rt.ctx.tickets.events(ticket.id), config)
    if facts.last:
        line += f"\n    last: {facts.last}"
    return line


# -- App Home ----------------------------------------------------------------------------------
def home_view(rt: SlackRuntime, *, user: str) -> dict[str, Any]:
    """The App Home tab for ``user``."""
    now = rt.now()
    person = rt.ctx.config.person_for_slack_user(user)
    blocks: list[Block] = [{"type": "header", "text": {"type": "plain_text", "text": "deskbot"}}]
    if person is None:
        _customer_home(rt, blocks, user=user, now=now)
    else:
        _staff_home(rt, blocks, person, now=now)
    blocks.append(_context(f"Updated {slack_time(now)}"))
    return {"type": "home", "blocks": blocks[:100]}


def _customer_home(rt: SlackRuntime, blocks: list[Block], *, user: str, now: dt.datetime) -> None:
    mine = customer_tickets(rt, user=user, account=None, now=now)
    lang = _lang(rt, mine)
    blocks.append(_title(_OPEN_TITLE[lang]))
    if not mine:
        blocks.append(_context(_EMPTY[lang]))
    posts = SlackPostStore(rt.ctx.db)
    notifier = rt.notifier()
    for ticket in mine[:HOME_LIMIT]:
        section: Block = _section(customer_line(rt, ticket, lang=lang, now=now))
        link = _ticket_link(rt, ticket, posts, notifier)
        if link is not None:
            label = "打开讨论" if lang == "zh" else "Open thread"
            section["accessory"] = {
                "type": "button",
                "text": {"type": "plain_text", "text": label},
                "url": link,
                "action_id": f"deskbot_open_link:{ticket.key}",
            }
        blocks.append(section)


def _staff_home(rt: SlackRuntime, blocks: list[Block], person: Person, *, now: dt.datetime) -> None:
    open_tickets = rt.ctx.tickets.query(TicketFilter(open_only=True, limit=500))
    open_tickets.sort(key=_due)
    if person.roles != ["csm"]:
        mine = [t for t in open_tickets if t.assignee_id == person.id]
        _queue(rt, blocks, "Assigned to you", mine, now=now, empty="Nothing assigned to you.")
        oncall = _oncall_id(rt, now)
        title = "Unassigned — you are on call" if oncall == person.id else "Unassigned"
        queue = [t for t in open_tickets if t.assignee_id is None and not _commercial(t)]
        _queue(rt, blocks, title, queue, now=now, empty="The queue is empty.", buttons=True)
    watched = _watched_accounts(rt, person)
    if watched is not None:
        ranked = _accounts_by_risk(rt, watched, open_tickets, now=now)
        blocks.append(_title("Your accounts, riskiest first"))
        for account, counts in ranked:
            breached, risky, total = counts
            blocks.append(
                _section(
                    f"*{escape(account.name)}* ({account.tier}) · {breached} breached · "
                    f"{risky} at risk · {total} open"
                )
            )
        risky_tickets = [t for t in open_tickets if t.account_id in watched and at_risk(t, now=now)]
        _queue(rt, blocks, "At risk on your accounts", risky_tickets, now=now,
               empty="No ticket on your accounts is at risk.")  # fmt: skip


def _queue(
    rt: SlackRuntime,
    blocks: list[Block],
    title: str,
    tickets: list[Ticket],
    *,
    now: dt.datetime,
    empty: str,
    buttons: bool = False,
) -> None:
    blocks.append(_title(title))
    if not tickets:
        blocks.append(_context(empty))
    for ticket in tickets[:HOME_LIMIT]:
        blocks.append(_section(staff_line(rt, ticket, now=now)))
        actions = engineer_buttons(ticket) if buttons else None
        if actions is not None:
            blocks.append({**actions, "block_id": f"deskbot_home:{ticket.key}"})
    blocks.append({"type": "divider"})


def _accounts_by_risk(
    rt: SlackRuntime, watched: set[str], open_tickets: list[Ticket], *, now: dt.datetime
) -> list[tuple[Account, tuple[int, int, int]]]:
    out = []
    for account in rt.ctx.config.accounts:
        if account.id not in watched:
            continue
        mine = [t for t in open_tickets if t.account_id == account.id]
        breached = sum(1 for t in mine if any(c.breached for c in t.clocks) or _overdue(t, now))
        risky = sum(1 for t in mine if at_risk(t, now=now))
        out.append((account, (breached, risky, len(mine))))
    return sorted(out, key=lambda pair: pair[1], reverse=True)


def _overdue(ticket: Ticket, now: dt.datetime) -> bool:
    clock = next_due(ticket)
    return clock is not None and clock.due_at is not None and clock.due_at <= now


def _watched_accounts(rt: SlackRuntime, person: Person) -> set[str] | None:
    if "manager" in person.roles or "admin" in person.roles:
        return {a.id for a in rt.ctx.config.accounts}
    if "csm" in person.roles:
        return {a.id for a in rt.ctx.config.accounts if a.csm == person.id}
    return None


def _ticket_link(
    rt: SlackRuntime, ticket: Ticket, posts: SlackPostStore, notifier: SlackNotifier
) -> str | None:
    """Where the customer opens the ticket: its Slack thread, else its web page."""
    if ticket.channel == "slack":
        return posts.thread_link(ticket.id) or notifier.permalink(ticket)
    public = rt.ctx.settings.public_url
    return f"{public.rstrip('/')}/tickets/{ticket.key}" if public else None


def _commercial(ticket: Ticket) -> bool:
    from bot.sla_clocks import COMMERCIAL_KINDS

    return ticket.kind in COMMERCIAL_KINDS


def _oncall_id(rt: SlackRuntime, now: dt.datetime) -> str | None:
    from bot.errors import DeskbotError
    from bot.sla_setup import rotation_for

    try:
        rotation = rotation_for(rt.ctx.config)
    except DeskbotError:
        return None
    return rotation.on_call(now) if rotation is not None else None


def _oncall(rt: SlackRuntime, now: dt.datetime) -> str | None:
    person = rt.ctx.config.person(_oncall_id(rt, now) or "")
    return person.name if person is not None else None


def _lang(rt: SlackRuntime, tickets: list[Ticket]) -> str:
    """The language the user speaks with us: their tickets' conversations'."""
    langs = [customer_language(rt.ctx.conversations, t) for t in tickets[:5]]
    return "zh" if langs and langs.count("zh") * 2 >= len(langs) else "en"


def _due(ticket: Ticket) -> dt.datetime:
    clock = next_due(ticket)
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return clock.due_at if clock is not None and clock.due_at is not None else far


def _title(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": f"*{text}*"}}


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}
