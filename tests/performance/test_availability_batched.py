"""The batched availability paths (docs/performance.md) answer exactly what the
room-by-room ones do, in a number of queries that does not grow with the rooms."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event

from booking.models import BookingStatus
from booking.services.availability import (
    center_availability,
    free_rooms,
    room_availability,
    subtract,
)
from booking.services.closures import add_closure
from booking.services.errors import NotFound
from tests.support.factories import make_booking, make_room
from tests.support.scene import NOW, build_scene, local


@pytest.fixture
def scene(session):
    scene = build_scene(session)
    make_booking(session, scene.room, local(3, 10), 120, status=BookingStatus.APPROVED)
    make_booking(session, scene.room, local(3, 14), 60, status=BookingStatus.PENDING)
    make_booking(session, scene.big_room, local(4, 9), 90, status=BookingStatus.APPROVED)
    make_booking(session, scene.big_room, local(4, 12), 30, status=BookingStatus.CANCELLED)
    # A block from the day before reaching into the week: counted by both paths.
    make_booking(session, scene.open_room, local(2, 21, 30), 60, status=BookingStatus.APPROVED)
    session.commit()
    add_closure(session, scene.staff, room_id=scene.small_room.id, start=local(5, 8),
                end=local(5, 12), reason="Bakım", now=NOW)
    add_closure(session, scene.staff, center_id=scene.center.id, start=local(6, 0),
                end=local(7, 0), reason="Bayram", now=NOW)
    session.commit()
    return scene


def _shape(result):
    return (
        result.room.id,
        [(b.kind, b.start, b.end, b.reason) for b in result.busy],
        result.free,
    )


def test_center_availability_equals_room_availability_of_every_active_room(session, scene):
    start, end = local(3, 0), local(10, 0)
    batched = center_availability(session, scene.center.id, start, end, NOW)
    one_by_one = [room_availability(session, r.room.id, start, end, NOW) for r in batched]
    assert [_shape(r) for r in batched] == [_shape(r) for r in one_by_one]
    assert {r.room.id for r in batched} == {
        scene.room.id, scene.small_room.id, scene.big_room.id, scene.open_room.id}
    assert any(b.kind == "buffer" for r in batched for b in r.busy)
    assert all(b.booking is None for r in batched for b in r.busy)


def test_center_availability_of_an_unknown_center_is_not_found(session, scene):
    with pytest.raises(NotFound):
        center_availability(session, 999_999, local(3, 0), local(4, 0), NOW)


def _count_statements(session, action):
    statements = []
    engine = session.get_bind()

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_free_rooms_and_center_week_do_not_query_room_by_room(session, scene):
    start, end = local(3, 11), local(3, 12)

    def ask():
        session.expunge_all()
        free_rooms(session, scene.center.id, start, end, 5, NOW)
        center_availability(session, scene.center.id, local(3, 0), local(10, 0), NOW)

    before = _count_statements(session, ask)
    for n in range(8):
        make_room(session, scene.center, name=f"Ek Salon {n}", capacity=30)
    session.commit()
    assert _count_statements(session, ask) == before


_instants = st.integers(min_value=0, max_value=200).map(
    lambda m: datetime(2030, 1, 1) + timedelta(minutes=5 * m))


def _naive_subtract(windows, taken):
    """The plain definition: for each window, walk every taken interval."""
    free = []
    for lo, hi in windows:
        cursor = lo
        for s, e in sorted(taken):
            if e <= cursor or s >= hi:
                continue
            if s > cursor:
                free.append((cursor, s))
            cursor = max(cursor, e)
        if cursor < hi:
            free.append((cursor, hi))
    return free


@given(
    cuts=st.lists(_instants, min_size=0, max_size=12, unique=True),
    taken=st.lists(st.tuples(_instants, st.integers(1, 60)), max_size=20),
)
def test_one_pass_subtract_equals_the_plain_definition(cuts, taken):
    points = sorted(cuts)
    windows = list(zip(points[::2], points[1::2], strict=False))
    intervals = [(s, s + timedelta(minutes=5 * n)) for s, n in taken]
    assert subtract(windows, intervals) == _naive_subtract(windows, intervals)
