"""Free/busy of a room or a center for the next days (SPEC §12): the busy
intervals of the public availability (approved bookings, their buffers,
closures), never a title, an organisation or a person."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from booking.models import Center, Room
from booking.services.access import visible_room
from booking.services.availability import (
    MAX_RANGE,
    RoomAvailability,
    center_availability,
    room_availability,
)
from booking.services.errors import NotFound

MAX_DAYS = 366


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class RoomBusy:
    room: Room
    periods: list[tuple[datetime, datetime, str]]  # start, end, kind


def window(now: datetime, center: Center, days: int) -> Window:
    """From the start of today in the center's zone, ``days`` days on: the
    same answer all day long until something changes (an ETag worth keeping)."""
    days = max(1, min(days, MAX_DAYS))
    today = now.astimezone(center.tz).date()
    start = datetime.combine(today, time(), center.tz).astimezone(UTC)
    return Window(start, start + timedelta(days=days))


def _chunks(span: Window) -> list[tuple[datetime, datetime]]:
    """The window cut into the availability's largest range."""
    pieces, cursor = [], span.start
    while cursor < span.end:
        pieces.append((cursor, min(cursor + MAX_RANGE, span.end)))
        cursor += MAX_RANGE
    return pieces


def _merge(results: list[list[RoomAvailability]]) -> list[RoomBusy]:
    """Per room, the busy intervals of every chunk, each once (an interval
    across a chunk's edge is reported by both)."""
    by_room: dict[int, tuple[Room, set[tuple[datetime, datetime, str]]]] = {}
    for chunk in results:
        for item in chunk:
            _, seen = by_room.setdefault(item.room.id, (item.room, set()))
            seen.update((b.start.astimezone(UTC), b.end.astimezone(UTC), b.kind)
                        for b in item.busy)
    return [RoomBusy(room, sorted(periods)) for room, periods in by_room.values()]


def room_freebusy(session: Session, room_id: int, now: datetime,
                  days: int) -> tuple[Window, list[RoomBusy]]:
    """A public room's busy periods (an inactive or unknown room: NotFound)."""
    room = visible_room(session, None, room_id)
    span = window(now, room.center, days)
    return span, _merge([[room_availability(session, room.id, lo, hi, now)]
                         for lo, hi in _chunks(span)])


def center_freebusy(session: Session, center_id: int, now: datetime,
                    days: int) -> tuple[Window, list[RoomBusy]]:
    """Every active room of a public center, by name."""
    center = session.get(Center, center_id)
    if center is None or not center.is_active:
        raise NotFound(_l("Merkez bulunamadı."))
    span = window(now, center, days)
    rooms = _merge([center_availability(session, center.id, lo, hi, now)
                    for lo, hi in _chunks(span)])
    return span, sorted(rooms, key=lambda item: item.room.name)
