"""Migration 0010 (check-in): the bookings table is rebuilt on SQLite to widen
the status CHECK; the no-overlap guard, the partial index and every row that
points at a booking survive it, up and down, on both engines."""
from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from booking.database import has_overlap_guard
from booking.extensions import db
from booking.migrate import alembic_config, current_revision
from booking.models import AuditEntry, Booking, BookingStatus, OutboxMessage
from booking.services import audit
from tests.support.clock import NOW
from tests.support.factories import make_booking, make_center, make_organization, make_room

APPROVED_INDEX = "ix_bookings_approved_room_period"


def _counts(connection) -> dict[str, int]:
    return {table: connection.scalar(text(f"SELECT count(*) FROM {table}"))
            for table in ("bookings", "audit_entries", "outbox_messages")}


def _partial_index_present(connection) -> bool:
    return any(index["name"] == APPROVED_INDEX
               for index in inspect(connection).get_indexes("bookings"))


@pytest.fixture
def rows(app, session):
    center = make_center(session)
    room = make_room(session, center)
    org = make_organization(session)
    kept = make_booking(session, room, NOW + timedelta(days=2), status=BookingStatus.APPROVED,
                        organization=org)
    gone = make_booking(session, room, NOW - timedelta(days=2), status=BookingStatus.NO_SHOW,
                        organization=org, checked_in_at=None)
    for booking in (kept, gone):
        audit.record(session, None, "booking", booking.id, "create", booking_id=booking.id,
                     at=NOW)
        session.add(OutboxMessage(kind="approved", booking_id=booking.id, recipient="a@example.org",
                                  language="tr", due_at=NOW, next_attempt_at=NOW,
                                  dedupe_key=f"k{booking.id}", context={}, attempts=0))
    session.commit()
    ids = {"kept": kept.id, "gone": gone.id, "room": room.id}
    session.close()
    return ids


def test_downgrade_and_upgrade_keep_the_guard_the_index_and_the_rows_pointing_at_bookings(
        app, rows):
    with app.app_context():
        with db.engine.connect() as connection:
            before = _counts(connection)
        command.downgrade(alembic_config(), "0009")
        assert current_revision() == "0009"
        with db.engine.connect() as connection:
            assert has_overlap_guard(connection)
            assert _partial_index_present(connection)
            assert _counts(connection) == before
            assert connection.scalar(text("SELECT status FROM bookings WHERE id = :id"),
                                     {"id": rows["gone"]}) == "cancelled"
            assert "checked_in_at" not in {c["name"] for c in inspect(connection).get_columns("bookings")}
        command.upgrade(alembic_config(), "head")
        assert current_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()
        with db.engine.connect() as connection:
            assert has_overlap_guard(connection)
            assert _partial_index_present(connection)
            assert _counts(connection) == before
            if connection.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.session.remove()


def test_after_the_upgrade_no_show_is_stored_and_an_unknown_status_is_refused(app, rows):
    with app.app_context(), db.engine.connect() as connection:
        connection.execute(text("UPDATE bookings SET status = 'no_show' WHERE id = :id"),
                           {"id": rows["kept"]})
        for status in ("offered", "expired"):
            connection.execute(text("UPDATE bookings SET status = :s WHERE id = :id"),
                               {"s": status, "id": rows["kept"]})
        with pytest.raises(IntegrityError):
            connection.execute(text("UPDATE bookings SET status = 'gone' WHERE id = :id"),
                               {"id": rows["kept"]})
        connection.rollback()


def test_the_rebuilt_table_still_refuses_two_overlapping_approved_bookings(app, rows, session):
    with app.app_context():
        command.downgrade(alembic_config(), "0009")
        command.upgrade(alembic_config(), "head")
    kept = session.get(Booking, rows["kept"])
    make_booking(session, kept.room, kept.start_at + timedelta(minutes=10))
    session.commit()
    with pytest.raises(IntegrityError):
        session.execute(text("UPDATE bookings SET status = 'approved' WHERE id <> :id "
                             "AND status = 'pending'"), {"id": rows["kept"]})
        session.flush()
    session.rollback()
    assert session.query(AuditEntry).count() == 2
