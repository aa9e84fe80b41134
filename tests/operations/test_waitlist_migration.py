"""Migration 0011 on a database with data (both engines): the audit trail and
the outbox survive, offers are then refused over approved time, and a
downgrade turns offers into cancellations."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from booking.database import has_overlap_guard
from booking.extensions import db
from booking.migrate import alembic_config, current_revision

NOW = "2026-01-01 00:00:00"
ROWS = (
    "INSERT INTO centers (id, name, timezone, is_active, created_at, updated_at) "
    f"VALUES (1, 'Merkez', 'Europe/Istanbul', true, '{NOW}', '{NOW}')",
    "INSERT INTO rooms (id, center_id, name, capacity, requires_approval, buffer_minutes, "
    "opening_time, closing_time, min_duration_minutes, max_duration_minutes, max_advance_days, "
    f"is_active, created_at, updated_at) VALUES (1, 1, 'Salon', 10, true, 0, '08:00', '22:00', "
    f"30, 480, 180, true, '{NOW}', '{NOW}')",
    "INSERT INTO bookings (id, room_id, title, kind, category, start_at, end_at, block_end, "
    "expected_attendees, status, is_public, sequence, created_at, updated_at) VALUES (1, 1, "
    "'Toplantı', 'meeting', 'other', '2030-01-01 09:00:00', '2030-01-01 10:00:00', "
    f"'2030-01-01 10:00:00', 5, 'approved', false, 0, '{NOW}', '{NOW}')",
    "INSERT INTO audit_entries (at, entity, entity_id, booking_id, action, to_status) "
    f"VALUES ('{NOW}', 'booking', 1, 1, 'create', 'approved')",
    "INSERT INTO outbox_messages (kind, booking_id, recipient, language, due_at, dedupe_key, "
    "status, attempts, next_attempt_at, created_at) VALUES ('approved', 1, 'a@example.org', "
    f"'tr', '{NOW}', 'k1', 'sent', 1, '{NOW}', '{NOW}')",
)


def _offer(connection, booking_id: int, hour: int) -> None:
    connection.execute(text(
        "INSERT INTO bookings (id, room_id, title, kind, category, start_at, end_at, block_end, "
        "expected_attendees, status, is_public, sequence, created_at, updated_at, "
        f"offer_expires_at) VALUES ({booking_id}, 1, 'Teklif', 'meeting', 'other', "
        f"'2030-01-01 {hour:02d}:00:00', '2030-01-01 {hour + 1:02d}:00:00', "
        f"'2030-01-01 {hour + 1:02d}:00:00', 5, 'offered', false, 0, '{NOW}', '{NOW}', "
        f"'2030-01-01 08:00:00')"))


def test_0011_keeps_the_rows_that_refer_to_bookings_and_guards_offers(app):
    with app.app_context():
        command.downgrade(alembic_config(), "0009")
        with db.engine.begin() as connection:
            for statement in ROWS:
                connection.execute(text(statement))
        command.upgrade(alembic_config(), "0011")
        assert current_revision() == "0011"
        with db.engine.begin() as connection:
            assert has_overlap_guard(connection)
            counts = [connection.scalar(text(f"SELECT count(*) FROM {table}"))
                      for table in ("bookings", "audit_entries", "outbox_messages")]
            assert counts == [1, 1, 1]  # no ON DELETE CASCADE ran
            _offer(connection, 2, 12)
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            _offer(connection, 3, 9)  # over the approved booking
        command.downgrade(alembic_config(), "0009")
        with db.engine.connect() as connection:
            statuses = connection.execute(text(
                "SELECT id, status FROM bookings ORDER BY id")).all()
            assert [tuple(row) for row in statuses] == [(1, "approved"), (2, "cancelled")]
            assert has_overlap_guard(connection)
        command.upgrade(alembic_config(), "head")
