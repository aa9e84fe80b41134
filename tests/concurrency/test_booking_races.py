"""The booking services under 20 concurrent writers: one winner, clean conflicts."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from booking.extensions import db
from booking.models import AuditEntry, Booking, BookingStatus, OutboxMessage, OutboxStatus, User
from booking.notifications import kinds
from booking.services.bookings import (
    approve_booking,
    cancel_booking,
    create_booking,
    reject_booking,
)
from booking.services.errors import BookingConflict, InvalidTransition
from tests.concurrency.test_no_overlap_invariant import OVERLAPPING_APPROVED_PAIRS
from tests.support.factories import make_booking
from tests.support.races import race
from tests.support.scene import NOW, build_scene, local

WRITERS = 20


def _race(app, work) -> list[str]:
    """Outcomes of WRITERS concurrent ``work``: "ok" or the domain error's name."""
    return race(app, work, WRITERS, lambda exc: type(exc).__name__
                if isinstance(exc, BookingConflict | InvalidTransition) else None)


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


def _decisions(booking_id: int) -> list[tuple[str | None, str | None]]:
    """(from, to) of the booking's audit entries after its creation, in order."""
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.booking_id == booking_id,
                                 AuditEntry.action != "create")
        .order_by(AuditEntry.id)).all()
    return [(e.from_status, e.to_status) for e in entries]


def test_staff_approving_and_rejecting_one_request_at_once_decide_it_once(app):
    """Half the writers approve, half reject the same request: one decision
    wins, the others are told the request is decided; the audit trail and the
    requester's messages tell one story (no rejection written over an approval)."""
    with app.app_context():
        scene = build_scene(db.session)
        booking_id = make_booking(db.session, scene.room, local(3, 10), 60,
                                  organization=scene.org, created_by=scene.member).id
        db.session.commit()
        staff_id = scene.staff.id

    def work(i: int) -> None:
        staff = db.session.get(User, staff_id)
        if i % 2:
            reject_booking(db.session, staff, booking_id, "Salon bakımda", NOW)
        else:
            approve_booking(db.session, staff, booking_id, NOW)

    results = _race(app, work)
    assert results.count("ok") == 1, results
    assert set(results) == {"ok", "InvalidTransition"}
    with app.app_context():
        final = db.session.get(Booking, booking_id).status
        assert _decisions(booking_id) == [("pending", final.value)]
        decided = db.session.scalars(select(OutboxMessage.kind).where(
            OutboxMessage.booking_id == booking_id,
            OutboxMessage.kind.in_([kinds.APPROVED, kinds.REJECTED]))).all()
        assert decided == [kinds.APPROVED if final == BookingStatus.APPROVED else kinds.REJECTED]


def test_a_cancellation_racing_an_approval_leaves_no_reminder_behind(app):
    """The organisation cancels while staff approve: whichever comes second
    sees what the first did. Cancelled after the approval: the audit says
    approved → cancelled and the reminders the approval planned are skipped."""
    with app.app_context():
        scene = build_scene(db.session)
        booking_id = make_booking(db.session, scene.room, local(3, 10), 60,
                                  organization=scene.org, created_by=scene.member).id
        db.session.commit()
        staff_id, member_id = scene.staff.id, scene.member.id

    def work(i: int) -> None:
        if i % 2:
            cancel_booking(db.session, db.session.get(User, member_id), booking_id,
                           "Etkinlik ertelendi", NOW)
        else:
            approve_booking(db.session, db.session.get(User, staff_id), booking_id, NOW)

    results = _race(app, work)
    assert set(results) <= {"ok", "InvalidTransition"}
    with app.app_context():
        assert db.session.get(Booking, booking_id).status == BookingStatus.CANCELLED
        trail = _decisions(booking_id)
        assert trail in ([("pending", "cancelled")],
                         [("pending", "approved"), ("approved", "cancelled")]), trail
        assert results.count("ok") == len(trail)
        waiting = db.session.scalars(select(OutboxMessage.kind).where(
            OutboxMessage.booking_id == booking_id,
            OutboxMessage.kind.in_(kinds.ABOUT_UPCOMING),
            OutboxMessage.status == OutboxStatus.PENDING)).all()
        assert waiting == []
