"""A room's days as blocks on a time axis (SPEC §11 "Calendars that read like
calendars"): the room week and the center day draw these, at their real minutes.

Everything here comes from ``availability.room_availability`` (approved
bookings, buffers, closures, the free intervals inside opening hours) and
``access`` (whose titles the viewer may read, who skips the advance window):
the pages restate none of those rules.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.models import Booking, BookingStatus, Room, User
from booking.services.access import can_view, overrides_rules
from booking.services.availability import room_availability

# The rows of the axis (minutes) and the step a chosen start or length moves by.
ROW_MINUTES = 5
STEP_MINUTES = 15
DAY_MINUTES = 24 * 60


@dataclass
class Block:
    """One stretch of a room's day. ``kind``: "free" (requestable), "short"
    (free but shorter than the room's minimum), "ahead" (free but beyond the
    advance window), "busy", "mine" (the viewer's organisation's approved
    booking), "pending" (its request awaiting approval), "buffer", "closure"
    or "past" (the part of the day that is over)."""

    kind: str
    start: datetime  # in the center's zone
    end: datetime
    label: str = ""  # a title the viewer may read, or a closure's reason
    booking: Booking | None = None
    link_end: datetime | None = None  # a free block's end, capped at the maximum length

    @property
    def first_minute(self) -> int:
        return minute_of_day(self.start, self.start.date())

    @property
    def last_minute(self) -> int:
        return minute_of_day(self.end, self.start.date())

    @property
    def minutes(self) -> int:
        return self.last_minute - self.first_minute


@dataclass
class RoomDay:
    """A room's blocks on one day, in time order, and whether it is over."""

    room: Room
    day: date
    blocks: list[Block] = field(default_factory=list)
    ended: set[int] = field(default_factory=set)  # ids of blocks that lie in the past

    @property
    def free(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "free"]

    def is_past(self, block: Block) -> bool:
        return id(block) in self.ended


