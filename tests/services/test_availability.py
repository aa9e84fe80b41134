"""Free/busy of a room and free rooms of a center: buffers, closures and hours counted."""
from __future__ import annotations

from datetime import timedelta

import pytest

from booking.models import BookingStatus
from booking.services.availability import free_rooms, room_availability
from booking.services.bookings import create_booking
from booking.services.closures import add_closure
from booking.services.errors import NotFound, RuleViolation
from tests.support.factories import make_booking
from tests.support.scene import NOW, local


def test_busy_lists_bookings_buffers_and_closures_and_free_fits_around_them(session, scene):
    create_booking(session, scene.staff, scene.request(local(3, 10), 120), NOW)
    add_closure(session, scene.staff, room_id=scene.room.id, start=local(3, 17),
                end=local(3, 19), reason="Temizlik", now=NOW)
    result = room_availability(session, scene.room.id, local(3, 0), local(4, 0), NOW)
    assert [(b.kind, b.start, b.end) for b in result.busy] == [
        ("booking", local(3, 10), local(3, 12)),
        ("buffer", local(3, 12), local(3, 12, 15)),
        ("closure", local(3, 17), local(3, 19)),
    ]
    # A booking placed wholly inside a free interval needs its own 15-minute buffer
    # before the next booking: the first free interval ends at 09:45.
    assert result.free == [
        (local(3, 8), local(3, 9, 45)),
        (local(3, 12, 15), local(3, 17)),
        (local(3, 19), local(3, 22)),
    ]


def test_pending_requests_do_not_make_a_room_busy(session, scene):
    make_booking(session, scene.room, local(3, 10), 60, status=BookingStatus.PENDING)
    result = room_availability(session, scene.room.id, local(3, 0), local(4, 0), NOW)
    assert result.busy == []


def test_free_time_never_starts_in_the_past(session, scene):
    result = room_availability(session, scene.room.id, local(0, 0), local(1, 0), NOW)
    assert result.free[0][0] == NOW
    assert all(start >= NOW for start, _ in result.free)


def test_availability_range_is_bounded_and_ordered(session, scene):
    with pytest.raises(RuleViolation):
        room_availability(session, scene.room.id, local(4, 0), local(3, 0), NOW)
    with pytest.raises(RuleViolation):
        room_availability(session, scene.room.id, local(3, 0), local(3 + 90, 0), NOW)


def test_unknown_or_inactive_room_has_no_availability(session, scene):
    scene.small_room.is_active = False
    with pytest.raises(NotFound):
        room_availability(session, scene.small_room.id, local(3, 0), local(4, 0), NOW)
    with pytest.raises(NotFound):
        room_availability(session, 999_999, local(3, 0), local(4, 0), NOW)


def test_free_rooms_of_a_center_fit_the_attendees_and_the_interval(session, scene):
    create_booking(session, scene.staff, scene.request(local(3, 10), 120, room=scene.big_room),
                   NOW)
    rooms = free_rooms(session, scene.center.id, local(3, 11), local(3, 12), 15, NOW)
    assert {r.id for r in rooms} == {scene.room.id, scene.open_room.id}
    rooms = free_rooms(session, scene.center.id, local(3, 11), local(3, 12), 30, NOW)
    assert {r.id for r in rooms} == {scene.room.id}


def test_free_rooms_respect_opening_hours_for_members_but_not_staff(session, scene):
    late = (local(3, 22, 30), local(3, 23, 30))
    assert free_rooms(session, scene.center.id, *late, 5, NOW) == []
    assert free_rooms(session, scene.center.id, *late, 5, NOW, actor=scene.staff)


def test_free_rooms_of_a_closed_center_is_empty(session, scene):
    add_closure(session, scene.staff, center_id=scene.center.id, start=local(3, 0),
                end=local(4, 0), reason="Ramazan Bayramı", now=NOW)
    assert free_rooms(session, scene.center.id, local(3, 11), local(3, 12), 5, NOW) == []


def test_a_week_view_spans_days_in_the_center_zone(session, scene):
    result = room_availability(session, scene.room.id, local(3, 0), local(10, 0), NOW)
    assert len(result.free) == 7
    assert all(end - start == timedelta(hours=14) for start, end in result.free)


def test_staff_skip_the_hours_only_in_the_centers_they_manage(session, scene):
    """One rule (access.overrides_rules) for the free-room list, as for the search:
    at 23:00, outside the opening hours, a center's own staff find its rooms
    free, staff of another center find none."""
    from booking.models import Role
    from tests.support.factories import make_center, make_user

    elsewhere = make_user(session, Role.STAFF, centers=[make_center(session)])
    session.flush()
    late = free_rooms(session, scene.center.id, local(3, 23), local(3, 23, 30), 5, NOW,
                      scene.staff)
    assert late
    assert free_rooms(session, scene.center.id, local(3, 23), local(3, 23, 30), 5, NOW,
                      elsewhere) == []
