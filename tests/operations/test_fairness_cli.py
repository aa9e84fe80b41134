"""``flask fairness release-no-shows --now ISO`` and the scheduler's job release
the bookings whose check-in window closed, once."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from booking import jobs
from booking.extensions import db
from booking.models import Booking, BookingStatus
from tests.support.factories import make_booking
from tests.support.scene import build_scene, local


def _bookings(session, scene):
    due = make_booking(session, scene.room, local(3, 15), 60, status=BookingStatus.APPROVED,
                       organization=scene.org, created_by=scene.member)
    later = make_booking(session, scene.room, local(3, 18), 60, status=BookingStatus.APPROVED,
                         organization=scene.org, created_by=scene.member)
    session.commit()
    return due.id, later.id


def _statuses(app):
    with app.app_context():
        rows = db.session.execute(select(Booking.id, Booking.status).order_by(Booking.id)).all()
        db.session.remove()
    return [status for _id, status in rows]


def test_the_command_releases_what_is_due_at_the_given_local_instant(app, runner, session):
    scene = build_scene(session)
    _bookings(session, scene)
    session.close()
    now = local(3, 15, 20).replace(tzinfo=None).isoformat()  # local time, no offset
    result = runner.invoke(args=["fairness", "release-no-shows", "--now", now])
    assert result.exit_code == 0, result.output
    assert "No-shows released: 1." in result.output
    assert _statuses(app) == [BookingStatus.NO_SHOW, BookingStatus.APPROVED]
    again = runner.invoke(args=["fairness", "release-no-shows", "--now", now])
    assert "No-shows released: 0." in again.output


def test_the_command_refuses_a_now_that_is_not_iso(runner):
    result = runner.invoke(args=["fairness", "release-no-shows", "--now", "dün"])
    assert result.exit_code == 2
    assert "ISO 8601" in result.output


def test_the_scheduler_job_releases_with_an_injected_now_and_is_idempotent(app, session):
    scene = build_scene(session)
    _bookings(session, scene)
    session.close()
    jobs.bind_app(app)
    try:
        assert jobs.release_no_shows(local(3, 15, 20) - timedelta(seconds=1)) == 0
        assert jobs.release_no_shows(local(3, 18, 20)) == 2
        assert jobs.release_no_shows(local(3, 18, 21)) == 0
    finally:
        jobs._bound.clear()
    assert _statuses(app) == [BookingStatus.NO_SHOW, BookingStatus.NO_SHOW]
