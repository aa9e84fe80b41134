"""the waitlist: entries, offers that hold time like approved bookings

- ``waitlist_entries``: an organisation waiting for a taken interval.
- ``bookings.offer_expires_at``; the status CHECK lists every status of the
  model: pending, approved, rejected, cancelled, offered, expired, no_show
  (no_show belongs to the check-in work; it is listed here so the two
  migrations agree whatever order they are merged in: the CHECK is replaced
  whatever list it held, and a downgrade keeps no_show).
- The no-overlap guard counts offers like approved bookings: the exclusion
  constraint's predicate and the SQLite triggers' conditions become
  ``status IN ('approved', 'offered')``, and so does the partial index that
  free/busy and conflict look-ups read (docs/performance.md).

SQLite cannot ALTER a CHECK constraint: the stored definition of bookings is
rewritten in the migration's transaction (see ``_sqlite_replace_check`` for
why not a batch rebuild); its triggers and the partial index are dropped and
created again with the new predicate.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 18:40:00
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

from booking.models.base import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

NEW_STATUSES = ("pending", "approved", "rejected", "cancelled", "offered", "expired", "no_show")
# What a downgrade leaves: every status but the waitlist's own two (no_show is
# the check-in work's, whose migration may come before this one in the chain).
DOWN_STATUSES = tuple(s for s in NEW_STATUSES if s not in ("offered", "expired"))
OLD_HELD = "status = 'approved'"
NEW_HELD = "status IN ('approved', 'offered')"
INDEX = "ix_bookings_approved_room_period"
INDEX_COLUMNS = ["room_id", "start_at", "block_end", "end_at", "status", "kind", "category",
                 "expected_attendees", "actual_attendees"]
CONSTRAINT = "ex_bookings_no_overlap"
STATUS_CHECK = "ck_bookings_booking_status"
TRIGGERS = ("trg_bookings_no_overlap_insert", "trg_bookings_no_overlap_update")


def _sqlite_condition(held_other: str) -> str:
    """The triggers' body; ``held_other`` is one of the constants above."""
    return """
    SELECT RAISE(ABORT, 'booking_overlap')
    WHERE EXISTS (
        SELECT 1 FROM bookings AS other
        WHERE other.room_id = NEW.room_id
          AND """ + held_other + """
          AND other.id IS NOT NEW.id
          AND other.start_at < NEW.block_end
          AND NEW.start_at < other.block_end
    );
"""  # noqa: S608 - constant SQL: held_other is HELD_* text, never input


def _create_guard(held: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"ALTER TABLE bookings ADD CONSTRAINT {CONSTRAINT} "
            "EXCLUDE USING gist (room_id WITH =, tstzrange(start_at, block_end, '[)') WITH &&) "
            f"WHERE ({held})")
        return
    when = "NEW." + held
    body = _sqlite_condition("other." + held)
    op.execute(f"CREATE TRIGGER {TRIGGERS[0]} BEFORE INSERT ON bookings "
               f"WHEN {when} BEGIN{body}END")
    op.execute(f"CREATE TRIGGER {TRIGGERS[1]} "
               "BEFORE UPDATE OF status, room_id, start_at, end_at, block_end ON bookings "
               f"WHEN {when} BEGIN{body}END")


def _drop_guard() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE bookings DROP CONSTRAINT IF EXISTS {CONSTRAINT}")
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _create_index(held: str) -> None:
    # Plain op.create_index, not batch mode (a batch would rebuild the table).
    op.create_index(INDEX, "bookings", INDEX_COLUMNS, unique=False,
                    postgresql_where=sa.text(held), sqlite_where=sa.text(held))


