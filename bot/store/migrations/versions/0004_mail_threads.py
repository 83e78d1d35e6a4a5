"""mail threads: the Message-IDs of every support e-mail, in and out

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.store.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_messages",
        sa.Column("message_id", sa.String(length=250), nullable=False),
        sa.Column("thread", sa.String(length=250), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("at", bot.store.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("message_id"),
    )
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_messages_thread"), ["thread"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_messages_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_messages_at"))
        batch_op.drop_index(batch_op.f("ix_mail_messages_thread"))
    op.drop_table("mail_messages")
