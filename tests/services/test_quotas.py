"""Quotas per organisation (SPEC §8): booked hours per calendar month, open
requests at once and bookings per ISO week, per center, with an organisation's
own override; staff may book past them with a recorded reason; the limit
holds under concurrent requests."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.extensions import db
from booking.models import AuditEntry, Booking, BookingStatus, QuotaRule, User
from booking.services import quotas
from booking.services.booking_changes import BookingChanges, change_booking
from booking.services.bookings import BookingRequest, cancel_booking, create_booking
from booking.services.errors import NotAllowed, NotFound, RuleViolation
from booking.services.recurrence import Recurrence
from tests.support.factories import make_room
from tests.support.races import race
from tests.support.scene import NOW, build_scene, local


def _rule(session, scene, organization=None, **limits):
    quotas.set_rule(session, scene.admin, scene.center.id,
                    organization.id if organization else None, limits, NOW)
    session.commit()


def _refusal(session, actor, request) -> list[str]:
    with pytest.raises(RuleViolation) as caught:
        create_booking(session, actor, request, NOW)
    session.rollback()
    assert {error.field for error in caught.value.errors} == {"quota"}
    return [str(error.message) for error in caught.value.errors]


def test_monthly_hours_refuse_the_request_that_passes_the_limit_naming_used_and_allowed(
        session, scene):
    _rule(session, scene, monthly_hours=4)
    create_booking(session, scene.member, scene.request(local(3, 10), 120), NOW)
    create_booking(session, scene.member, scene.request(local(4, 10), 120), NOW)
    session.commit()
    [message] = _refusal(session, scene.member, scene.request(local(5, 10), 60))
    assert "4 saat kullanıldı" in message and "1 saat ekliyor" in message
    assert "izin verilen 4 saat" in message and "03.2030" in message


def test_next_month_has_its_own_hours(session, scene):
    _rule(session, scene, monthly_hours=2)
    create_booking(session, scene.member, scene.request(local(3, 10), 120), NOW)
    next_month = local(31, 10)
    assert next_month.month == 3 + 1
    create_booking(session, scene.member, scene.request(next_month, 120), NOW)


def test_cancelled_bookings_give_their_hours_back(session, scene):
    _rule(session, scene, monthly_hours=2)
    first = create_booking(session, scene.member, scene.request(local(3, 10), 120), NOW)
    session.commit()
    _refusal(session, scene.member, scene.request(local(4, 10), 60))
    cancel_booking(session, scene.member, first.bookings[0].id, "Vazgeçtik", NOW)
    create_booking(session, scene.member, scene.request(local(4, 10), 60), NOW)


def test_open_requests_count_pending_requests_and_a_series_once(session, scene):
    _rule(session, scene, open_requests=2)
    create_booking(session, scene.member, scene.request(
        local(3, 10), 60, recurrence=Recurrence(freq="weekly", count=3)), NOW)
    create_booking(session, scene.member, scene.request(local(4, 10), 60), NOW)
    session.commit()
    [message] = _refusal(session, scene.member, scene.request(local(5, 10), 60))
    assert "bekleyen 2 talebiniz" in message
    # A room that needs no approval: an approved booking is no open request.
    create_booking(session, scene.member, scene.request(local(5, 10), 60, room=scene.open_room),
                   NOW)


def test_weekly_bookings_count_the_iso_week_of_the_center(session, scene):
    _rule(session, scene, weekly_bookings=2)
    monday = local(3, 10)
    assert monday.weekday() == 0
    create_booking(session, scene.member, scene.request(monday, 60), NOW)
    create_booking(session, scene.member, scene.request(monday + timedelta(days=6), 60), NOW)
    session.commit()
    [message] = _refusal(session, scene.member, scene.request(monday + timedelta(days=2), 60))
    assert "2 rezervasyon var" in message and "izin verilen 2" in message
    create_booking(session, scene.member, scene.request(monday + timedelta(days=7), 60), NOW)


def test_an_organisations_override_replaces_only_the_limits_it_sets(session, scene):
    _rule(session, scene, monthly_hours=2, weekly_bookings=1)
    _rule(session, scene, scene.org, monthly_hours=10)
    create_booking(session, scene.member, scene.request(local(3, 10), 360), NOW)
    session.commit()
    assert quotas.limits_for(session, scene.center.id, scene.org.id) == quotas.Limits(
        monthly_hours=10, weekly_bookings=1)
    _refusal(session, scene.member, scene.request(local(4, 10), 60))  # the week's one is used
    _refusal(session, scene.other_member, scene.request(local(3, 14), 180))  # 2 h for others


def test_other_centers_and_other_organisations_are_not_counted(session, scene):
    _rule(session, scene, monthly_hours=2)
    create_booking(session, scene.other_member, scene.request(local(3, 10), 120), NOW)
    create_booking(session, scene.member, scene.request(local(3, 13), 120), NOW)


def test_staff_book_past_a_quota_only_with_a_reason_that_is_audited(session, scene):
    _rule(session, scene, monthly_hours=1)
    request = scene.request(local(3, 10), 120, organization_id=scene.org.id)
    messages = _refusal(session, scene.staff, request)
    assert any("gerekçe" in message for message in messages)
    request.quota_reason = "  Genel kurul,   belediye onayı  "
    booking = create_booking(session, scene.staff, request, NOW).bookings[0]
    session.commit()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.booking_id == booking.id,
                                                    AuditEntry.action == "quota_override"))
    assert entry is not None and entry.reason == "Genel kurul, belediye onayı"
    assert entry.actor_id == scene.staff.id and entry.details["exceeded"]


def test_moving_a_booking_counts_it_once_and_refuses_a_move_past_the_limit(session, scene):
    _rule(session, scene, monthly_hours=3)
    booking = create_booking(session, scene.member, scene.request(local(3, 10), 120),
                             NOW).bookings[0]
    session.commit()
    # The same two hours a day later: its own hours are not counted twice.
    change_booking(session, scene.member, booking.id,
                   BookingChanges(start=local(4, 10), end=local(4, 12)), NOW)
    session.commit()
    with pytest.raises(RuleViolation) as caught:
        change_booking(session, scene.member, booking.id,
                       BookingChanges(start=local(4, 10), end=local(4, 14)), NOW)
    assert caught.value.errors[0].field == "quota"


def test_only_admins_set_quotas_and_a_limit_below_one_is_refused(session, scene):
    with pytest.raises(NotAllowed):
        quotas.set_rule(session, scene.staff, scene.center.id, None, {"monthly_hours": 5}, NOW)
    for bad in (0, -3, "çok", 10_001, True):
        with pytest.raises(RuleViolation) as caught:
            quotas.set_rule(session, scene.admin, scene.center.id, None,
                            {"monthly_hours": bad}, NOW)
        assert caught.value.errors[0].field == "monthly_hours"
    assert session.scalar(select(func.count()).select_from(QuotaRule)) == 0


def test_a_rule_with_no_limit_left_is_removed(session, scene):
    _rule(session, scene, monthly_hours=5)
    assert quotas.set_rule(session, scene.admin, scene.center.id, None,
                           {"monthly_hours": ""}, NOW) is None
    session.commit()
    assert session.scalar(select(func.count()).select_from(QuotaRule)) == 0


def test_usage_is_shown_to_the_organisation_and_staff_only(session, scene):
    _rule(session, scene, monthly_hours=10, open_requests=3, weekly_bookings=4)
    create_booking(session, scene.member, scene.request(NOW + timedelta(hours=3), 90), NOW)
    session.commit()
    used = quotas.usage(session, scene.member, scene.org.id, scene.center.id, NOW)
    assert used == quotas.Usage(month="2030-03", hours_used=1.5, hours_limit=10,
                                open_requests=1, open_limit=3, week_count=1, week_limit=4)
    assert used.hours_left == 8.5
    assert quotas.usage(session, scene.staff, scene.org.id, scene.center.id, NOW) == used
    with pytest.raises(NotFound):
        quotas.usage(session, scene.other_member, scene.org.id, scene.center.id, NOW)


def test_twenty_requests_at_once_against_five_hours_leave_exactly_five_hours(app):
    with app.app_context():
        scene = build_scene(db.session)
        # A room each, so that no room lock serialises them: only the quota's own.
        room_ids = [make_room(db.session, scene.center, name=f"Oda {i}").id for i in range(20)]
        quotas.set_rule(db.session, scene.admin, scene.center.id, None, {"monthly_hours": 5}, NOW)
        db.session.commit()
        member_id, org_id = scene.member.id, scene.org.id

    def request(i: int) -> None:
        start = local(3, 10)
        create_booking(db.session, db.session.get(User, member_id), BookingRequest(
            room_id=room_ids[i], title="Yarış", start=start, end=start + timedelta(hours=1),
            expected_attendees=10), NOW)

    def expected(exc: Exception) -> str | None:
        if isinstance(exc, RuleViolation) and exc.errors[0].field == "quota":
            return "quota"
        return None

    results = race(app, request, 20, expected)
    assert sorted(results) == ["ok"] * 5 + ["quota"] * 15, results
    with app.app_context():
        booked = db.session.scalars(select(Booking).where(
            Booking.organization_id == org_id, Booking.status == BookingStatus.PENDING)).all()
        assert sum((b.end_at - b.start_at for b in booked), timedelta()) == timedelta(hours=5)

