"""calendar interop: invitations may be turned off; rooms remember when a
booking left their feeds

users.calendar_invitations: whether the person's booking e-mails carry an
iTIP invitation (text/calendar; method=REQUEST or CANCEL). On for everyone,
existing accounts included.

rooms.feed_changed_at: when a booking last left the room's feeds by a move
to another room or a return to pending, so that the feed's Last-Modified
still moves forward (the booking is no longer counted there).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 18:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from booking.models.base import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # add_column, not batch mode: a batch on SQLite could copy the table.
    op.add_column("users", sa.Column("calendar_invitations", sa.Boolean(), nullable=False,
                                     server_default=sa.true()))
    op.add_column("rooms", sa.Column("feed_changed_at", UTCDateTime(timezone=True),
                                     nullable=True))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN, not a batch: with foreign keys on, SQLite would
    # cascade a batch's DROP TABLE of rooms or users to the rows that refer to them.
    op.drop_column("rooms", "feed_changed_at")
    op.drop_column("users", "calendar_invitations")
