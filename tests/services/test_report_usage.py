"""The report's no-shows, no-show rate and room occupancy (SPEC §8, docs/reports.md)."""
from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from booking.models import BookingStatus, Closure, Role
from booking.services import reports
from booking.web.report_csv import summary_csv
from tests.support.factories import make_booking, make_center, make_room, make_user

APPROVED, NO_SHOW = BookingStatus.APPROVED, BookingStatus.NO_SHOW
LATER = datetime(2031, 1, 1, tzinfo=UTC)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def admin(session):
    return make_user(session, Role.ADMIN)


def test_a_no_show_counts_neither_as_a_meeting_nor_as_attendance(session, admin):
    room = make_room(session)
    make_booking(session, room, at(2029, 3, 5, 9), status=APPROVED, actual_attendees=7)
    make_booking(session, room, at(2029, 3, 6, 9), status=NO_SHOW, actual_attendees=30)
    report = reports.summary(session, admin, 2029, now=LATER)
    assert (report["meetings"], report["programs"], report["attendees"]) == (1, 0, 7)
    assert report["expected_attendees"] == 10 and report["attendance_recorded"] == 1
    assert report["no_shows"] == 1


def test_the_rate_is_no_shows_among_the_bookings_that_had_to_check_in(session, admin):
    center = make_center(session)
    required = make_room(session, center)
    exempt = make_room(session, center, checkin_required=False)
    make_booking(session, required, at(2029, 3, 6, 9), status=NO_SHOW)
    for day in (7, 8, 9):
        make_booking(session, required, at(2029, 3, day, 9), status=APPROVED)
    make_booking(session, exempt, at(2029, 3, 6, 9), status=APPROVED)
    # Its window is still open at ``now``: not yet a booking that had to check in.
    make_booking(session, required, at(2029, 3, 10, 9), status=APPROVED)
    report = reports.summary(session, admin, 2029, now=at(2029, 3, 10, 9, 5))
    assert report["no_shows"] == 1
    assert report["no_show_rate"] == 0.25


def test_without_bookings_to_check_in_the_rate_is_none(session, admin):
    make_room(session)
    assert reports.summary(session, admin, 2029, now=LATER)["no_show_rate"] is None


def test_occupancy_is_approved_hours_over_opening_hours_less_closures(session, admin):
    center = make_center(session)
    room = make_room(session, center, name="Salon", opening_time=time(9, 0),
                     closing_time=time(19, 0))
    make_booking(session, room, at(2029, 5, 1, 7), minutes=300, status=APPROVED)
    make_booking(session, room, at(2029, 5, 2, 7), minutes=120, status=NO_SHOW)
    # A whole day closed (room and center closures overlapping count once).
    for room_id in (room.id, None):
        session.add(Closure(center_id=center.id, room_id=room_id, reason="Bakım",
                            start_at=at(2029, 6, 1, 0), end_at=at(2029, 6, 2, 0)))
    session.flush()
    report = reports.summary(session, admin, 2029, center_id=center.id, now=LATER)
    (row,) = report["occupancy"]
    assert (row["room_id"], row["name"], row["center_name"]) == (room.id, "Salon", center.name)
    # 365 days × 10 h, less the 1 June opening hours (09:00–19:00 local lie in
    # the UTC day 06:00–16:00): 3,640 h; 5 approved hours.
    assert row["open_hours"] == 3640.0
    assert row["booked_hours"] == 5.0
    assert row["occupancy"] == round(5 / 3640, 4)


def test_the_summary_csv_carries_no_shows_rate_and_occupancy(app, session, admin):
    room = make_room(session, name="Büyük Salon")
    make_booking(session, room, at(2029, 3, 6, 9), status=NO_SHOW)
    make_booking(session, room, at(2029, 3, 7, 9), status=APPROVED)
    report = reports.summary(session, admin, 2029, now=LATER)
    with app.test_request_context():
        text = summary_csv(report, [str(m) for m in range(1, 13)])
    assert "Gelinmeyen rezervasyon;;;;1" in text
    assert "Gelinmeme oranı (%);;;;50" in text
    assert f"Salon;Büyük Salon ({room.center.name});1;" in text


def test_the_report_page_shows_no_shows_rate_and_occupancy(app, session, admin):
    from flask import g

    from tests.support.web import plant_sign_in

    # The page counts the windows closed by now: a past year.
    room = make_room(session, name="Büyük Salon")
    make_booking(session, room, at(2025, 3, 6, 9), status=NO_SHOW)
    make_booking(session, room, at(2025, 3, 7, 9), status=APPROVED)
    session.commit()
    client = app.test_client()
    plant_sign_in(client, admin)
    g.pop("_login_user", None)
    page = client.get("/reports/?year=2025").get_data(as_text=True)
    section = page[page.index('id="usage"'):]
    assert "Gelinmeyen rezervasyon" in section and "%50" in section
    assert "Büyük Salon" in section