def _status_check(values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"CHECK (status IN ({listed}))"


def _sqlite_replace_check(new: tuple[str, ...]) -> None:
    """Rewrite the status CHECK in the table's stored definition, in this
    transaction: SQLite's documented procedure for changing a constraint that
    does not touch the stored rows (https://sqlite.org/lang_altertable.html,
    "Making Other Kinds Of Table Schema Changes"). Not a batch rebuild: that
    drops and copies bookings, and dropping a table with foreign keys on runs
    the ON DELETE CASCADE of audit_entries and outbox_messages (every audit
    entry was lost when tried), while PRAGMA foreign_keys cannot be switched off
    inside the migration's transaction. Whatever list the CHECK holds (0009's,
    or one a migration before this one widened) becomes ``new``; every stored
    row keeps it: the upgrade only widens the list, the downgrade first turns
    the rows out of its list into cancelled ones."""
    connection = op.get_bind()
    sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'bookings'").scalar_one()
    pattern = re.compile(rf"CONSTRAINT {STATUS_CHECK} CHECK \(status IN \([^)]*\)\)")
    if len(pattern.findall(sql)) != 1:
        raise RuntimeError(f"bookings has no single {STATUS_CHECK} to rewrite")
    changed = pattern.sub(f"CONSTRAINT {STATUS_CHECK} {_status_check(new)}", sql)
    version = connection.exec_driver_sql("PRAGMA schema_version").scalar_one()
    connection.exec_driver_sql("PRAGMA writable_schema = ON")
    connection.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'bookings'", (changed,))
    connection.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    connection.exec_driver_sql("PRAGMA writable_schema = OFF")


def _change_bookings(new: tuple[str, ...], *, add: bool) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE bookings DROP CONSTRAINT IF EXISTS {STATUS_CHECK}")
        op.execute(f"ALTER TABLE bookings ADD CONSTRAINT {STATUS_CHECK} {_status_check(new)}")
    else:
        _sqlite_replace_check(new)
    # ADD / DROP COLUMN in place on both engines (SQLite >= 3.35): no rebuild.
    if add:
        op.add_column("bookings", sa.Column("offer_expires_at", UTCDateTime(timezone=True),
                                            nullable=True))
    else:
        op.execute("ALTER TABLE bookings DROP COLUMN offer_expires_at")


def upgrade() -> None:
    _drop_guard()
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
    _change_bookings(NEW_STATUSES, add=True)
    _create_index(NEW_HELD)
    _create_guard(NEW_HELD)
    op.create_table(
        "waitlist_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("start_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("end_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expected_attendees", sa.Integer(), nullable=False),
        sa.Column("state", sa.Enum("waiting", "offered", "accepted", "declined", "expired", "left",
                                   "dropped", name="waitlist_state", native_enum=False,
                                   create_constraint=True, length=32), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("end_at > start_at", name=op.f("ck_waitlist_entries_end_after_start")),
        sa.CheckConstraint("expected_attendees > 0",
                           name=op.f("ck_waitlist_entries_expected_positive")),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"],
                                name=op.f("fk_waitlist_entries_booking_id_bookings"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_waitlist_entries_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_waitlist_entries_organization_id_organizations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"],
                                name=op.f("fk_waitlist_entries_room_id_rooms"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waitlist_entries")),
    )
    op.create_index(op.f("ix_waitlist_entries_booking_id"), "waitlist_entries", ["booking_id"])
    op.create_index(op.f("ix_waitlist_entries_organization_id"), "waitlist_entries",
                    ["organization_id"])
    op.create_index("ix_waitlist_entries_room_state", "waitlist_entries",
                    ["room_id", "state", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_waitlist_entries_room_state", table_name="waitlist_entries")
    op.drop_index(op.f("ix_waitlist_entries_organization_id"), table_name="waitlist_entries")
    op.drop_index(op.f("ix_waitlist_entries_booking_id"), table_name="waitlist_entries")
    op.drop_table("waitlist_entries")
    # Offers and their ends have no place in the old schema: they become cancelled.
    op.execute("UPDATE bookings SET status = 'cancelled' WHERE status IN ('offered', 'expired')")
    _drop_guard()
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
    _change_bookings(DOWN_STATUSES, add=False)
    _create_index(OLD_HELD)
    _create_guard(OLD_HELD)
