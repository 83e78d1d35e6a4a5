"""Accounts mirrored from the organisation file."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.config import OrgConfig
from bot.store.db import Database
from bot.store.models import AccountRow


def sync_accounts(db: Database, config: OrgConfig, *, now: dt.datetime) -> int:
    """Upsert every configured account; accounts no longer configured become inactive.

    Returns how many accounts are active.
    """
    with db.session() as session:
        rows = {row.id: row for row in session.scalars(select(AccountRow))}
        for account in config.accounts:
            row = rows.pop(account.id, None) or AccountRow(id=account.id)
            row.name, row.tier, row.timezone = account.name, account.tier, account.timezone
            row.csm_id, row.active, row.synced_at = account.csm, True, now
            session.add(row)
        for gone in rows.values():
            gone.active = False
        return len(config.accounts)
