"""general assemblies (genel kurul, SPEC §9): the kind and the pair

- The kind CHECK of bookings lists ``general_assembly`` besides meeting and
  program (``ck_bookings_booking_kind``).
- ``general_assemblies``: the pair of bookings (first and second date) of one
  call, and when (and by whom) the quorum was reached at the first.

SQLite cannot ALTER a CHECK constraint: as in 0011, the stored definition of
bookings is rewritten in the migration's transaction (never a batch rebuild:
dropping bookings would cascade to the audit trail and the outbox). The
downgrade turns the assemblies' bookings into meetings first.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 21:55:00
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

from booking.models.base import UTCDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

KIND_CHECK = "ck_bookings_booking_kind"
NEW_KINDS = ("meeting", "program", "general_assembly")
OLD_KINDS = ("meeting", "program")


def _kind_check(values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"CHECK (kind IN ({listed}))"


def _sqlite_replace_check(new: tuple[str, ...]) -> None:
    """Rewrite the kind CHECK in the table's stored definition (SQLite's
    documented procedure for a constraint change that does not touch the stored
    rows; see 0011_waitlist._sqlite_replace_check for why not a batch)."""
    connection = op.get_bind()
    sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'bookings'").scalar_one()
    pattern = re.compile(rf"CONSTRAINT {KIND_CHECK} CHECK \(kind IN \([^)]*\)\)")
    if len(pattern.findall(sql)) != 1:
        raise RuntimeError(f"bookings has no single {KIND_CHECK} to rewrite")
    changed = pattern.sub(f"CONSTRAINT {KIND_CHECK} {_kind_check(new)}", sql)
    version = connection.exec_driver_sql("PRAGMA schema_version").scalar_one()
    connection.exec_driver_sql("PRAGMA writable_schema = ON")
    connection.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'bookings'", (changed,))
    connection.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    connection.exec_driver_sql("PRAGMA writable_schema = OFF")


def _change_kinds(new: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE bookings DROP CONSTRAINT IF EXISTS {KIND_CHECK}")
        op.execute(f"ALTER TABLE bookings ADD CONSTRAINT {KIND_CHECK} {_kind_check(new)}")
    else:
        _sqlite_replace_check(new)


def upgrade() -> None:
    _change_kinds(NEW_KINDS)
    op.create_table(
        "general_assemblies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("first_booking_id", sa.Integer(), nullable=False),
        sa.Column("second_booking_id", sa.Integer(), nullable=False),
        sa.Column("quorum_reached_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("quorum_reached_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_general_assemblies_organization_id_organizations"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["first_booking_id"], ["bookings.id"],
                                name=op.f("fk_general_assemblies_first_booking_id_bookings"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["second_booking_id"], ["bookings.id"],
                                name=op.f("fk_general_assemblies_second_booking_id_bookings"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["quorum_reached_by_id"], ["users.id"],
                                name=op.f("fk_general_assemblies_quorum_reached_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_general_assemblies")),
        sa.UniqueConstraint("first_booking_id",
                            name=op.f("uq_general_assemblies_first_booking_id")),
        sa.UniqueConstraint("second_booking_id",
                            name=op.f("uq_general_assemblies_second_booking_id")),
    )
    op.create_index(op.f("ix_general_assemblies_organization_id"), "general_assemblies",
                    ["organization_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_general_assemblies_organization_id"),
                  table_name="general_assemblies")
    op.drop_table("general_assemblies")
    op.execute("UPDATE bookings SET kind = 'meeting' WHERE kind = 'general_assembly'")
    _change_kinds(OLD_KINDS)
