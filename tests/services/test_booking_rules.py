"""Every rule of SPEC §2 refuses bad requests with its own field and message."""
from __future__ import annotations

from datetime import timedelta

import pytest

from booking.models import BookingStatus
from booking.services.bookings import create_booking
from booking.services.closures import add_closure
from booking.services.errors import BookingConflict, NotAllowed, RuleViolation
from tests.support.scene import NOW, local


def _fields(exc: RuleViolation) -> set[str]:
    return {e.field for e in exc.errors}


def test_end_before_start_is_refused_on_the_end_field(session, scene):
    request = scene.request(local(3, 18), minutes=60)
    request.end = request.start - timedelta(minutes=30)
    with pytest.raises(RuleViolation) as caught:
        create_booking(session, scene.member, request, NOW)
    assert _fields(caught.value) == {"end"}


def test_booking_outside_opening_hours_is_refused(session, scene):
    with pytest.raises(RuleViolation) as caught:
        create_booking(session, scene.member, scene.request(local(3, 21, 30), 60), NOW)
    assert _fields(caught.value) == {"start"}
    assert "08:00" in str(caught.value.errors[0].message)


def test_booking_across_midnight_is_outside_opening_hours(session, scene):
    scene.room.closing_time = scene.room.closing_time.replace(hour=23, minute=59)
    with pytest.raises(RuleViolation):
        create_booking(session, scene.member, scene.request(local(3, 23), 120), NOW)


def test_staff_may_book_outside_opening_hours(session, scene):
    result = create_booking(session, scene.staff, scene.request(local(3, 21, 30), 60), NOW)
    assert result.bookings[0].status == BookingStatus.APPROVED


def test_shorter_than_the_room_minimum_is_refused(session, scene):
    with pytest.raises(RuleViolation) as caught:
        create_booking(session, scene.member, scene.request(local(3, 10), 15), NOW)
    assert _fields(caught.value) == {"end"}


def test_longer_than_the_room_maximum_is_refused_even_for_staff(session, scene):
    with pytest.raises(RuleViolation) as caught:
        create_booking(session, scene.staff, scene.request(local(3, 8), 9 * 60), NOW)
    assert _fields(caught.value) == {"end"}


def test_booking_in_the_past_is_refused_even_for_staff(session, scene):
    with pytest.raises(RuleViolation) as caught:
        create_booking(session, scene.staff, scene.request(local(-1, 10), 60), NOW)
    assert _fields(caught.value) == {"start"}


def test_beyond_the_advance_window_is_refused_for_members(session, scene):
    too_far = local(scene.room.max_advance_days + 2, 10)
    with pytest.raises(RuleViolation) as caught:
        create_booking(session, scene.member, scene.request(too_far, 60), NOW)
    assert _fields(caught.value) == {"start"}


def test_staff_may_book_beyond_the_advance_window(session, scene):
    too_far = local(scene.room.max_advance_days + 2, 10)
    assert create_booking(session, scene.staff, scene.request(too_far, 60), NOW).bookings


def test_more_attendees_than_capacity_is_refused(session, scene):
    with pytest.raises(RuleViolation) as caught:
        create_booking(session, scene.member,
                       scene.request(local(3, 10), 60, expected_attendees=41), NOW)
    assert _fields(caught.value) == {"expected_attendees"}
    assert "40" in str(caught.value.errors[0].message)


@pytest.mark.parametrize("attendees", [0, -3, True, "12"])
def test_attendees_must_be_a_positive_whole_number(session, scene, attendees):
    with pytest.raises(RuleViolation) as caught:
        create_booking(session, scene.member,
                       scene.request(local(3, 10), 60, expected_attendees=attendees), NOW)
    assert _fields(caught.value) == {"expected_attendees"}


def test_inactive_room_is_refused(session, scene):
    scene.room.is_active = False
    with pytest.raises(RuleViolation) as caught:
        create_booking(session, scene.member, scene.request(local(3, 10), 60), NOW)
    assert "room_id" in _fields(caught.value)


