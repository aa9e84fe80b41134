"""The booking services under 20 concurrent writers: one winner, clean conflicts."""
from __future__ import annotations

import threading

import pytest

from booking.extensions import db
from booking.models import Booking, BookingStatus, User
from booking.services.bookings import approve_booking, create_booking
from booking.services.errors import BookingConflict, InvalidTransition
from tests.factories import make_booking
from tests.scene import NOW, build_scene, local
from tests.test_no_overlap_invariant import OVERLAPPING_APPROVED_PAIRS

WRITERS = 20


def _race(app, work) -> list[str]:
    barrier = threading.Barrier(WRITERS)
    results: list[str] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                work(i)
                db.session.commit()
                outcome = "ok"
            except (BookingConflict, InvalidTransition) as exc:
                db.session.rollback()
                outcome = type(exc).__name__
            finally:
                db.session.remove()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.parametrize("buffer_only", [False, True], ids=["overlapping", "within-buffer"])
def test_twenty_staff_booking_the_same_slot_at_once_get_one_booking(app, buffer_only):
    with app.app_context():
        scene = build_scene(db.session)
        staff_id, room_id = scene.staff.id, scene.room.id

    def work(i: int) -> None:
        staff = db.session.get(User, staff_id)
        # Buffer variant: odd writers start when even ones end (inside the 15-minute buffer).
        start = local(3, 11 if buffer_only and i % 2 else 10)
        create_booking(db.session, staff, scene.request(start, 60, room=db.session.get(
            type(scene.room), room_id)), NOW)

    results = _race(app, work)
    assert sorted(results) == ["BookingConflict"] * (WRITERS - 1) + ["ok"]
    with app.app_context():
        assert db.session.scalar(OVERLAPPING_APPROVED_PAIRS) == 0


def test_twenty_approvals_of_colliding_requests_leave_exactly_one_approved(app):
    with app.app_context():
        scene = build_scene(db.session)
        ids = [make_booking(db.session, scene.room, local(3, 10), 60, organization=scene.org,
                            created_by=scene.member).id for _ in range(WRITERS)]
        db.session.commit()
        staff_id = scene.staff.id

    def work(i: int) -> None:
        approve_booking(db.session, db.session.get(User, staff_id), ids[i], NOW)

    results = _race(app, work)
    assert results.count("ok") == 1
    assert set(results) <= {"ok", "BookingConflict", "InvalidTransition"}
    with app.app_context():
        statuses = [db.session.get(Booking, i).status for i in ids]
        assert statuses.count(BookingStatus.APPROVED) == 1
        assert statuses.count(BookingStatus.REJECTED) == WRITERS - 1
        assert db.session.scalar(OVERLAPPING_APPROVED_PAIRS) == 0
