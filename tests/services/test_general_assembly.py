"""General assemblies (SPEC §9): the pair booked together or not at all, the
7–60 day gap, the 15-day notice warning, one decision for both dates, quorum
reached (who, when) cancelling and offering the second date, the call text."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.database import run_in_transaction
from booking.i18n.dates import heading_day, list_clock
from booking.models import (
    AuditEntry,
    Booking,
    BookingKind,
    BookingStatus,
    GeneralAssembly,
    OutboxMessage,
    WaitlistState,
)
from booking.services import bookings as svc
from booking.services import general_assembly as ga
from booking.services import waitlist
from booking.services.errors import BookingConflict, InvalidTransition, NotFound, RuleViolation
from booking.services.waitlist import WaitlistRequest
from tests.support.factories import make_booking
from tests.support.scene import NOW, local

S = BookingStatus
FIRST_DAY = 20  # days after NOW's local date: past the 15-day notice


def _request(scene, first_day=FIRST_DAY, gap=14, hour=10, **values):
    values.setdefault("kind", BookingKind.GENERAL_ASSEMBLY)
    request = scene.request(local(first_day, hour), 120, title="Olağan Genel Kurul", **values)
    second = local(first_day + gap, hour)
    return replace(request, second_start=second, second_end=second + timedelta(hours=2))


def _book(session, actor, request, now=NOW):
    return run_in_transaction(session, lambda: svc.create_booking(session, actor, request, now))


def _count(session, model=Booking):
    return session.scalar(select(func.count()).select_from(model))


def test_a_general_assembly_books_both_dates_as_one_pending_request(session, scene):
    result = _book(session, scene.member, _request(scene))
    first, second = result.bookings
    assert [b.kind for b in result.bookings] == [BookingKind.GENERAL_ASSEMBLY] * 2
    assert [b.status for b in result.bookings] == [S.PENDING, S.PENDING]
    assembly = session.scalar(select(GeneralAssembly))
    assert (assembly.first_booking_id, assembly.second_booking_id) == (first.id, second.id)
    assert assembly.organization_id == scene.org.id and result.warnings == []
    assert session.scalar(select(AuditEntry).where(AuditEntry.entity == "general_assembly")
                          ).action == "create"


@pytest.mark.parametrize("which", ["first", "second"])
def test_a_conflict_on_either_date_refuses_both_and_stores_nothing(session, scene, which):
    day = FIRST_DAY if which == "first" else FIRST_DAY + 14
    make_booking(session, scene.room, local(day, 10), 120, status=S.APPROVED,
                 organization=scene.other_org, created_by=scene.other_member)
    session.commit()
    before = _count(session)
    with pytest.raises(BookingConflict) as caught:
        _book(session, scene.member, _request(scene))
    assert caught.value.suggestions  # for the date that failed
    assert all(s.start.astimezone(local(0, 0).tzinfo).date() == local(day, 0).date()
               for s in caught.value.suggestions if s.room_id == scene.room.id)
    assert ("İkinci toplantı" in str(caught.value.message)) == (which == "second")
    assert _count(session) == before and _count(session, GeneralAssembly) == 0


def test_a_rule_broken_on_the_second_date_names_its_fields(session, scene):
    request = _request(scene)
    request = replace(request, second_end=request.second_start - timedelta(minutes=30))
    with pytest.raises(RuleViolation) as caught:
        _book(session, scene.member, request)
    assert {e.field for e in caught.value.errors} <= {"second_start", "second_end"}
    assert _count(session) == 0


@pytest.mark.parametrize(("gap", "accepted"), [(6, False), (7, True), (60, True), (61, False)])
def test_the_second_date_lies_7_to_60_days_after_the_first(session, scene, gap, accepted):
    if accepted:
        assert len(_book(session, scene.member, _request(scene, gap=gap)).bookings) == 2
        return
    with pytest.raises(RuleViolation) as caught:
        _book(session, scene.member, _request(scene, gap=gap))
    assert caught.value.errors[0].field == "second_start"
    assert f"{gap} gün" in str(caught.value.errors[0].message)
    assert _count(session) == 0


@pytest.mark.parametrize("gap", [0, -10])
def test_a_second_date_before_or_on_the_first_is_refused(session, scene, gap):
    with pytest.raises(RuleViolation) as caught:
        _book(session, scene.member, _request(scene, gap=gap, hour=12 if gap == 0 else 10))
    assert caught.value.errors[0].field == "second_start"
    assert "sonra olmalı" in str(caught.value.errors[0].message)
    assert _count(session) == 0


def test_a_second_date_without_the_kind_or_the_kind_without_it_is_refused(session, scene):
    with pytest.raises(RuleViolation) as caught:
        _book(session, scene.member, _request(scene, kind=BookingKind.MEETING))
    assert caught.value.errors[0].field == "second_start"
    lone = scene.request(local(FIRST_DAY, 10), kind=BookingKind.GENERAL_ASSEMBLY)
    with pytest.raises(RuleViolation) as caught:
        _book(session, scene.member, lone)
    assert caught.value.errors[0].field == "second_start"
    assert _count(session) == 0


@pytest.mark.parametrize(("first_day", "warned"), [(14, True), (15, False)])
def test_a_first_date_less_than_15_days_away_is_warned_of_not_refused(session, scene, first_day,
                                                                     warned):
    result = _book(session, scene.member, _request(scene, first_day=first_day))
    assert len(result.bookings) == 2
    assert bool(result.warnings) == warned
    if warned:
        assert "14 gün" in str(result.warnings[0])


def test_approving_or_rejecting_one_date_decides_both(session, scene):
    first, second = _book(session, scene.member, _request(scene)).bookings
    run_in_transaction(session, lambda: svc.approve_booking(session, scene.staff, second.id, NOW))
    assert (first.status, second.status) == (S.APPROVED, S.APPROVED)
    first, second = _book(session, scene.member, _request(scene, hour=15)).bookings
    run_in_transaction(session, lambda: svc.reject_booking(session, scene.staff, first.id,
                                                           "Salon tadilatta", NOW))
    assert (first.status, second.status) == (S.REJECTED, S.REJECTED)


def test_cancelling_the_first_date_cancels_the_second_but_not_the_other_way(session, scene):
    first, second = _book(session, scene.member, _request(scene)).bookings
    run_in_transaction(session, lambda: svc.cancel_booking(session, scene.member, second.id,
                                                           None, NOW))
    assert (first.status, second.status) == (S.PENDING, S.CANCELLED)
    first, second = _book(session, scene.member, _request(scene, hour=15)).bookings
    run_in_transaction(session, lambda: svc.cancel_booking(session, scene.member, first.id,
                                                           None, NOW))
    assert (first.status, second.status) == (S.CANCELLED, S.CANCELLED)


def _approved_pair(session, scene):
    result = _book(session, scene.staff, _request(scene, organization_id=scene.org.id))
    assert [b.status for b in result.bookings] == [S.APPROVED, S.APPROVED]
    return result.bookings


def _quorum(session, actor, booking_id, now):
    return run_in_transaction(session, lambda: ga.reach_quorum(session, actor, booking_id, now))


def test_quorum_reached_before_the_first_meeting_is_refused(session, scene):
    first, second = _approved_pair(session, scene)
    with pytest.raises(RuleViolation) as caught:
        _quorum(session, scene.member, first.id, first.start_at - timedelta(minutes=1))
    assert caught.value.errors[0].field == "quorum"
    assert second.status == S.APPROVED
    assert session.scalar(select(GeneralAssembly)).quorum_reached_at is None


def test_quorum_reached_by_another_organisation_is_not_found(session, scene):
    first, second = _approved_pair(session, scene)
    with pytest.raises(NotFound):
        _quorum(session, scene.other_member, first.id, first.start_at + timedelta(minutes=30))
    with pytest.raises(NotFound):
        _quorum(session, scene.other_staff, first.id, first.start_at + timedelta(minutes=30))
    assert second.status == S.APPROVED


def test_quorum_reached_cancels_the_second_date_and_offers_it_to_the_waitlist(session, scene):
    first, second = _approved_pair(session, scene)
    entry = waitlist.join(session, scene.other_member, WaitlistRequest(
        room_id=scene.room.id, title="Gönüllü buluşması", start=second.start_at,
        end=second.end_at, expected_attendees=20), NOW)
    session.commit()
    during = first.start_at + timedelta(minutes=20)
    assembly = _quorum(session, scene.staff, first.id, during)
    assert assembly.quorum_reached_at == during and assembly.quorum_reached_by_id == scene.staff.id
    assert second.status == S.CANCELLED and "yeter sayı" in second.status_reason
    assert first.status == S.APPROVED
    session.refresh(entry)
    assert entry.state == WaitlistState.OFFERED and entry.booking.status == S.OFFERED
    actions = session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "general_assembly")).all()
    assert "quorum_reached" in actions
    told = session.scalars(select(OutboxMessage.kind).where(
        OutboxMessage.booking_id == second.id)).all()
    assert "cancelled" in told
    with pytest.raises(InvalidTransition):  # once
        _quorum(session, scene.member, first.id, during + timedelta(minutes=5))


def test_members_of_the_organisation_may_record_the_quorum_until_the_second_starts(session, scene):
    first, second = _approved_pair(session, scene)
    with pytest.raises(RuleViolation):
        _quorum(session, scene.member, second.id, second.start_at)
    _quorum(session, scene.member, second.id, first.end_at + timedelta(days=1))
    assert second.status == S.CANCELLED


def test_quorum_of_a_booking_that_is_no_general_assembly_is_not_found(session, scene):
    booking = make_booking(session, scene.room, local(3, 10), 120, status=S.APPROVED,
                           organization=scene.org, created_by=scene.member)
    session.commit()
    with pytest.raises(NotFound):
        _quorum(session, scene.member, booking.id, local(3, 11))


def test_the_call_text_names_the_place_and_both_dates_in_the_projects_formats(app, session, scene):
    scene.center.address, scene.center.district = "Mimar Sinan Mah. Selmanipak Cad. No: 5", "Üsküdar"
    session.commit()
    first, second = _book(session, scene.member, _request(scene)).bookings
    assembly = session.scalar(select(GeneralAssembly))
    tz = scene.center.tz
    with app.test_request_context():
        text = ga.call_text(assembly).text
        for booking in (first, second):
            assert heading_day(booking.start_at.astimezone(tz).date()) in text
            assert f"{list_clock(booking.start_at, tz)}–{list_clock(booking.end_at, tz)}" in text
    assert scene.org.name in text and scene.center.name in text and scene.room.name in text
    assert "Mimar Sinan Mah. Selmanipak Cad. No: 5, Üsküdar" in text
    assert "çoğunluk sağlanamadığı takdirde" in text


def test_a_general_assembly_kind_cannot_be_given_or_taken_by_a_change(session, scene):
    booking = make_booking(session, scene.room, local(FIRST_DAY, 10), 120, status=S.PENDING,
                           organization=scene.org, created_by=scene.member)
    session.commit()
    with pytest.raises(RuleViolation) as caught:
        svc.change_booking(session, scene.member, booking.id,
                           svc.BookingChanges(kind=BookingKind.GENERAL_ASSEMBLY), NOW)
    assert caught.value.errors[0].field == "kind"
    session.rollback()


def test_reports_count_general_assemblies_as_their_own_category(app, session, scene):
    from booking.services import reports
    from booking.web.report_csv import summary_csv

    first, second = _approved_pair(session, scene)
    make_booking(session, scene.room, local(FIRST_DAY + 1, 10), 60, status=S.APPROVED,
                 organization=scene.org)
    session.commit()
    year = first.start_at.astimezone(scene.center.tz).year
    report = reports.summary(session, scene.admin, year, scene.center.id)
    counted = 2 if second.start_at.astimezone(scene.center.tz).year == year else 1
    assert report["general_assemblies"] == counted and report["meetings"] == 1
    assert report["by_center"][0]["general_assemblies"] == counted
    assert sum(c["general_assemblies"] for c in report["by_category"]) == counted
    with app.test_request_context():
        text = summary_csv(report, [f"M{m}" for m in range(1, 13)])
    assert f"Genel kurul toplantısı;;;;{counted}" in text


def test_the_call_text_is_in_english_on_english_pages(app, session, scene):
    from booking.i18n import force_language

    _book(session, scene.member, _request(scene))
    assembly = session.scalar(select(GeneralAssembly))
    with app.test_request_context(), force_language("en"):
        text = ga.call_text(assembly).text
        assert heading_day(assembly.first.start_at.astimezone(scene.center.tz).date()) in text
    assert "Call to the General Assembly" in text and "if there is no quorum" in text


def test_moving_either_date_keeps_the_7_to_60_day_gap(session, scene):
    first, second = _book(session, scene.member, _request(scene)).bookings  # 14 days apart

    def move(booking, days):
        start = booking.start_at + timedelta(days=days)
        changes = svc.BookingChanges(start=start, end=start + timedelta(hours=2))
        return run_in_transaction(session, lambda: svc.change_booking(
            session, scene.member, booking.id, changes, NOW))

    with pytest.raises(RuleViolation) as caught:
        move(second, 47)  # 61 days after the first
    assert caught.value.errors[0].field == "start" and "61 gün" in str(caught.value.errors[0].message)
    with pytest.raises(RuleViolation):
        move(first, 8)  # 6 days before the second
    move(second, 46)  # 60 days
    move(first, 1)
    assert (second.start_at - first.start_at).days == 59


def test_approving_one_date_when_the_other_is_taken_approves_neither(session, scene):
    first, second = _book(session, scene.member, _request(scene)).bookings
    make_booking(session, scene.room, second.start_at, 60, status=S.APPROVED,
                 organization=scene.other_org, created_by=scene.other_member)
    session.commit()
    with pytest.raises(BookingConflict) as caught:
        run_in_transaction(session, lambda: svc.approve_booking(session, scene.staff, first.id,
                                                                NOW))
    assert "diğer tarihi" in str(caught.value.message) and caught.value.conflicts
    session.refresh(first)
    session.refresh(second)
    assert (first.status, second.status) == (S.PENDING, S.PENDING)
