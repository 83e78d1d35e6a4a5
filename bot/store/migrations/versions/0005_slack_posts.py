"""slack posts (live ticket cards, buttons to retire) and CSAT ratings

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.store.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_posts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column("conversation_ref", sa.String(length=200), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("buttons", sa.Boolean(), nullable=False),
        sa.Column("created_at", bot.store.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "ts", name="uq_slack_post"),
    )
    with op.batch_alter_table("slack_posts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_slack_posts_conversation_ref"), ["conversation_ref"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_slack_posts_ticket_id"), ["ticket_id"], unique=False)
    op.create_table(
        "csat_ratings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("resolved_at", bot.store.db.UTCDateTime(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("rater", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("rated_at", bot.store.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id", "resolved_at", name="uq_csat_resolution"),
    )
    with op.batch_alter_table("csat_ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_csat_ratings_ticket_id"), ["ticket_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_csat_ratings_rated_at"), ["rated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("csat_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_csat_ratings_rated_at"))
        batch_op.drop_index(batch_op.f("ix_csat_ratings_ticket_id"))
    op.drop_table("csat_ratings")
    with op.batch_alter_table("slack_posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slack_posts_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_slack_posts_conversation_ref"))
    op.drop_table("slack_posts")
