"""check-in and no-show release (SPEC §8)

bookings: the status may also be ``offered`` and ``expired`` (the waitlist's
offers) and ``no_show``; ``checked_in_at`` and ``checked_in_by_id`` record the
first check-in. centers.checkin_required (default true) and
rooms.checkin_required (NULL: the center's setting) say who must check in.

SQLite cannot change a CHECK constraint in place: the bookings table is rebuilt
(Alembic's batch mode). The rebuild drops the no-overlap triggers and the
partial index of approved bookings, so both are dropped first and created again
afterwards with the very names and SQL of migrations 0001 and 0003
(booking/database.py names the triggers; ``has_overlap_guard`` checks them).
Dropping the old table with foreign keys on would delete the audit trail and
the outbox rows of every booking (ON DELETE CASCADE), so foreign keys are off
during the rebuild and checked before they come back on.

Downgrade: no-shows become ``cancelled`` bookings (their reason kept), offers
and expired offers ``cancelled`` too, before the old CHECK comes back.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 18:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from booking.models.base import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

OLD_STATUSES = ("pending", "approved", "rejected", "cancelled")
NEW_STATUSES = (*OLD_STATUSES, "offered", "expired", "no_show")
STATUS_CHECK = "ck_bookings_booking_status"
APPROVED_ONLY = sa.text("status = 'approved'")
APPROVED_INDEX = "ix_bookings_approved_room_period"
APPROVED_INDEX_COLUMNS = ["room_id", "start_at", "block_end", "end_at", "status", "kind",
                          "category", "expected_attendees", "actual_attendees"]

# Migration 0001's triggers, word for word.
OVERLAP_SQLITE_CONDITION = """
    SELECT RAISE(ABORT, 'booking_overlap')
    WHERE EXISTS (
        SELECT 1 FROM bookings AS other
        WHERE other.room_id = NEW.room_id
          AND other.status = 'approved'
          AND other.id IS NOT NEW.id
          AND other.start_at < NEW.block_end
          AND NEW.start_at < other.block_end
    );
"""
SQLITE_TRIGGERS = {
    "trg_bookings_no_overlap_insert": (
        "CREATE TRIGGER trg_bookings_no_overlap_insert BEFORE INSERT ON bookings "
        "WHEN NEW.status = 'approved' BEGIN" + OVERLAP_SQLITE_CONDITION + "END"
    ),
    "trg_bookings_no_overlap_update": (
        "CREATE TRIGGER trg_bookings_no_overlap_update "
        "BEFORE UPDATE OF status, room_id, start_at, end_at, block_end ON bookings "
        "WHEN NEW.status = 'approved' BEGIN" + OVERLAP_SQLITE_CONDITION + "END"
    ),
}


def _in_list(values: tuple[str, ...]) -> str:
    return "status IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _foreign_keys(on: bool) -> None:
    """SQLite only changes the pragma outside a transaction: end the migration's
    transaction, switch, begin again (the version row is written in the new one)."""
    bind = op.get_bind()
    if not on:
        bind.exec_driver_sql("COMMIT")
        bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
        bind.exec_driver_sql("BEGIN IMMEDIATE")
        return
    broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"foreign keys broken by the rebuild: {broken[:5]}")
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys=ON")
    bind.exec_driver_sql("BEGIN IMMEDIATE")


def _before_rebuild() -> None:
    op.drop_index(APPROVED_INDEX, table_name="bookings")
    if _is_sqlite():
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _after_rebuild() -> None:
    if _is_sqlite():
        for sql in SQLITE_TRIGGERS.values():
            op.execute(sql)
    op.create_index(APPROVED_INDEX, "bookings", APPROVED_INDEX_COLUMNS, unique=False,
                    postgresql_where=APPROVED_ONLY, sqlite_where=APPROVED_ONLY)


def upgrade() -> None:
    if _is_sqlite():
        _foreign_keys(on=False)
    with op.batch_alter_table("centers") as batch_op:
        batch_op.add_column(sa.Column("checkin_required", sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    with op.batch_alter_table("rooms") as batch_op:
        batch_op.add_column(sa.Column("checkin_required", sa.Boolean(), nullable=True))
    _before_rebuild()
    with op.batch_alter_table("bookings", recreate="always" if _is_sqlite() else "auto") \
            as batch_op:
        batch_op.drop_constraint(op.f(STATUS_CHECK), type_="check")
        batch_op.create_check_constraint(op.f(STATUS_CHECK), _in_list(NEW_STATUSES))
        batch_op.add_column(sa.Column("checked_in_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("checked_in_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_bookings_checked_in_by_id_users"), "users",
                                    ["checked_in_by_id"], ["id"], ondelete="SET NULL")
    _after_rebuild()
    if _is_sqlite():
        _foreign_keys(on=True)


def downgrade() -> None:
    if _is_sqlite():
        _foreign_keys(on=False)
    op.execute(
        "UPDATE bookings SET status = 'cancelled' "
        "WHERE status IN ('no_show', 'offered', 'expired')"
    )
    _before_rebuild()
    with op.batch_alter_table("bookings", recreate="always" if _is_sqlite() else "auto") \
            as batch_op:
        batch_op.drop_constraint(op.f("fk_bookings_checked_in_by_id_users"), type_="foreignkey")
        batch_op.drop_column("checked_in_by_id")
        batch_op.drop_column("checked_in_at")
        batch_op.drop_constraint(op.f(STATUS_CHECK), type_="check")
        batch_op.create_check_constraint(op.f(STATUS_CHECK), _in_list(OLD_STATUSES))
    _after_rebuild()
    with op.batch_alter_table("rooms") as batch_op:
        batch_op.drop_column("checkin_required")
    with op.batch_alter_table("centers") as batch_op:
        batch_op.drop_column("checkin_required")
    if _is_sqlite():
        _foreign_keys(on=True)
