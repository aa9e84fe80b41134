"""Days every centre closes at once (SPEC §9, Holidays): administrative leave
declared by an admin for all active centres, the one-step holiday import for
all centres, and the bridge days suggested for leave."""
from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from booking.models import BookingStatus, Closure
from booking.services import leave_days
from booking.services.bookings import create_booking
from booking.services.closures import closure_reason
from booking.services.errors import BookingConflict, NotAllowed, RuleViolation
from tests.support.factories import make_booking, make_center, make_room
from tests.support.scene import ISTANBUL, NOW, local


def _leave_closures(session) -> list[Closure]:
    return list(session.scalars(select(Closure).where(Closure.source == "leave")
                                .order_by(Closure.center_id, Closure.start_at)))


def _day(offset: int) -> date:
    return local(offset, 0).date()


def test_leave_closes_every_active_centre_on_each_day_and_only_once(session, scene):
    closed = make_center(session, name="Kapalı Merkez", is_active=False)
    make_room(session, closed)
    result = leave_days.add_leave_days(session, scene.admin, _day(20), _day(21), NOW)
    active = {c.center_id for c in _leave_closures(session)}
    assert closed.id not in active and scene.center.id in active and len(active) == 2
    assert result.added == 4 and result.already == 0 and result.days == [_day(20), _day(21)]
    for closure in _leave_closures(session):
        start = closure.start_at.astimezone(closure.center.tz)
        assert start.time() == time(0) and closure.room_id is None
        assert closure.end_at - closure.start_at == timedelta(days=1)
    again = leave_days.add_leave_days(session, scene.admin, _day(21), _day(22), NOW)
    assert (again.added, again.already) == (2, 2)
    assert len(_leave_closures(session)) == 6


def test_a_half_day_of_leave_closes_from_13_and_blocks_the_afternoon_only(session, scene):
    leave_days.add_leave_days(session, scene.admin, _day(20), None, NOW, half_day=True)
    [closure] = [c for c in _leave_closures(session) if c.center_id == scene.center.id]
    assert closure.start_at == local(20, 13)
    assert create_booking(session, scene.member, scene.request(local(20, 10), 120), NOW).bookings
    with pytest.raises(BookingConflict):
        create_booking(session, scene.member, scene.request(local(20, 14), 60), NOW)


def test_leave_reports_the_approved_bookings_it_meets_and_blocks_new_ones(session, scene):
    approved = make_booking(session, scene.room, local(25, 10), status=BookingStatus.APPROVED,
                            organization=scene.org, created_by=scene.member)
    result = leave_days.add_leave_days(session, scene.admin, _day(25), None, NOW)
    assert [b.id for b in result.overlapping] == [approved.id]
    session.refresh(approved)
    assert approved.status == BookingStatus.APPROVED  # staff contact the organisation
    with pytest.raises(BookingConflict):
        create_booking(session, scene.member, scene.request(local(25, 15), 60), NOW)


def test_a_day_a_holiday_already_closes_is_not_closed_twice(session, scene):
    leave_days.import_holidays_everywhere(session, scene.admin, 2030, NOW)
    result = leave_days.add_leave_days(session, scene.admin, date(2030, 10, 29), None, NOW)
    assert (result.added, result.already) == (0, 2)


def test_only_admins_declare_leave_or_import_for_every_centre(session, scene):
    for actor in (scene.staff, scene.member):
        with pytest.raises(NotAllowed):
            leave_days.add_leave_days(session, actor, _day(20), None, NOW)
        with pytest.raises(NotAllowed):
            leave_days.import_holidays_everywhere(session, actor, 2030, NOW)
        with pytest.raises(NotAllowed):
            leave_days.remove_leave_day(session, actor, _day(20), NOW)
    assert _leave_closures(session) == []


@pytest.mark.parametrize("first,last", [(21, 20), (20, 20 + leave_days.MAX_LEAVE_DAYS)])
def test_a_leave_span_backwards_or_too_long_is_a_field_error_and_writes_nothing(
        session, scene, first, last):
    with pytest.raises(RuleViolation) as caught:
        leave_days.add_leave_days(session, scene.admin, _day(first), _day(last), NOW)
    assert [e.field for e in caught.value.errors] == ["last_day"]
    assert _leave_closures(session) == []


def test_the_longest_leave_span_is_accepted(session, scene):
    last = _day(20 + leave_days.MAX_LEAVE_DAYS - 1)
    result = leave_days.add_leave_days(session, scene.admin, _day(20), last, NOW)
    assert len(result.days) == leave_days.MAX_LEAVE_DAYS


