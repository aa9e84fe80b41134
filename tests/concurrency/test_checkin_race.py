"""A check-in at the last second racing the no-show release: one wins cleanly."""
from __future__ import annotations

from datetime import timedelta

import pytest

from booking.extensions import db
from booking.models import Booking, BookingStatus, User
from booking.services import checkin
from booking.services.errors import InvalidTransition
from tests.support.factories import make_booking
from tests.support.races import race
from tests.support.scene import build_scene, local

ROUNDS = 12


@pytest.mark.postgres
def test_a_last_second_check_in_and_the_release_leave_checked_in_or_no_show_never_both(app):
    with app.app_context():
        scene = build_scene(db.session)
        rooms = [scene.room, scene.small_room, scene.big_room]
        ids = [make_booking(db.session, rooms[i % 3], local(3 + i // 3, 15), 60,
                            status=BookingStatus.APPROVED, organization=scene.org,
                            created_by=scene.member).id for i in range(ROUNDS)]
        db.session.commit()
        member_id = scene.member.id
    outcomes = []
    for booking_id in ids:
        with app.app_context():
            closes = checkin.window(db.session.get(Booking, booking_id)).closes_at
            db.session.remove()

        def work(i: int, booking_id: int = booking_id, closes=closes) -> None:
            if i == 0:
                checkin.check_in(db.session, db.session.get(User, member_id), booking_id,
                                 closes - timedelta(milliseconds=1), via="room_qr")
            else:
                checkin.release_no_shows(db.session, closes)

        results = race(app, work, 2, lambda exc: type(exc).__name__
                       if isinstance(exc, InvalidTransition) else None)
        outcomes.append(sorted(results))
    with app.app_context():
        for booking_id, results in zip(ids, outcomes, strict=True):
            booking = db.session.get(Booking, booking_id)
            if results == ["ok", "ok"]:
                # The check-in came first, or the release found it checked in.
                assert booking.status == BookingStatus.APPROVED
                assert booking.checked_in_at is not None
            else:
                assert results == ["InvalidTransition", "ok"]
                assert booking.status == BookingStatus.NO_SHOW
                assert booking.checked_in_at is None


def test_two_releases_at_once_release_each_booking_once_with_one_message_each(app):
    """Two scheduler processes by mistake, or the job and the cron command."""
    from sqlalchemy import func, select

    from booking.models import AuditEntry, OutboxMessage
    from booking.notifications import kinds

    with app.app_context():
        scene = build_scene(db.session)
        rooms = [scene.room, scene.small_room, scene.big_room]
        for i in range(6):
            make_booking(db.session, rooms[i % 3], local(3, 10 + i), 45,
                         status=BookingStatus.APPROVED, organization=scene.org,
                         created_by=scene.member)
        db.session.commit()
    released: list[int] = []

    def work(_i: int) -> None:
        released.append(len(checkin.release_no_shows(db.session, local(3, 17))))

    assert race(app, work, 4, lambda exc: None) == ["ok"] * 4
    assert sum(released) == 6
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "no_show")) == 6
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.kind == kinds.NO_SHOW)) == 12
