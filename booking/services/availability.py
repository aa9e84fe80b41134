"""Free/busy of a room, and which rooms of a center are free for an interval."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from booking.models import Booking, Center, Closure, Room, User
from booking.services.access import overrides_rules, visible_room
from booking.services.closures import closure_reason
from booking.services.conflicts import (
    approved_blocks,
    approved_spans,
    center_closures,
    closures_for,
    is_free_in,
)
from booking.services.errors import NotFound, RuleViolation
from booking.services.rules import check_times

MAX_RANGE = timedelta(days=62)


@dataclass
class Busy:
    start: datetime
    end: datetime
    kind: str  # "booking", "buffer" or "closure"
    booking: Booking | None = None
    # A closure's reason in the reader's language (services.closures.closure_reason).
    reason: str | None = None
    closure: Closure | None = None


@dataclass
class RoomAvailability:
    room: Room
    busy: list[Busy]
    free: list[tuple[datetime, datetime]]


def check_range(start: datetime, end: datetime, field: str = "to") -> None:
    if end <= start:
        raise RuleViolation.single(field, _l("Aralığın sonu başından sonra olmalı."))
    if end - start > MAX_RANGE:
        raise RuleViolation.single(field, _l("En fazla %(n)d günlük aralık sorgulanabilir.",
                                             n=MAX_RANGE.days))


def opening_windows(room: Room, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The room's opening hours, day by day in its center's zone, cut to [start, end)."""
    tz = room.center.tz
    day: date = start.astimezone(tz).date()
    last: date = end.astimezone(tz).date()
    windows = []
    while day <= last:
        opens = datetime.combine(day, room.opening_time, tzinfo=tz).astimezone(start.tzinfo)
        closes = datetime.combine(day, room.closing_time, tzinfo=tz).astimezone(start.tzinfo)
        lo, hi = max(opens, start), min(closes, end)
        if lo < hi:
            windows.append((lo, hi))
        day += timedelta(days=1)
    return windows


def subtract(windows: list[tuple[datetime, datetime]],
              taken: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The parts of ``windows`` (ordered, disjoint) that no ``taken`` interval covers.

    One pass over both lists: a center's week is 30 rooms x 7 windows against
    thousands of bookings, where testing every pair cost more than the query."""
    free = []
    taken = sorted(taken)
    first = 0
    for lo, hi in windows:
        # What ends before this window ends before every later window too.
        while first < len(taken) and taken[first][1] <= lo:
            first += 1
        cursor = lo
        index = first
        while index < len(taken) and taken[index][0] < hi:
            s, e = taken[index]
            if e > cursor:
                if s > cursor:
                    free.append((cursor, s))
                cursor = e
            index += 1
        if cursor < hi:
            free.append((cursor, hi))
    return free


def room_availability(
    session: Session, room_id: int, start: datetime, end: datetime, now: datetime,
    actor: User | None = None,
) -> RoomAvailability:
    """Busy intervals (approved bookings, their buffers, closures) and the free
    intervals within opening hours in which a booking could be placed whole:
    a free interval ends a buffer's length before the next booking starts.
    A room the actor may not see (``access.visible_room``) is NotFound."""
    room = visible_room(session, actor, room_id)
    check_range(start, end)
    buffer = timedelta(minutes=room.buffer_minutes)
    blocks = [(b.start_at, b.end_at, b.block_end, b)
              for b in approved_blocks(session, room.id, start - buffer, end + buffer)]
    return _room_result(room, blocks, closures_for(session, room, start, end), start, end, now)


def center_availability(
    session: Session, center_id: int, start: datetime, end: datetime, now: datetime
) -> list[RoomAvailability]:
    """``room_availability`` of every active room of the center, in three queries
    whatever the number of rooms (rooms, approved blocks, closures). The busy
    intervals carry no booking (``booking`` is None): this is the public
    free/busy, read from the partial index alone. Instants come back in UTC."""
    center = session.get(Center, center_id)
    if center is None or not center.is_active:
        raise NotFound(_l("Merkez bulunamadı."))
    check_range(start, end)
    # The database answers in UTC; aware datetimes sharing one tzinfo compare
    # without utcoffset() calls, which otherwise cost a third of the time here.
    start, end, now = start.astimezone(UTC), end.astimezone(UTC), now.astimezone(UTC)
    rooms = list(session.scalars(
        select(Room).where(Room.center_id == center_id, Room.is_active.is_(True))
        .order_by(Room.name)
    ))
    pad = timedelta(minutes=max((room.buffer_minutes for room in rooms), default=0))
    blocks = approved_spans(session, [room.id for room in rooms], start - pad, end + pad)
    closures = center_closures(session, center_id, start, end)
    return [
        _room_result(
            room,
            [(s, e, b, None) for s, e, b in blocks.get(room.id, [])],
            [c for c in closures if c.room_id in (None, room.id)],
            start, end, now,
        )
        for room in rooms
    ]


def _room_result(
    room: Room,
    blocks: Sequence[tuple[datetime, datetime, datetime, Booking | None]],
    closures: list[Closure],
    start: datetime,
    end: datetime,
    now: datetime,
) -> RoomAvailability:
    """Busy and free intervals of ``room`` from its approved blocks
    (start, end, block end, booking) and closures."""
    buffer = timedelta(minutes=room.buffer_minutes)
    busy: list[Busy] = []
    taken: list[tuple[datetime, datetime]] = []
    for block_start, block_stop, block_end, booking in blocks:
        busy.append(Busy(block_start, block_stop, "booking", booking=booking))
        if block_end > block_stop:
            busy.append(Busy(block_stop, block_end, "buffer", booking=booking))
        taken.append((block_start - buffer, block_end))
    for closure in closures:
        busy.append(Busy(closure.start_at, closure.end_at, "closure",
                         reason=closure_reason(closure), closure=closure))
        taken.append((closure.start_at, closure.end_at))
    busy = [b for b in busy if b.end > start and b.start < end]
    busy.sort(key=lambda b: (b.start, b.end))
    free_from = max(start, now)
    windows = opening_windows(room, free_from, end) if free_from < end else []
    return RoomAvailability(room, busy, subtract(windows, taken))


def free_rooms(
    session: Session,
    center_id: int,
    start: datetime,
    end: datetime,
    attendees: int,
    now: datetime,
    actor: User | None = None,
) -> list[Room]:
    """Active rooms of the center that fit ``attendees`` and could be booked for [start, end)."""
    center = session.get(Center, center_id)
    if center is None or not center.is_active:
        raise NotFound(_l("Merkez bulunamadı."))
    check_range(start, end, field="end")
    if attendees < 1:
        raise RuleViolation.single("attendees", _l("Katılımcı sayısı en az 1 olmalı."))
    override = overrides_rules(actor, center_id)
    rooms = session.scalars(
        select(Room)
        .where(Room.center_id == center_id, Room.is_active.is_(True), Room.capacity >= attendees)
        .options(selectinload(Room.feature_rows))
        .order_by(Room.capacity, Room.name)
    )
    # The rules first (no database), then two queries for all remaining rooms.
    candidates = [room for room in rooms if not check_times(room, start, end, now, override=override)]
    if not candidates:
        return []
    pad = timedelta(minutes=max(room.buffer_minutes for room in candidates))
    spans = approved_spans(session, [room.id for room in candidates], start - pad, end + pad)
    closures = center_closures(session, center_id, start, end)
    return [room for room in candidates
            if is_free_in(room, spans.get(room.id, []), closures, start, end)]
