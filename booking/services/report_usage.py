"""The yearly report's use figures (SPEC §8): no-shows, their rate, and the
occupancy of each room.

- ``no_shows``: bookings in status ``no_show`` starting in the year.
- ``no_show_rate``: no_shows ÷ (approved bookings of rooms that require
  check-in whose check-in window has closed by ``now`` + no_shows): of the
  bookings that had to be checked in, the share nobody came to. ``None`` when
  no booking had to be checked in. Whether a room requires check-in is read
  from its setting today (the setting has no history).
- ``occupancy`` per room: approved booked hours starting in the year ÷ the
  room's opening hours in the year (its opening to closing time on every day
  of the year in the center's zone, less the closures of the room or of its
  whole center within those hours). No-shows, pending and cancelled bookings
  book no hours.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, TypedDict

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from booking.models import Booking, BookingStatus, Center, Closure, Room
from booking.services.checkin import grace
from booking.services.conflicts import is_approved


class RoomOccupancy(TypedDict):
    room_id: int
    center_id: int
    name: str
    center_name: str
    booked_hours: float
    open_hours: float
    occupancy: float | None


class Usage(TypedDict):
    no_shows: int
    no_show_rate: float | None
    occupancy: list[RoomOccupancy]


def _requires_checkin() -> ColumnElement[bool]:
    return or_(Room.checkin_required.is_(True),
               and_(Room.checkin_required.is_(None), Center.checkin_required.is_(True)))


def _seconds(session: Session) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", Booking.end_at - Booking.start_at)
    return (func.julianday(Booking.end_at) - func.julianday(Booking.start_at)) * 86400.0


def no_show_figures(session: Session, in_year: ColumnElement[bool],
                    now: datetime) -> tuple[int, float | None]:
    no_show = Booking.status == BookingStatus.NO_SHOW
    had_to = and_(is_approved(), _requires_checkin(), Booking.start_at <= now - grace())
    row = session.execute(
        select(func.coalesce(func.sum(case((no_show, 1), else_=0)), 0),
               func.coalesce(func.sum(case((had_to, 1), else_=0)), 0))
        .select_from(Booking).join(Room, Room.id == Booking.room_id)
        .join(Center, Center.id == Room.center_id)
        .where(in_year, or_(no_show, had_to))
    ).one()
    no_shows, checked = int(row[0]), int(row[1])
    total = no_shows + checked
    return no_shows, (round(no_shows / total, 4) if total else None)


def _open_seconds(room: Room, year: int, closures: list[Closure]) -> float:
    """The room's opening hours in ``year`` (center time), less its closures
    within them (overlapping closures counted once)."""
    tz = room.center.tz
    daily = (datetime.combine(date(year, 1, 1), room.closing_time)
             - datetime.combine(date(year, 1, 1), room.opening_time)).total_seconds()
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    closed: dict[date, list[tuple[datetime, datetime]]] = {}
    for closure in closures:
        day = max(closure.start_at.astimezone(tz).date(), date(year, 1, 1))
        last = min(closure.end_at.astimezone(tz).date(), date(year, 12, 31))
        while day <= last:
            opens = datetime.combine(day, room.opening_time, tzinfo=tz)
            closes = datetime.combine(day, room.closing_time, tzinfo=tz)
            start, end = max(opens, closure.start_at), min(closes, closure.end_at)
            if start < end:
                closed.setdefault(day, []).append((start, end))
            day += timedelta(days=1)
    return daily * days - sum(_merged_seconds(parts) for parts in closed.values())


def _merged_seconds(parts: list[tuple[datetime, datetime]]) -> float:
    total, reach = 0.0, None
    for start, end in sorted(parts):
        if reach is not None and start < reach:
            start = reach
        if start < end:
            total += (end - start).total_seconds()
            reach = end if reach is None else max(reach, end)
    return total


def occupancy(session: Session, centers: list[Center], in_year: ColumnElement[bool],
              year: int) -> list[RoomOccupancy]:
    """Every room of the centers (active or not), by center and room name."""
    center_ids = [c.id for c in centers]
    rooms = list(session.scalars(select(Room).where(Room.center_id.in_(center_ids or [-1]))
                                 .order_by(Room.center_id, Room.name, Room.id)))
    booked: dict[int, Any] = dict(session.execute(
        select(Booking.room_id, func.sum(_seconds(session)))
        .join(Room, Room.id == Booking.room_id)
        .where(is_approved(), in_year).group_by(Booking.room_id)
    ).all())
    first, last = datetime(year - 1, 12, 30, tzinfo=UTC), datetime(year + 1, 1, 2, tzinfo=UTC)
    closures = list(session.scalars(select(Closure).where(
        Closure.center_id.in_(center_ids or [-1]), Closure.end_at > first,
        Closure.start_at < last)))
    names = {c.id: c.name for c in centers}
    result: list[RoomOccupancy] = []
    for room in rooms:
        own = [c for c in closures if c.center_id == room.center_id
               and c.room_id in (None, room.id)]
        open_seconds = _open_seconds(room, year, own)
        booked_seconds = float(booked.get(room.id) or 0.0)
        result.append({
            "room_id": room.id, "center_id": room.center_id, "name": room.name,
            "center_name": names[room.center_id],
            "booked_hours": round(booked_seconds / 3600, 2),
            "open_hours": round(open_seconds / 3600, 2),
            "occupancy": round(booked_seconds / open_seconds, 4) if open_seconds else None,
        })
    return result


def usage(session: Session, centers: list[Center], in_year: ColumnElement[bool], year: int,
          now: datetime) -> Usage:
    no_shows, rate = no_show_figures(session, in_year, now)
    return {"no_shows": no_shows, "no_show_rate": rate,
            "occupancy": occupancy(session, centers, in_year, year)}
