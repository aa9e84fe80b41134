"""Local wall-clock input around clock changes: a time the clocks skip is
refused with a clear message, a repeated time means its first pass. Berlin
changes its clocks (Istanbul has not since 2016)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from booking.i18n import force_language
from booking.services.errors import RuleViolation
from booking.services.rules import local_instant, message_day, wall_clock
from tests.support.factories import make_center, make_room

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize("language, day", [("tr", "28 Mar 2027"), ("en", "28 Mar 2027")])
def test_a_time_skipped_by_the_spring_clock_change_is_refused_naming_it(
        app, language: str, day: str):
    with app.test_request_context(), force_language(language):
        with pytest.raises(RuleViolation) as caught:
            wall_clock(date(2027, 3, 28), time(2, 30), BERLIN, "start")
        assert message_day(date(2027, 3, 28)) == day  # the lists' date style
    error = caught.value.errors[0]
    assert error.field == "start"
    assert f"{day} " in str(error.message) and "02:30" in str(error.message)


def test_the_times_around_the_gap_are_kept():
    assert wall_clock(date(2027, 3, 28), time(1, 59), BERLIN, "start").astimezone(UTC) \
        == datetime(2027, 3, 28, 0, 59, tzinfo=UTC)
    assert wall_clock(date(2027, 3, 28), time(3, 0), BERLIN, "start").astimezone(UTC) \
        == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)


def test_a_repeated_autumn_time_means_its_first_pass():
    first = wall_clock(date(2027, 10, 31), time(2, 30), BERLIN, "start")
    assert first.astimezone(UTC) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # still +02:00


def test_aware_input_is_kept_as_it_is():
    aware = datetime(2027, 3, 28, 2, 30, tzinfo=UTC)
    assert local_instant(aware, BERLIN, "start") is aware


@pytest.fixture
def berlin_room(session):
    room = make_room(session, make_center(session, name="Berlin Merkezi", timezone="Europe/Berlin"),
                     opening_time=time(0), closing_time=time(23, 59))
    session.commit()
    return room


def _spring_forward_after_today() -> date:
    """The next last Sunday of March."""
    year = datetime.now(UTC).year + 1
    day = date(year, 3, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def test_the_api_answers_422_for_a_naive_time_in_the_gap(api, scene, berlin_room):
    day = _spring_forward_after_today().isoformat()
    response = api.post("/bookings", scene.admin, json={
        "room_id": berlin_room.id, "title": "Gece toplantısı", "start": f"{day}T02:30",
        "end": f"{day}T03:30", "expected_attendees": 5})
    assert response.status_code == 422
    problem = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert problem["errors"][0]["field"] == "start"
    assert "02:30" in problem["errors"][0]["message"]


def test_moving_a_series_to_a_time_the_clocks_skip_is_refused_not_shifted(session, scene,
                                                                         berlin_room):
    """A series moved to 02:30 on a spring-forward night: refused with the same
    message as a new request, instead of an occurrence silently an hour off."""
    from booking.models import Role
    from booking.services.bookings import create_booking
    from booking.services.recurrence import Recurrence
    from booking.services.series import change_series
    from tests.support.clock import NOW

    sunday = date(2030, 3, 31)  # the last Sunday of March 2030: Berlin skips 02:00-03:00
    first = datetime.combine(sunday - timedelta(days=7), time(10, 0), tzinfo=BERLIN)
    assert scene.admin.role == Role.ADMIN
    result = create_booking(session, scene.admin, scene.request(
        first, 60, room=berlin_room, recurrence=Recurrence("weekly", count=2)), NOW)
    with pytest.raises(RuleViolation) as caught:
        change_series(session, scene.admin, result.series.id, start_time=time(2, 30),
                      end_time=time(3, 30), now=NOW)
    error = caught.value.errors[0]
    assert error.field == "start_time"
    assert message_day(sunday) in str(error.message) and "02:30" in str(error.message)
