"""Recurring series: RRULE semantics on the center's wall clock, all-or-nothing or
skip, and cancelling or moving one occurrence or all future ones."""
from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from booking.models import BookingStatus
from booking.services import bookings as svc
from booking.services import series as series_service
from booking.services.bookings import BookingChanges, create_booking
from booking.services.closures import add_closure
from booking.services.errors import BookingConflict, RuleViolation
from booking.services.recurrence import Recurrence, expand
from booking.services.rules import message_day
from tests.support.factories import make_center, make_room
from tests.support.scene import ISTANBUL, NOW, local

BERLIN = ZoneInfo("Europe/Berlin")


def test_weekly_series_on_chosen_weekdays_creates_one_row_per_occurrence(session, scene):
    request = scene.request(local(4, 18), 120,
                            recurrence=Recurrence("weekly", count=6, byweekday=["TU", "TH"]))
    result = create_booking(session, scene.member, request, NOW)
    assert len(result.bookings) == 6
    assert {b.series_id for b in result.bookings} == {result.series.id}
    assert result.series.rrule == "FREQ=WEEKLY;COUNT=6;BYDAY=TU,TH"
    weekdays = {b.start_at.astimezone(ISTANBUL).strftime("%a") for b in result.bookings}
    assert weekdays == {"Tue", "Thu"}
    assert all(b.start_at.astimezone(ISTANBUL).hour == 18 for b in result.bookings)


def test_series_in_a_daylight_saving_zone_keeps_local_wall_clock_time(session):
    center = make_center(session, name="Kreuzberg Zentrum", timezone="Europe/Berlin")
    room = make_room(session, center)
    start = NOW.replace(month=3, day=19, hour=17).astimezone(BERLIN).replace(hour=18)
    occurrences = expand(Recurrence("weekly", count=3), start, start + timedelta(hours=2), BERLIN)
    utc_hours = [s.hour for s, _ in occurrences]
    local_hours = [s.astimezone(BERLIN).hour for s, _ in occurrences]
    assert local_hours == [18, 18, 18]
    assert utc_hours == [17, 17, 16]  # CET, CET, then CEST from 31 March 2030
    assert room.center.timezone == "Europe/Berlin"


def test_monthly_series_on_the_31st_skips_short_months_as_rfc_5545_says(session, scene):
    start = local(0, 10).replace(month=1, day=31, year=2031)
    occurrences = expand(Recurrence("monthly", count=4), start, start + timedelta(hours=1),
                         ISTANBUL)
    months = [s.astimezone(ISTANBUL).date() for s, _ in occurrences]
    assert months == [date(2031, 1, 31), date(2031, 3, 31), date(2031, 5, 31), date(2031, 7, 31)]


def test_monthly_series_on_the_last_friday(session, scene):
    start = local(0, 10).replace(year=2030, month=4, day=26)
    occurrences = expand(Recurrence("monthly", until=date(2030, 7, 31), byweekday=["-1FR"]),
                         start, start + timedelta(hours=1), ISTANBUL)
    assert [s.astimezone(ISTANBUL).day for s, _ in occurrences] == [26, 31, 28, 26]


def test_daily_series_with_an_until_date_is_inclusive(session, scene):
    start = local(3, 9)
    until = (start + timedelta(days=4)).astimezone(ISTANBUL).date()
    occurrences = expand(Recurrence("daily", interval=2, until=until), start,
                         start + timedelta(hours=1), ISTANBUL)
    assert len(occurrences) == 3


@pytest.mark.parametrize("recurrence,field", [
    (Recurrence("yearly", count=2), "recurrence.freq"),
    (Recurrence("weekly"), "recurrence"),
    (Recurrence("weekly", count=3, until=date(2030, 5, 1)), "recurrence"),
    (Recurrence("weekly", count=500), "recurrence.count"),
    (Recurrence("weekly", count=3, interval=0), "recurrence.interval"),
    (Recurrence("weekly", count=3, byweekday=["XX"]), "recurrence.byweekday"),
    (Recurrence("weekly", count=3, byweekday=["-1FR"]), "recurrence.byweekday"),
])
def test_bad_recurrence_is_refused_with_its_field(session, scene, recurrence, field):
    with pytest.raises(RuleViolation) as caught:
        create_booking(session, scene.member, scene.request(local(4, 18), recurrence=recurrence),
                       NOW)
    assert field in {e.field for e in caught.value.errors}