@dataclass(frozen=True)
class Axis:
    """The minutes of the day the columns show, on rows of ROW_MINUTES."""

    first: int
    last: int

    @property
    def rows(self) -> int:
        return max(1, (self.last - self.first) // ROW_MINUTES)

    def row(self, minute: int) -> int:
        """The grid row (from 1) a block starting at ``minute`` starts on."""
        return min(self.rows, max(0, (minute - self.first) // ROW_MINUTES)) + 1

    def span(self, first: int, last: int) -> int:
        top = self.row(first) - 1
        bottom = min(self.rows, -(-(min(last, self.last) - self.first) // ROW_MINUTES))
        return max(1, bottom - top)

    @property
    def offset(self) -> int:
        """Minutes from the axis's first minute back to the hour before it."""
        return self.first % 60

    def labels(self) -> list[tuple[int, int, str]]:
        """(row, rows spanned, "HH:MM") for the first minute and every full hour."""
        marks = [self.first] + [h * 60 for h in range(self.first // 60 + 1, DAY_MINUTES // 60)
                                if h * 60 < self.last]
        out = []
        for index, mark in enumerate(marks):
            stop = marks[index + 1] if index + 1 < len(marks) else self.last
            out.append((self.row(mark), self.span(mark, stop),
                        f"{mark // 60:02d}:{mark % 60:02d}"))
        return out


def minute_of_day(instant: datetime, day: date) -> int:
    """``instant`` (in the center's zone) as minutes of ``day``'s wall clock:
    0 before the day, 1440 after it, so a day the clocks change on still
    places 14:00 at 14:00."""
    if instant.date() != day:
        return 0 if instant.date() < day else DAY_MINUTES
    return instant.hour * 60 + instant.minute


def own_pending(session: Session, actor: User | None, room_ids: list[int],
                start: datetime, end: datetime) -> list[Booking]:
    """The actor's organisation's pending requests: shown only to it."""
    if actor is None or actor.organization_id is None or not room_ids:
        return []
    return list(session.scalars(select(Booking).where(
        Booking.room_id.in_(room_ids), Booking.status == BookingStatus.PENDING,
        Booking.organization_id == actor.organization_id,
        Booking.start_at < end, Booking.end_at > start).order_by(Booking.start_at)))


def _booking_block(booking: Booking, start: datetime, end: datetime,
                   actor: User | None) -> Block:
    """A booking as the viewer may see it: its title when it is theirs, their
    center's (staff) or public; "mine" when it is their organisation's."""
    kind = "pending" if booking.status == BookingStatus.PENDING else "busy"
    label = ""
    shown: Booking | None = None
    if actor is not None and can_view(actor, booking):
        shown, label = booking, booking.title
        if kind == "busy" and actor.organization_id is not None \
                and actor.organization_id == booking.organization_id:
            kind = "mine"
    elif booking.is_public:
        label = booking.title
    return Block(kind, start, end, label=label, booking=shown)


def _free_blocks(room: Room, lo: datetime, hi: datetime, limit: datetime | None) -> list[Block]:
    """A free interval as blocks: requestable, too short, or beyond the advance window."""
    pieces = [(lo, hi, "free")]
    if limit is not None and hi > limit:
        pieces = ([(lo, limit, "free")] if lo < limit else []) + [(max(lo, limit), hi, "ahead")]
    blocks = []
    shortest = timedelta(minutes=room.min_duration_minutes)
    longest = timedelta(minutes=room.max_duration_minutes)
    for start, end, kind in pieces:
        if kind == "free" and end - start < shortest:
            kind = "short"
        blocks.append(Block(kind, start, end, link_end=min(end, start + longest)))
    return blocks


def room_days(session: Session, actor: User | None, room: Room, days: list[date],
              now: datetime, pending: Iterable[Booking] | None = None) -> list[RoomDay]:
    """The room's blocks on each of ``days`` (consecutive, center time): one
    availability query for the whole stretch. ``pending``: the actor's own
    requests when the caller fetched them for many rooms at once."""
    tz = room.center.tz
    lo = datetime.combine(days[0], time(0), tzinfo=tz)
    hi = datetime.combine(days[-1] + timedelta(days=1), time(0), tzinfo=tz)
    found = room_availability(session, room.id, lo, hi, now, actor)
    if pending is None:
        pending = own_pending(session, actor, [room.id], lo, hi)
    limit = None if overrides_rules(actor, room.center_id) \
        else now + timedelta(days=room.max_advance_days)
    blocks: list[Block] = []
    for busy in found.busy:
        if busy.kind == "closure":
            blocks.append(Block("closure", busy.start, busy.end, label=busy.reason or ""))
        elif busy.kind == "buffer":
            blocks.append(Block("buffer", busy.start, busy.end))
        elif busy.booking is not None:
            blocks.append(_booking_block(busy.booking, busy.start, busy.end, actor))
    blocks += [_booking_block(b, b.start_at, b.end_at, actor)
               for b in pending if b.room_id == room.id]
    for free_start, free_end in found.free:
        blocks += _free_blocks(room, free_start, free_end, limit)
    return [_one_day(room, day, blocks, now) for day in days]


def _one_day(room: Room, day: date, blocks: list[Block], now: datetime) -> RoomDay:
    """The blocks of ``day``, cut at its midnights, with the part that is over."""
    tz = room.center.tz
    lo = datetime.combine(day, time(0), tzinfo=tz)
    hi = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    result = RoomDay(room, day)
    if now > lo:
        result.blocks.append(Block("past", lo, min(now.astimezone(tz), hi)))
    for block in blocks:
        start, end = max(block.start, lo).astimezone(tz), min(block.end, hi).astimezone(tz)
        if start >= end:
            continue
        link_end = min(block.link_end, end).astimezone(tz) if block.link_end else None
        piece = Block(block.kind, start, end, block.label, block.booking, link_end)
        result.blocks.append(piece)
        if end <= now:
            result.ended.add(id(piece))
    result.blocks.sort(key=lambda b: (b.start, b.kind != "past", b.end))
    return result


def axis_for(room_days_: Iterable[RoomDay]) -> Axis:
    """The rooms' opening hours, widened to every booking and request shown
    (staff may book outside the hours), on whole rows."""
    first, last = DAY_MINUTES, 0
    for line in room_days_:
        opening, closing = line.room.opening_time, line.room.closing_time
        first = min(first, opening.hour * 60 + opening.minute)
        last = max(last, closing.hour * 60 + closing.minute)
        for block in line.blocks:
            if block.kind in ("busy", "mine", "pending"):
                first = min(first, block.first_minute)
                last = max(last, block.last_minute)
    if first >= last:
        first, last = 8 * 60, 22 * 60
    first -= first % ROW_MINUTES
    last += -last % ROW_MINUTES
    return Axis(first, last)
