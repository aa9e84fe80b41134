"""The status machine of SPEC §2, auto-rejection, changes, attendance, audit and rights."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.models import AuditEntry, BookingStatus, OutboxMessage
from booking.services import attendance
from booking.services import bookings as svc
from booking.services.bookings import BookingChanges, create_booking
from booking.services.errors import (
    BookingConflict,
    InvalidTransition,
    NotAllowed,
    NotFound,
    RuleViolation,
)
from tests.support.factories import make_booking
from tests.support.scene import NOW, local

S = BookingStatus


def _pending(session, scene, start=None, minutes=120, member=None):
    request = scene.request(start or local(3, 10), minutes)
    return create_booking(session, member or scene.member, request, NOW).bookings[0]


def test_member_request_on_an_approval_room_is_pending(session, scene):
    assert _pending(session, scene).status == S.PENDING


def test_request_on_a_room_without_approval_is_approved_at_once(session, scene):
    booking = create_booking(session, scene.member,
                             scene.request(local(3, 10), 60, room=scene.open_room), NOW).bookings[0]
    assert booking.status == S.APPROVED


def test_staff_may_book_for_no_organization_as_an_internal_booking(session, scene):
    booking = create_booking(session, scene.staff, scene.request(local(3, 10)), NOW).bookings[0]
    assert booking.status == S.APPROVED and booking.organization_id is None


def test_staff_may_book_for_any_organization(session, scene):
    booking = create_booking(session, scene.staff, scene.request(
        local(3, 10), organization_id=scene.other_org.id), NOW).bookings[0]
    assert booking.organization_id == scene.other_org.id


ACTIONS = {
    S.APPROVED: lambda s, a, b: svc.approve_booking(s, a, b.id, NOW),
    S.REJECTED: lambda s, a, b: svc.reject_booking(s, a, b.id, "Salon tadilatta", NOW),
    S.CANCELLED: lambda s, a, b: svc.cancel_booking(s, a, b.id, None, NOW),
}
ALLOWED = {(S.PENDING, S.APPROVED), (S.PENDING, S.REJECTED), (S.PENDING, S.CANCELLED),
           (S.APPROVED, S.CANCELLED)}


@pytest.mark.parametrize("start_status", list(S))
@pytest.mark.parametrize("target", [S.APPROVED, S.REJECTED, S.CANCELLED])
def test_status_moves_only_along_the_allowed_transitions(session, scene, start_status, target):
    booking = make_booking(session, scene.room, local(5, 10), 60, status=start_status,
                           organization=scene.org, created_by=scene.member)
    session.commit()
    if (start_status, target) in ALLOWED:
        ACTIONS[target](session, scene.staff, booking)
        assert booking.status == target
    else:
        with pytest.raises(InvalidTransition):
            ACTIONS[target](session, scene.staff, booking)
        assert booking.status == start_status


def test_approving_rejects_overlapping_pending_requests_with_a_recorded_reason(session, scene):
    first = _pending(session, scene, local(3, 10), 120)
    rival = _pending(session, scene, local(3, 11), 60, member=scene.other_member)
    # Touches only within the 15-minute buffer of the first one:
    in_buffer = _pending(session, scene, local(3, 12, 10), 60, member=scene.other_member)
    elsewhere = _pending(session, scene, local(3, 15), 60, member=scene.other_member)
    svc.approve_booking(session, scene.staff, first.id, NOW)
    assert first.status == S.APPROVED
    assert rival.status == S.REJECTED and in_buffer.status == S.REJECTED
    # The reason names no booking of another organisation; the audit entry keeps which.
    assert rival.status_reason == "Aynı salon ve saat için başka bir talep onaylandı."
    assert elsewhere.status == S.PENDING
    entry = session.scalar(select(AuditEntry).where(AuditEntry.booking_id == rival.id,
                                                    AuditEntry.action == "auto_reject"))
    assert entry.from_status == "pending" and entry.to_status == "rejected"
    assert entry.details == {"approved_booking_id": first.id}
    kinds = set(session.scalars(select(OutboxMessage.kind)
                                .where(OutboxMessage.booking_id == rival.id)))
    assert "auto_rejected" in kinds


def test_auto_rejection_reason_is_in_the_requesters_language(session, scene):
    scene.other_member.language = "en"
    first = _pending(session, scene)
    rival = _pending(session, scene, local(3, 11), 60, member=scene.other_member)
    svc.approve_booking(session, scene.staff, first.id, NOW)
    assert rival.status == S.REJECTED
    assert rival.status_reason == "Another request for the same room and time was approved."


def test_approving_over_an_approved_booking_is_a_conflict(session, scene):
    make_booking(session, scene.room, local(3, 10), 120, status=S.APPROVED)
    booking = make_booking(session, scene.room, local(3, 11), 60, organization=scene.org)
    session.commit()
    with pytest.raises(BookingConflict) as caught:
        svc.approve_booking(session, scene.staff, booking.id, NOW)
    assert caught.value.suggestions


def test_approving_a_request_whose_start_has_passed_is_refused(session, scene):
    booking = make_booking(session, scene.room, NOW - timedelta(hours=1), 60,
                           organization=scene.org)
    session.commit()
    with pytest.raises(RuleViolation):
        svc.approve_booking(session, scene.staff, booking.id, NOW)


def test_rejecting_needs_a_reason(session, scene):
    booking = _pending(session, scene)
    with pytest.raises(RuleViolation) as caught:
        svc.reject_booking(session, scene.staff, booking.id, "   ", NOW)
    assert caught.value.errors[0].field == "reason"


def test_member_cannot_approve_their_own_request(session, scene):
    booking = _pending(session, scene)
    with pytest.raises(NotAllowed):
        svc.approve_booking(session, scene.member, booking.id, NOW)


@pytest.mark.parametrize("action", ["approve", "reject", "cancel", "change", "attendance", "view"])
def test_another_organization_cannot_see_or_touch_a_booking(session, scene, action):
    booking = _pending(session, scene)
    calls = {
        "approve": lambda: svc.approve_booking(session, scene.other_member, booking.id, NOW),
        "reject": lambda: svc.reject_booking(session, scene.other_member, booking.id, "x", NOW),
        "cancel": lambda: svc.cancel_booking(session, scene.other_member, booking.id, None, NOW),
        "change": lambda: svc.change_booking(session, scene.other_member, booking.id,
                                             BookingChanges(title="Ele geçirildi"), NOW),
        "attendance": lambda: attendance.record_attendance(session, scene.other_member, booking.id, 3,
                                                    NOW),
        "view": lambda: svc.get_visible_booking(session, scene.other_member, booking.id),
    }
    with pytest.raises(NotFound):
        calls[action]()
    assert booking.status == S.PENDING and booking.title == "Gönüllü buluşması"


def test_staff_of_another_center_cannot_approve(session, scene):
    booking = _pending(session, scene)
    with pytest.raises(NotFound):
        svc.approve_booking(session, scene.other_staff, booking.id, NOW)


def test_admin_may_approve_anywhere(session, scene):
    booking = _pending(session, scene)
    assert svc.approve_booking(session, scene.admin, booking.id, NOW).booking.status == S.APPROVED


def test_member_cannot_cancel_a_booking_that_has_started_but_staff_can(session, scene):
    booking = make_booking(session, scene.room, NOW - timedelta(minutes=30), 120,
                           status=S.APPROVED, organization=scene.org)
    session.commit()
    with pytest.raises(RuleViolation):
        svc.cancel_booking(session, scene.member, booking.id, None, NOW)
    svc.cancel_booking(session, scene.staff, booking.id, "Elektrik kesintisi", NOW)
    assert booking.status == S.CANCELLED and booking.status_reason == "Elektrik kesintisi"


def test_attendance_is_recorded_by_staff_only_after_the_start(session, scene):
    booking = make_booking(session, scene.room, NOW + timedelta(hours=2), 60,
                           status=S.APPROVED, organization=scene.org)
    session.commit()
    with pytest.raises(RuleViolation):
        attendance.record_attendance(session, scene.staff, booking.id, 30, NOW)
    with pytest.raises(NotAllowed):
        attendance.record_attendance(session, scene.member, booking.id, 30, NOW + timedelta(hours=3))
    attendance.record_attendance(session, scene.staff, booking.id, 30, NOW + timedelta(hours=3))
    assert booking.actual_attendees == 30


@pytest.mark.parametrize("value", [-1, 100_001, True])
def test_attendance_must_be_a_sensible_number(session, scene, value):
    booking = make_booking(session, scene.room, NOW - timedelta(hours=2), 60,
                           status=S.APPROVED, organization=scene.org)
    session.commit()
    with pytest.raises(RuleViolation):
        attendance.record_attendance(session, scene.staff, booking.id, value, NOW)


def test_attendance_cannot_exceed_the_rooms_capacity(session, scene):
    booking = make_booking(session, scene.room, NOW - timedelta(hours=2), 60,
                           status=S.APPROVED, organization=scene.org)
    session.commit()
    with pytest.raises(RuleViolation) as caught:
        attendance.record_attendance(session, scene.staff, booking.id, scene.room.capacity + 1, NOW)
    assert caught.value.errors[0].field == "actual_attendees"
    assert str(scene.room.capacity) in str(caught.value.errors[0].message)
    attendance.record_attendance(session, scene.staff, booking.id, scene.room.capacity, NOW)
    assert booking.actual_attendees == scene.room.capacity


def test_changing_the_time_of_an_approved_booking_on_an_approval_room_returns_it_to_pending(
        session, scene):
    booking = _pending(session, scene)
    svc.approve_booking(session, scene.staff, booking.id, NOW)
    sequence = booking.sequence
    svc.change_booking(session, scene.member, booking.id,
                       BookingChanges(start=local(4, 10), end=local(4, 12)), NOW)
    assert booking.status == S.PENDING
    assert booking.start_at == local(4, 10)
    assert booking.sequence == sequence + 1


def test_staff_moving_an_approved_booking_keeps_it_approved(session, scene):
    booking = create_booking(session, scene.staff, scene.request(local(3, 10)), NOW).bookings[0]
    svc.change_booking(session, scene.staff, booking.id,
                       BookingChanges(start=local(3, 14), end=local(3, 16)), NOW)
    assert booking.status == S.APPROVED
    assert booking.block_end == local(3, 16, 15)


def test_changing_only_the_title_keeps_status_and_sequence(session, scene):
    booking = create_booking(session, scene.staff, scene.request(local(3, 10)), NOW).bookings[0]
    svc.change_booking(session, scene.staff, booking.id,
                       BookingChanges(title="Yeni başlık"), NOW)
    assert (booking.status, booking.sequence, booking.title) == (S.APPROVED, 0, "Yeni başlık")


def test_moving_into_an_approved_booking_is_a_conflict_and_changes_nothing(session, scene):
    create_booking(session, scene.staff, scene.request(local(3, 14)), NOW)
    booking = create_booking(session, scene.staff, scene.request(local(3, 10)), NOW).bookings[0]
    session.commit()
    with pytest.raises(BookingConflict) as caught:
        svc.change_booking(session, scene.staff, booking.id,
                           BookingChanges(start=local(3, 13), end=local(3, 15)), NOW)
    assert caught.value.suggestions
    session.rollback()
    session.refresh(booking)
    assert booking.start_at == local(3, 10)


def test_moving_to_a_smaller_room_checks_capacity(session, scene):
    booking = _pending(session, scene)
    with pytest.raises(RuleViolation) as caught:
        svc.change_booking(session, scene.member, booking.id,
                           BookingChanges(room_id=scene.small_room.id), NOW)
    assert caught.value.errors[0].field == "expected_attendees"


def test_every_change_is_in_the_audit_trail(session, scene):
    booking = _pending(session, scene)
    svc.change_booking(session, scene.member, booking.id,
                       BookingChanges(start=local(4, 10), end=local(4, 12)), NOW)
    svc.approve_booking(session, scene.staff, booking.id, NOW)
    svc.cancel_booking(session, scene.member, booking.id, "Vazgeçtik", NOW)
    entries = session.scalars(select(AuditEntry).where(AuditEntry.booking_id == booking.id)
                              .order_by(AuditEntry.id)).all()
    assert [(e.action, e.from_status, e.to_status) for e in entries] == [
        ("create", None, "pending"),
        ("change", "pending", "pending"),
        ("approve", "pending", "approved"),
        ("cancel", "approved", "cancelled"),
    ]
    assert entries[1].details["start"]["to"] == local(4, 10).isoformat()
    assert entries[3].reason == "Vazgeçtik" and entries[3].actor_id == scene.member.id


def test_status_changes_raise_the_calendar_sequence(session, scene):
    booking = _pending(session, scene)
    svc.approve_booking(session, scene.staff, booking.id, NOW)
    svc.cancel_booking(session, scene.staff, booking.id, None, NOW)
    assert booking.sequence == 2


def test_a_pending_request_moved_to_a_room_needing_no_approval_is_approved(session, scene):
    booking = _pending(session, scene)
    svc.change_booking(session, scene.member, booking.id,
                       svc.BookingChanges(room_id=scene.open_room.id), NOW)
    session.commit()
    assert booking.status == S.APPROVED and booking.room_id == scene.open_room.id
    kinds = set(session.scalars(select(OutboxMessage.kind)
                                .where(OutboxMessage.booking_id == booking.id)))
    assert {"approved", "reminder"} <= kinds