def test_series_is_all_or_nothing_by_default(session, scene):
    blocked = local(4 + 7, 18)
    create_booking(session, scene.staff, scene.request(blocked, 60), NOW)
    request = scene.request(local(4, 18), 120, recurrence=Recurrence("weekly", count=4))
    with pytest.raises(BookingConflict) as caught:
        create_booking(session, scene.member, request, NOW)
    assert caught.value.conflicts[0].start == blocked
    assert caught.value.suggestions


def test_series_with_skip_conflicts_books_the_rest_and_reports_skipped_dates(session, scene):
    create_booking(session, scene.staff, scene.request(local(4 + 7, 18), 60), NOW)
    add_closure(session, scene.staff, center_id=scene.center.id, start=local(4 + 14, 0),
                end=local(4 + 15, 0), reason="Kurban Bayramı", now=NOW)
    request = scene.request(local(4, 18), 120, recurrence=Recurrence("weekly", count=4),
                            skip_conflicts=True)
    result = create_booking(session, scene.member, request, NOW)
    assert [b.start_at for b in result.bookings] == [local(4, 18), local(4 + 21, 18)]
    assert [s.start for s in result.skipped] == [local(4 + 7, 18), local(4 + 14, 18)]
    assert result.skipped[1].conflicts[0].kind == "closure"


def test_series_rule_errors_name_the_dates_they_fail_on(session, scene):
    far = scene.room.max_advance_days
    request = scene.request(local(far - 8, 18), 120, recurrence=Recurrence("weekly", count=3))
    with pytest.raises(RuleViolation) as caught:
        create_booking(session, scene.member, request, NOW)
    message = str(caught.value.errors[0].message)
    assert message_day(local(far + 6, 18)) in message


def test_one_occurrence_can_be_cancelled_alone(session, scene):
    result = create_booking(session, scene.staff, scene.request(
        local(4, 18), 60, recurrence=Recurrence("weekly", count=3)), NOW)
    svc.cancel_booking(session, scene.staff, result.bookings[1].id, None, NOW)
    assert [b.status for b in result.bookings] == [
        BookingStatus.APPROVED, BookingStatus.CANCELLED, BookingStatus.APPROVED]


def test_one_occurrence_can_be_moved_alone(session, scene):
    result = create_booking(session, scene.staff, scene.request(
        local(4, 18), 60, recurrence=Recurrence("weekly", count=3)), NOW)
    middle = result.bookings[1]
    svc.change_booking(session, scene.staff, middle.id,
                       BookingChanges(start=local(12, 10), end=local(12, 11)), NOW)
    assert middle.series_id == result.series.id
    assert [b.start_at.astimezone(ISTANBUL).hour for b in result.bookings] == [18, 10, 18]


def test_cancelling_a_series_cancels_only_future_occurrences(session, scene):
    result = create_booking(session, scene.member, scene.request(
        local(4, 18), 60, recurrence=Recurrence("weekly", count=4)), NOW)
    later = NOW + timedelta(days=15)  # after the 2nd occurrence (5, 12 | 19, 26 March)
    cancelled = series_service.cancel_series(session, scene.member, result.series.id, "Dönem bitti", later)
    assert len(cancelled) == 2
    assert [b.status for b in result.bookings] == [
        BookingStatus.PENDING, BookingStatus.PENDING,
        BookingStatus.CANCELLED, BookingStatus.CANCELLED]


def test_moving_all_future_occurrences_to_a_new_time(session, scene):
    result = create_booking(session, scene.staff, scene.request(
        local(4, 18), 60, recurrence=Recurrence("weekly", count=3)), NOW)
    moved = series_service.change_series(session, scene.staff, result.series.id,
                                         start_time=time(19, 0), end_time=time(20, 30), now=NOW)
    assert len(moved) == 3
    assert {b.start_at.astimezone(ISTANBUL).time() for b in result.bookings} == {time(19, 0)}
    assert {b.end_at - b.start_at for b in result.bookings} == {timedelta(minutes=90)}


def test_another_organization_cannot_cancel_a_series(session, scene):
    from booking.services.errors import NotFound

    result = create_booking(session, scene.member, scene.request(
        local(4, 18), 60, recurrence=Recurrence("weekly", count=2)), NOW)
    with pytest.raises(NotFound):
        series_service.cancel_series(session, scene.other_member, result.series.id, None, NOW)
