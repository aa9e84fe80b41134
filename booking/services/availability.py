"""Free/busy of a room, and which rooms of a center are free for an interval."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from booking.models import Booking, Center, Room, User
from booking.services.conflicts import _RoomCalendar, approved_blocks, closures_for
from booking.services.errors import NotFound, RuleViolation
from booking.services.rules import check_times

MAX_RANGE = timedelta(days=62)


@dataclass
class Busy:
    start: datetime
    end: datetime
    kind: str  # "booking", "buffer" or "closure"
    booking: Booking | None = None
    reason: str | None = None


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


def _opening_windows(room: Room, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
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


def _subtract(windows: list[tuple[datetime, datetime]],
              taken: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    free = []
    taken = sorted(taken)
    for lo, hi in windows:
        cursor = lo
        for s, e in taken:
            if e <= cursor or s >= hi:
                continue
            if s > cursor:
                free.append((cursor, s))
            cursor = max(cursor, e)
        if cursor < hi:
            free.append((cursor, hi))
    return free


def room_availability(
    session: Session, room_id: int, start: datetime, end: datetime, now: datetime
) -> RoomAvailability:
    """Busy intervals (approved bookings, their buffers, closures) and the free
    intervals within opening hours in which a booking could be placed whole:
    a free interval ends a buffer's length before the next booking starts."""
    room = session.get(Room, room_id)
    if room is None or not room.is_active:
        raise NotFound(_l("Salon bulunamadı."))
    check_range(start, end)
    buffer = timedelta(minutes=room.buffer_minutes)
    bookings = approved_blocks(session, room.id, start - buffer, end + buffer)
    closures = closures_for(session, room, start, end)
    busy: list[Busy] = []
    taken: list[tuple[datetime, datetime]] = []
    for booking in bookings:
        busy.append(Busy(booking.start_at, booking.end_at, "booking", booking=booking))
        if booking.block_end > booking.end_at:
            busy.append(Busy(booking.end_at, booking.block_end, "buffer", booking=booking))
        taken.append((booking.start_at - buffer, booking.block_end))
    for closure in closures:
        busy.append(Busy(closure.start_at, closure.end_at, "closure", reason=closure.reason))
        taken.append((closure.start_at, closure.end_at))
    busy = [b for b in busy if b.end > start and b.start < end]
    busy.sort(key=lambda b: (b.start, b.end))
    free_from = max(start, now)
    windows = _opening_windows(room, free_from, end) if free_from < end else []
    return RoomAvailability(room, busy, _subtract(windows, taken))


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
    override = bool(actor is not None and actor.is_staff)
    rooms = session.scalars(
        select(Room)
        .where(Room.center_id == center_id, Room.is_active.is_(True), Room.capacity >= attendees)
        .options(selectinload(Room.feature_rows))
        .order_by(Room.capacity, Room.name)
    )
    return [
        room for room in rooms
        if not check_times(room, start, end, now, override=override)
        and _RoomCalendar(session, room, start, end).is_free(start, end)
    ]
