"""Migration 0018 on a database with data (both engines): the kind CHECK is
widened in place (the audit trail and the outbox survive, no rebuild), a
general assembly's pair is stored, and a downgrade turns its dates into
meetings and refuses the kind again."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from booking.database import has_overlap_guard
from booking.extensions import db
from booking.migrate import alembic_config, current_revision
from tests.operations.test_waitlist_migration import NOW, ROWS


def _assembly_date(connection, booking_id: int, day: int) -> None:
    connection.execute(text(
        "INSERT INTO bookings (id, room_id, title, kind, category, start_at, end_at, block_end, "
        "expected_attendees, status, is_public, sequence, created_at, updated_at) VALUES "
        f"({booking_id}, 1, 'Genel Kurul', 'general_assembly', 'other', "
        f"'2030-01-{day:02d} 09:00:00', '2030-01-{day:02d} 12:00:00', "
        f"'2030-01-{day:02d} 12:00:00', 5, 'pending', false, 0, '{NOW}', '{NOW}')"))


def test_0018_widens_the_kind_in_place_and_its_downgrade_keeps_every_row(app):
    with app.app_context():
        command.downgrade(alembic_config(), "0014")
        with db.engine.begin() as connection:
            for statement in ROWS:
                connection.execute(text(statement))
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            _assembly_date(connection, 2, 10)  # the old CHECK refuses the kind
        command.upgrade(alembic_config(), "0018")
        assert current_revision() == "0018"
        with db.engine.begin() as connection:
            assert has_overlap_guard(connection)
            counts = [connection.scalar(text(f"SELECT count(*) FROM {table}"))
                      for table in ("bookings", "audit_entries", "outbox_messages")]
            assert counts == [1, 1, 1]  # no ON DELETE CASCADE ran
            _assembly_date(connection, 2, 10)
            _assembly_date(connection, 3, 24)
            connection.execute(text(
                "INSERT INTO general_assemblies (organization_id, first_booking_id, "
                f"second_booking_id, created_at) VALUES (NULL, 2, 3, '{NOW}')"))
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text(  # one assembly per date
                "INSERT INTO general_assemblies (organization_id, first_booking_id, "
                f"second_booking_id, created_at) VALUES (NULL, 2, 1, '{NOW}')"))
        command.downgrade(alembic_config(), "0014")
        with db.engine.connect() as connection:
            kinds = connection.execute(text("SELECT id, kind FROM bookings ORDER BY id")).all()
            assert [tuple(row) for row in kinds] == [(1, "meeting"), (2, "meeting"), (3, "meeting")]
            assert connection.scalar(text("SELECT count(*) FROM audit_entries")) == 1
            assert has_overlap_guard(connection)
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            _assembly_date(connection, 4, 12)
        command.upgrade(alembic_config(), "head")
