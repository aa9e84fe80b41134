"""an address is confirmed before a self-registered account signs in

users.email_confirmed_at: set when the person opens the link mailed at
registration (or completes a password reset). Every account that exists
before this migration counts as confirmed (its creation time).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 12:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from booking.models.base import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # add_column, not batch mode: a batch on SQLite could copy the table.
    op.add_column("users", sa.Column("email_confirmed_at", UTCDateTime(timezone=True),
                                     nullable=True))
    op.execute("UPDATE users SET email_confirmed_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("email_confirmed_at")
