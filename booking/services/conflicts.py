"""Overlap detection against the bookings that hold time (approved ones and
waitlist offers) and closures, and suggestions of the nearest free slots when
a request collides. "Approved" in the names below means holding time: an
offer (status ``offered``) is busy everywhere an approved booking is, as the
database's no-overlap guard counts it too (migration 0011)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    and_,
    bindparam,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from booking.models import Booking, BookingStatus, Closure, Room
from booking.models.places import MAX_BUFFER_MINUTES, MAX_DURATION_MINUTES
from booking.services.intervals import ConflictKind, Interval, Suggestion
from booking.services.rules import check_times

# No block is longer than this, so a block meeting [start, end) starts after
# start - MAX_BLOCK_SPAN: the lower bound that keeps the index range scan short.
MAX_BLOCK_SPAN = timedelta(minutes=MAX_DURATION_MINUTES + MAX_BUFFER_MINUTES)
SUGGESTION_STEP = timedelta(minutes=30)
SUGGESTION_HORIZON = timedelta(days=14)
MAX_SAME_ROOM = 3
MAX_OTHER_ROOMS = 5


def is_held() -> ColumnElement[bool]:
    """``bookings.status IN ('approved', 'offered')`` with the values written
    into the SQL exactly as the predicate of the partial index
    ix_bookings_approved_room_period (models.HELD_ONLY), so the planner can
    prove the index applies (a bound parameter hides the values from SQLite
    and from PostgreSQL's generic plans; SQLite also needs the same terms)."""
    return Booking.status.in_([literal_column("'approved'"), literal_column("'offered'")])


def is_approved() -> ColumnElement[bool]:
    """Approved bookings only, as the partial index can answer it: the index's
    own predicate (``is_held``) and ``status = 'approved'`` on its status
    column (the yearly report: offers are not meetings)."""
    return and_(is_held(), Booking.status == literal_column("'approved'"))


def blocks_meet(start: datetime, block_end: datetime,
                 other_start: datetime, other_block_end: datetime) -> bool:
    """The one overlap rule between two bookings of a room, in Python: each
    blocks [start, end + the room's buffer), and two blocks meet when each
    begins before the other ends. The SQL below says the same of rows."""
    return start < other_block_end and other_start < block_end


def block_end_if_approved(booking: Booking) -> datetime:
    """Where a booking's block would end if it were approved now: its end plus
    the room's current buffer (approval writes this into ``block_end``)."""
    return booking.end_at + timedelta(minutes=booking.room.buffer_minutes)


def pending_blocks_meeting(booking: Booking) -> tuple[ColumnElement[bool], ...]:
    """Other pending requests of the booking's room whose block meets the block
    it has once approved (``block_end_if_approved``): the requests its
    approval rejects, and the rivals the staff queue shows beside it."""
    return (
        Booking.room_id == booking.room_id,
        Booking.status == BookingStatus.PENDING,
        Booking.id != booking.id,
        Booking.start_at < block_end_if_approved(booking),
        Booking.block_end > booking.start_at,
    )


def approved_blocks_meeting(start: Any, end: Any, lower: Any = None) -> tuple[ColumnElement[bool], ...]:
    """Approved bookings whose blocked interval meets [start, end), as the
    partial index ix_bookings_approved_room_period can answer it: a short
    range on start_at, bounded below by the longest possible block (``lower``,
    by default ``start - MAX_BLOCK_SPAN``; a bound parameter's caller passes it)."""
    return (
        is_held(),
        Booking.start_at < end,
        Booking.start_at > (start - MAX_BLOCK_SPAN if lower is None else lower),
        Booking.block_end > start,
    )


def closures_of_room_meeting(room_id: Any, center_id: Any, start: Any,
                             end: Any) -> tuple[ColumnElement[bool], ...]:
    """Closures of the room or of its whole center that meet [start, end)."""
    return (
        Closure.center_id == center_id,
        or_(Closure.room_id.is_(None), Closure.room_id == room_id),
        Closure.start_at < end,
        Closure.end_at > start,
    )


def approved_blocks(
    session: Session, room_id: int, start: datetime, end: datetime, exclude: Iterable[int] = ()
) -> list[Booking]:
    """Approved bookings of the room whose blocked interval meets [start, end)."""
    query = select(Booking).where(Booking.room_id == room_id, *approved_blocks_meeting(start, end))
    excluded = list(exclude)
    if excluded:
        query = query.where(Booking.id.not_in(excluded))
    return list(session.scalars(query.order_by(Booking.start_at)))


def closures_for(session: Session, room: Room, start: datetime, end: datetime) -> list[Closure]:
    """Closures of the room or of its whole center that meet [start, end)."""
    return list(session.scalars(
        select(Closure).where(*closures_of_room_meeting(room.id, room.center_id, start, end))
        .order_by(Closure.start_at)
    ))


def approved_spans(
    session: Session, room_ids: list[int], start: datetime, end: datetime
) -> dict[int, list[tuple[datetime, datetime, datetime]]]:
    """(start, end, block end) of the approved bookings of these rooms whose
    block meets [start, end), by room, in one query that reads only the columns
    of ix_bookings_approved_room_period (an index-only scan on PostgreSQL)."""
    spans: dict[int, list[tuple[datetime, datetime, datetime]]] = {}
    if not room_ids:
        return spans
    rows = session.execute(
        select(Booking.room_id, Booking.start_at, Booking.end_at, Booking.block_end)
        .where(Booking.room_id.in_(room_ids), *approved_blocks_meeting(start, end))
        .order_by(Booking.room_id, Booking.start_at)
    )
    for room_id, block_start, block_stop, block_end in rows:
        spans.setdefault(room_id, []).append((block_start, block_stop, block_end))
    return spans


def center_closures(
    session: Session, center_id: int, start: datetime, end: datetime
) -> list[Closure]:
    """Closures of the center or of any of its rooms that meet [start, end)."""
    return list(session.scalars(
        select(Closure)
        .where(Closure.center_id == center_id, Closure.start_at < end, Closure.end_at > start)
        .order_by(Closure.start_at)
    ))


def is_free_in(room: Room, spans: list[tuple[datetime, datetime, datetime]],
               closures: list[Closure], start: datetime, end: datetime) -> bool:
    """No approved block of the room meets [start, end + buffer) and no closure [start, end)."""
    block_end = end + timedelta(minutes=room.buffer_minutes)
    if any(s < block_end and start < b for s, _, b in spans):
        return False
    return not any(
        c.start_at < end and start < c.end_at for c in closures if c.room_id in (None, room.id)
    )


@cache
def conflicts_statement(
    excluding: bool = False, twins: bool = False
) -> Select[int, int | None, datetime, datetime]:
    """The statement of ``find_conflicts``, built once per shape with bound
    parameters ``room_id``, ``center_id``, ``start``, ``end``, ``block_end``,
    ``lower`` (``start - MAX_BLOCK_SPAN``), when ``excluding`` ``exclude`` (a
    list of booking ids) and when ``twins`` ``organization_id``. Every request
    and approval runs it; building and hashing a fresh UNION ALL each time cost
    more than running it."""
    room_id: BindParameter[int] = bindparam("room_id")
    start: BindParameter[datetime] = bindparam("start")
    end: BindParameter[datetime] = bindparam("end")
    bookings: Select[Any, int, datetime, datetime] = select(
        literal_column("0").label("kind"), Booking.id.label("booking_id"),
        Booking.start_at.label("start_at"), Booking.end_at.label("end_at"),
    ).where(Booking.room_id == room_id,
            *approved_blocks_meeting(start, bindparam("block_end"), bindparam("lower")))
    if excluding:
        bookings = bookings.where(Booking.id.not_in(bindparam("exclude", expanding=True)))
    closures: Select[Any, None, datetime, datetime] = select(
        literal_column("1"), null(), Closure.start_at, Closure.end_at,
    ).where(*closures_of_room_meeting(room_id, bindparam("center_id"), start, end))
    parts = [bookings, closures]
    if twins:
        parts.append(select(
            literal_column("2"), Booking.id, Booking.start_at, Booking.end_at,
        ).where(Booking.room_id == room_id, Booking.organization_id == bindparam("organization_id"),
                Booking.status == literal_column("'pending'"), Booking.start_at == start,
                Booking.end_at == end))
    both = union_all(*parts).subquery()
    return (select(both.c.kind, both.c.booking_id, both.c.start_at, both.c.end_at)
            .order_by(both.c.kind, both.c.start_at))


def conflicts_parameters(room: Room, start: datetime, end: datetime) -> dict[str, Any]:
    """The parameters of ``conflicts_statement`` for [start, end) in ``room``."""
    return {"room_id": room.id, "center_id": room.center_id, "start": start, "end": end,
            "block_end": end + timedelta(minutes=room.buffer_minutes),
            "lower": start - MAX_BLOCK_SPAN}


def find_conflicts(
    session: Session,
    room: Room,
    start: datetime,
    end: datetime,
    exclude: Iterable[int] = (),
    twin_of: int | None = None,
) -> list[Interval]:
    """What stops [start, end) (plus the room's buffer) from being approved:
    approved bookings first, then closures, each by start. One statement (a
    UNION ALL of the look-ups, reading only the columns it reports), as every
    request and every approval pays for it.

    ``twin_of``, an organisation's id: its own pending request for exactly
    this room and time is reported too (kind "twin"), so that a request sent
    twice (a double click, a client's retry) is caught by the same statement."""
    parameters = conflicts_parameters(room, start, end)
    excluded = list(exclude)
    if excluded:
        parameters["exclude"] = excluded
    if twin_of is not None:
        parameters["organization_id"] = twin_of
    rows = session.execute(conflicts_statement(bool(excluded), twin_of is not None), parameters)
    return [
        Interval(begin, finish, booking_id=booking_id, room_id=room.id, kind=KINDS[kind])
        for kind, booking_id, begin, finish in rows
    ]


KINDS = {0: ConflictKind.BOOKING, 1: ConflictKind.CLOSURE, 2: ConflictKind.TWIN}


class _RoomCalendar:
    """Approved blocks and closures of one room over a window, for quick tests."""

    def __init__(self, session: Session, room: Room, start: datetime, end: datetime,
                 exclude: Iterable[int] = ()) -> None:
        self.room = room
        pad = timedelta(minutes=room.buffer_minutes)
        self.blocks = [(b.start_at, b.block_end)
                       for b in approved_blocks(session, room.id, start - pad, end + pad, exclude)]
        self.closures = [(c.start_at, c.end_at) for c in closures_for(session, room, start, end)]

    def is_free(self, start: datetime, end: datetime) -> bool:
        block_end = end + timedelta(minutes=self.room.buffer_minutes)
        if any(blocks_meet(start, block_end, s, e) for s, e in self.blocks):
            return False
        return not any(s < end and start < e for s, e in self.closures)


def suggest(
    session: Session,
    room: Room,
    start: datetime,
    end: datetime,
    attendees: int,
    now: datetime,
    exclude: Iterable[int] = (),
) -> list[Suggestion]:
    """Nearest free slots of the same length in the same room (before or after
    the asked time), then other rooms of the center free at the asked time
    that fit the attendees."""
    excluded = list(exclude)
    duration = end - start
    suggestions: list[Suggestion] = []
    calendar = _RoomCalendar(session, room, start - SUGGESTION_HORIZON,
                             end + SUGGESTION_HORIZON, excluded)
    step = 1
    while len(suggestions) < MAX_SAME_ROOM and step * SUGGESTION_STEP <= SUGGESTION_HORIZON:
        for sign in (1, -1):
            candidate = start + sign * step * SUGGESTION_STEP
            if (
                len(suggestions) < MAX_SAME_ROOM
                and not check_times(room, candidate, candidate + duration, now)
                and calendar.is_free(candidate, candidate + duration)
            ):
                suggestions.append(Suggestion(room.id, candidate, candidate + duration))
        step += 1
    suggestions.sort(key=lambda s: abs(s.start - start))

    others = session.scalars(
        select(Room)
        .where(Room.center_id == room.center_id, Room.id != room.id,
               Room.is_active.is_(True), Room.capacity >= attendees)
        .order_by(Room.capacity, Room.name)
    )
    # The rules first (no database), then two queries for all remaining rooms.
    candidates = [other for other in others if not check_times(other, start, end, now)]
    if not candidates:
        return suggestions
    pad = timedelta(minutes=max(other.buffer_minutes for other in candidates))
    spans = approved_spans(session, [other.id for other in candidates], start - pad, end + pad)
    closures = center_closures(session, room.center_id, start, end)
    for other in candidates:
        if len(suggestions) >= MAX_SAME_ROOM + MAX_OTHER_ROOMS:
            break
        if is_free_in(other, spans.get(other.id, []), closures, start, end):
            suggestions.append(Suggestion(other.id, start, end))
    return suggestions
