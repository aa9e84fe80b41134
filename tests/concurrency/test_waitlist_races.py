"""Waitlist offers under concurrent writers (SPEC §8): freed time is never held
twice, and an offer is answered once."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, text

from booking.extensions import db
from booking.models import Booking, BookingStatus, User, WaitlistEntry, WaitlistState
from booking.services import waitlist
from booking.services.bookings import cancel_booking, create_booking
from booking.services.errors import BookingConflict, InvalidTransition
from tests.support.factories import make_booking
from tests.support.races import race
from tests.support.scene import NOW, build_scene, local

S = BookingStatus

OVERLAPPING_HELD_PAIRS = text(
    """
    SELECT count(*) FROM bookings a JOIN bookings b
      ON a.room_id = b.room_id AND a.id < b.id
    WHERE a.status IN ('approved', 'offered') AND b.status IN ('approved', 'offered')
      AND a.start_at < b.block_end AND b.start_at < a.block_end
    """
)


def _outcome(exc: Exception) -> str | None:
    return type(exc).__name__ if isinstance(exc, BookingConflict | InvalidTransition) else None


def _join(session, member, room, start, minutes):
    waitlist.join(session, member, waitlist.WaitlistRequest(
        room_id=room.id, title="Sırada", start=start, end=start + timedelta(minutes=minutes),
        expected_attendees=10), NOW)


def test_six_cancellations_at_once_never_offer_the_same_time_twice(app):
    with app.app_context():
        scene = build_scene(db.session)
        room = scene.open_room
        taken = [make_booking(db.session, room, local(3, 10 + i), 60, status=S.APPROVED,
                              organization=scene.other_org, created_by=scene.other_member).id
                 for i in range(6)]
        db.session.commit()
        # Overlapping wishes of both organisations, oldest first.
        for member, hour, minutes in ((scene.member, 10, 360), (scene.other_member, 10, 60),
                                      (scene.member, 11, 90), (scene.other_member, 12, 120),
                                      (scene.member, 14, 60), (scene.other_member, 15, 60)):
            _join(db.session, member, room, local(3, hour), minutes)
            db.session.commit()
        owner_id = scene.other_member.id

    def work(i: int) -> None:
        cancel_booking(db.session, db.session.get(User, owner_id), taken[i], None, NOW)

    results = race(app, work, len(taken), _outcome)
    assert results == ["ok"] * len(taken)
    with app.app_context():
        assert db.session.scalar(OVERLAPPING_HELD_PAIRS) == 0
        offers = db.session.scalars(select(Booking).where(Booking.status == S.OFFERED)).all()
        offered_entries = db.session.scalars(select(WaitlistEntry).where(
            WaitlistEntry.state == WaitlistState.OFFERED)).all()
        assert offers, "the freed day went to nobody"
        assert sorted(e.booking_id for e in offered_entries) == sorted(b.id for b in offers)
        per_entry = db.session.execute(select(WaitlistEntry.id, func.count(Booking.id))
                                       .join(Booking, Booking.id == WaitlistEntry.booking_id)
                                       .group_by(WaitlistEntry.id)).all()
        assert all(count == 1 for _entry, count in per_entry)


def test_accepts_of_an_offer_racing_direct_bookings_leave_one_holder(app):
    with app.app_context():
        scene = build_scene(db.session)
        room = scene.open_room
        taken = make_booking(db.session, room, local(3, 10), 120, status=S.APPROVED,
                             organization=scene.other_org, created_by=scene.other_member)
        db.session.commit()
        _join(db.session, scene.member, room, local(3, 10), 120)
        db.session.commit()
        cancel_booking(db.session, scene.other_member, taken.id, None, NOW)
        db.session.commit()
        offer_id = db.session.scalar(select(Booking.id).where(Booking.status == S.OFFERED))
        member_id, staff_id = scene.member.id, scene.staff.id
        request = scene.request(local(3, 10, 30), 60, room=room)

    def work(i: int) -> None:
        if i % 2:
            waitlist.accept_offer(db.session, db.session.get(User, member_id), offer_id, NOW)
        else:
            create_booking(db.session, db.session.get(User, staff_id), request, NOW)

    results = race(app, work, 10, _outcome)
    assert sorted(results) == ["BookingConflict"] * 5 + ["InvalidTransition"] * 4 + ["ok"]
    with app.app_context():
        assert db.session.get(Booking, offer_id).status == S.APPROVED
        assert db.session.scalar(OVERLAPPING_HELD_PAIRS) == 0


def test_an_accept_and_a_decline_at_once_end_the_offer_one_way(app):
    with app.app_context():
        scene = build_scene(db.session)
        taken = make_booking(db.session, scene.room, local(3, 10), 120, status=S.APPROVED,
                             organization=scene.other_org, created_by=scene.other_member)
        db.session.commit()
        _join(db.session, scene.member, scene.room, local(3, 10), 120)
        db.session.commit()
        cancel_booking(db.session, scene.other_member, taken.id, None, NOW)
        db.session.commit()
        offer_id = db.session.scalar(select(Booking.id).where(Booking.status == S.OFFERED))
        member_id = scene.member.id

    def work(i: int) -> None:
        member = db.session.get(User, member_id)
        answer = waitlist.accept_offer if i % 2 else waitlist.decline_offer
        answer(db.session, member, offer_id, NOW)

    results = race(app, work, 8, _outcome)
    assert sorted(results) == ["InvalidTransition"] * 7 + ["ok"]
    with app.app_context():
        assert db.session.get(Booking, offer_id).status in (S.PENDING, S.EXPIRED)


def test_two_expiry_runs_at_once_make_one_next_offer(app):
    """Two schedulers (or the scheduler and cron) run the expiry job at the same
    moment: the lapsed offer expires once and the next entry gets one offer."""
    with app.app_context():
        scene = build_scene(db.session)
        taken = make_booking(db.session, scene.room, local(3, 10), 60, status=S.APPROVED,
                             organization=scene.other_org, created_by=scene.other_member)
        db.session.commit()
        _join(db.session, scene.member, scene.room, local(3, 10), 60)
        _join(db.session, scene.other_member, scene.room, local(3, 10), 60)
        cancel_booking(db.session, scene.other_member, taken.id, None, NOW)
        db.session.commit()
        first, second = db.session.scalars(select(WaitlistEntry).order_by(WaitlistEntry.id)).all()
        assert (first.state, second.state) == (WaitlistState.OFFERED, WaitlistState.WAITING)
        lapsed = first.booking.offer_expires_at + timedelta(minutes=1)
        room_id = scene.room.id
        db.session.remove()

    results = race(app, lambda i: waitlist.expire_offers(db.session, lapsed), 2, _outcome)
    assert results == ["ok", "ok"], results
    with app.app_context():
        states = [e.state for e in db.session.scalars(
            select(WaitlistEntry).order_by(WaitlistEntry.id))]
        assert states == [WaitlistState.EXPIRED, WaitlistState.OFFERED]
        offered = db.session.scalar(select(func.count()).select_from(Booking).where(
            Booking.room_id == room_id, Booking.status == S.OFFERED))
        assert offered == 1
        assert db.session.execute(OVERLAPPING_HELD_PAIRS).scalar() == 0
        db.session.remove()