def test_removing_a_leave_day_opens_every_centre_and_keeps_other_closures(session, scene):
    leave_days.import_holidays_everywhere(session, scene.admin, 2030, NOW)
    holidays_before = session.scalars(select(Closure).where(Closure.source == "holiday")).all()
    leave_days.add_leave_days(session, scene.admin, _day(20), _day(21), NOW)
    assert leave_days.remove_leave_day(session, scene.admin, _day(20), NOW) == 2
    assert [c.start_at.astimezone(ISTANBUL).date() for c in _leave_closures(session)
            if c.center_id == scene.center.id] == [_day(21)]
    assert len(session.scalars(select(Closure).where(Closure.source == "holiday")).all()) \
        == len(holidays_before)
    assert create_booking(session, scene.member, scene.request(local(20, 10)), NOW).bookings
    assert leave_days.remove_leave_day(session, scene.admin, _day(20), NOW) == 0


def test_declared_days_are_listed_a_row_a_day_with_their_centres(session, scene):
    leave_days.add_leave_days(session, scene.admin, _day(20), _day(21), NOW)
    leave_days.add_leave_days(session, scene.admin, _day(30), None, NOW, half_day=True,
                              reason="Seçim sonrası")
    rows = leave_days.declared(session, NOW)
    assert [(r.day, r.starts, r.reason, r.centers) for r in rows] == [
        (_day(20), time(0), "İdari izin", 2), (_day(21), time(0), "İdari izin", 2),
        (_day(30), time(13), "Seçim sonrası", 2)]


def test_the_default_reason_reads_in_the_readers_language(app, session, scene):
    leave_days.add_leave_days(session, scene.admin, _day(20), None, NOW)
    closure = _leave_closures(session)[0]
    assert closure.reason == "İdari izin"
    assert closure_reason(closure, "tr") == "İdari izin"
    assert closure_reason(closure, "en") == "Administrative leave"


def test_the_holiday_import_for_every_centre_runs_once(session, scene):
    added = leave_days.import_holidays_everywhere(session, scene.admin, 2030, NOW)
    per_centre = session.scalars(select(Closure).where(
        Closure.source == "holiday", Closure.center_id == scene.center.id)).all()
    assert added == 2 * len(per_centre) and per_centre
    half_days = [c for c in per_centre if c.start_at.astimezone(ISTANBUL).time() == time(13)]
    assert half_days, "the eves close from 13:00"
    assert leave_days.import_holidays_everywhere(session, scene.admin, 2030, NOW) == 0


@pytest.mark.parametrize("year,day", [
    (2024, date(2024, 4, 8)),    # the Monday before the eve of Ramazan Bayramı
    (2024, date(2024, 4, 22)),   # the Monday before 23 Nisan, a Tuesday
    (2026, date(2026, 1, 2)),    # the Friday after New Year's Day, a Thursday
    (2026, date(2026, 5, 18)),   # the Monday before 19 Mayıs, a Tuesday
])
def test_bridge_days_are_the_lone_weekdays_between_a_holiday_and_a_weekend(year, day):
    assert day in leave_days.bridge_days(year)


def test_bridge_days_are_never_weekends_or_holidays_themselves():
    from booking.services.closures import turkish_holidays

    off = {h.day for h in turkish_holidays(2027)}
    for day in leave_days.bridge_days(2027):
        assert day.weekday() < 5 and day not in off


def test_the_commands_declare_leave_and_import_holidays_as_the_named_admin(app, session, scene,
                                                                          runner):
    first, last = _day(20).isoformat(), _day(21).isoformat()
    done = runner.invoke(args=["closures", "add-leave", first, last, "--half-day",
                               "--admin", scene.admin.email])
    assert done.exit_code == 0, done.output
    assert "4 closures added, 0 already closed" in done.output
    again = runner.invoke(args=["closures", "add-leave", first, "--half-day", "--admin",
                               scene.admin.email])
    assert "0 closures added, 2 already closed" in again.output
    refused = runner.invoke(args=["closures", "add-leave", last, first, "--admin",
                                  scene.admin.email])
    assert refused.exit_code == 2 and "last_day" in refused.output
    staff = runner.invoke(args=["closures", "import-holidays", "--year", "2030",
                                "--admin", scene.staff.email])
    assert staff.exit_code == 2 and "no active admin" in staff.output
    imported = runner.invoke(args=["closures", "import-holidays", "--year", "2030",
                                   "--admin", scene.admin.email])
    assert imported.exit_code == 0 and "Holidays of 2030:" in imported.output