def test_unknown_room_is_a_field_error(session, scene):
    request = scene.request(local(3, 10), 60)
    request.room_id = 999_999
    with pytest.raises(RuleViolation) as caught:
        create_booking(session, scene.member, request, NOW)
    assert _fields(caught.value) == {"room_id"}


def test_unverified_organization_cannot_book(session, scene):
    scene.org.is_verified = False
    with pytest.raises(RuleViolation) as caught:
        create_booking(session, scene.member, scene.request(local(3, 10), 60), NOW)
    assert _fields(caught.value) == {"organization_id"}


def test_staff_cannot_book_for_an_unverified_organization_either(session, scene):
    scene.org.is_verified = False
    for actor in (scene.staff, scene.admin):
        request = scene.request(local(3, 10), 60, organization_id=scene.org.id)
        with pytest.raises(RuleViolation) as caught:
            create_booking(session, actor, request, NOW)
        assert _fields(caught.value) == {"organization_id"}
        assert "doğrulayın" in str(caught.value.errors[0].message)
    # An internal booking (no organisation) stays possible.
    created = create_booking(session, scene.staff, scene.request(local(3, 10), 60), NOW)
    assert created.bookings[0].organization_id is None


def test_empty_title_and_unknown_kind_are_reported_together(session, scene):
    with pytest.raises(RuleViolation) as caught:
        create_booking(session, scene.member,
                       scene.request(local(3, 10), 60, title="  ", kind="party"), NOW)
    assert _fields(caught.value) == {"title", "kind"}


def test_member_cannot_book_for_another_organization(session, scene):
    with pytest.raises(RuleViolation) as caught:
        create_booking(session, scene.member,
                       scene.request(local(3, 10), 60, organization_id=scene.other_org.id), NOW)
    assert _fields(caught.value) == {"organization_id"}


def test_staff_of_another_center_cannot_book_directly(session, scene):
    with pytest.raises(NotAllowed):
        create_booking(session, scene.other_staff, scene.request(local(3, 10), 60), NOW)


def test_a_closure_of_the_whole_center_is_a_conflict(session, scene):
    add_closure(session, scene.staff, center_id=scene.center.id, start=local(3, 0),
                end=local(4, 0), reason="Bakım", now=NOW)
    with pytest.raises(BookingConflict) as caught:
        create_booking(session, scene.member, scene.request(local(3, 10), 60), NOW)
    assert [c.kind for c in caught.value.conflicts] == ["closure"]


def test_a_closure_of_another_room_does_not_block(session, scene):
    add_closure(session, scene.staff, room_id=scene.small_room.id, start=local(3, 0),
                end=local(4, 0), reason="Boya", now=NOW)
    assert create_booking(session, scene.member, scene.request(local(3, 10), 60), NOW).bookings


def test_request_overlapping_an_approved_booking_is_a_conflict_with_suggestions(session, scene):
    create_booking(session, scene.staff, scene.request(local(3, 10), 120), NOW)
    with pytest.raises(BookingConflict) as caught:
        create_booking(session, scene.member, scene.request(local(3, 11), 60), NOW)
    conflict = caught.value
    assert conflict.conflicts[0].kind == "booking"
    same_room = [s for s in conflict.suggestions if s.room_id == scene.room.id]
    other_rooms = {s.room_id for s in conflict.suggestions} - {scene.room.id}
    assert same_room, "nearest free slots in the same room"
    for suggestion in same_room:
        assert suggestion.end - suggestion.start == timedelta(minutes=60)
        # Never inside the approved booking or its 15-minute buffer.
        assert suggestion.end + timedelta(minutes=15) <= local(3, 10) or \
            suggestion.start >= local(3, 12, 15)
    # Other rooms free at that time that fit 20 people; the 12-seat workshop does not.
    assert scene.big_room.id in other_rooms
    assert scene.small_room.id not in other_rooms


def test_touching_within_the_buffer_is_a_conflict(session, scene):
    create_booking(session, scene.staff, scene.request(local(3, 10), 60), NOW)
    with pytest.raises(BookingConflict):
        create_booking(session, scene.staff, scene.request(local(3, 11, 10), 60), NOW)
    assert create_booking(session, scene.staff, scene.request(local(3, 11, 15), 60), NOW).bookings
