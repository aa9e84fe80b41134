"""performance indexes: approved bookings of a room by period, covering

A partial index over approved bookings only (about 85% of rows in a live
year, far fewer once old years pile up cancellations) holding every column
free/busy needs, so availability and conflict checks are answered from the
index alone (an index-only scan on PostgreSQL, a covering index on SQLite).
The figures and plans are in docs/performance.md.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APPROVED_ONLY = sa.text("status = 'approved'")


def upgrade() -> None:
    # Plain op.create_index, not batch mode: a batch on SQLite could copy the
    # table and drop the no-overlap triggers of 0001.
    op.create_index(
        "ix_bookings_approved_room_period",
        "bookings",
        # status is constant in the index; it is there so SQLite sees the index
        # as covering (it does not drop the term the partial WHERE implies).
        ["room_id", "start_at", "block_end", "end_at", "status"],
        unique=False,
        postgresql_where=APPROVED_ONLY,
        sqlite_where=APPROVED_ONLY,
    )


def downgrade() -> None:
    op.drop_index("ix_bookings_approved_room_period", table_name="bookings")
