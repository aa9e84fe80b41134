"""The pieces a demo year is planned with: the year's targets and weights,
the planned rows (closures, series, bookings) and the calendar that keeps them
within every rule of SPEC §2."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from booking.demo.city import (
    OrgPlan,
    RoomPlan,
)
from booking.models import BookingKind, BookingStatus, Category

MEETINGS = 3088
PROGRAMS = 228
ATTENDEES = 118_343

DAY = 24 * 60
MONTH_WEIGHT = {1: 0.8, 2: 1.0, 3: 1.05, 4: 0.95, 5: 1.1, 6: 0.9, 7: 0.5, 8: 0.4, 9: 1.0,
                10: 1.15, 11: 1.2, 12: 1.0}
# Monday … Sunday: weekends are the busiest days.
WEEKDAY_WEIGHT = (0.8, 0.9, 0.95, 1.0, 0.9, 1.5, 1.2)
# (share, possible start times) for weekdays and weekend days: evenings are busiest on weekdays.
WEEKDAY_PARTS = ((0.18, ("09:30", "10:00", "10:30", "11:00")),
                 (0.27, ("13:30", "14:00", "14:30", "15:00", "16:00")),
                 (0.55, ("17:30", "18:00", "18:30", "19:00", "19:30")))
WEEKEND_PARTS = ((0.35, ("10:00", "10:30", "11:00")),
                 (0.45, ("13:00", "13:30", "14:00", "15:00")),
                 (0.20, ("17:00", "18:00", "18:30")))
MEETING_MINUTES = ((60, 2), (90, 4), (120, 5), (150, 2), (180, 1))
PROGRAM_MINUTES = ((120, 3), (180, 4), (240, 2), (300, 1))
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class RoomSlot:
    """A room as the planner sees it."""

    id: int
    center_id: int
    plan: RoomPlan
    zone: str


@dataclass
class PlannedClosure:
    center_id: int
    room_id: int | None
    start: datetime
    end: datetime
    reason: str
    source: str


@dataclass
class PlannedSeries:
    room: RoomSlot
    org: OrgPlan
    title: str
    rrule: str
    dtstart_local: str
    created_at: datetime


@dataclass
class PlannedBooking:
    room: RoomSlot
    org: OrgPlan | None
    start: datetime
    end: datetime
    kind: BookingKind
    category: Category
    title: str
    expected: int
    status: BookingStatus
    created_at: datetime
    is_public: bool
    series: PlannedSeries | None = None
    actual: int | None = None
    reason: str | None = None
    checked_in_at: datetime | None = None  # booking/demo/checkins.py
    # (action, from, to, at, by_staff, reason) — replayed into the audit trail.
    history: list[tuple[str, str | None, str | None, datetime, bool, str | None]] = field(
        default_factory=list
    )

    @property
    def block_end(self) -> datetime:
        return self.end + timedelta(minutes=self.room.plan.buffer_minutes)


@dataclass
class YearPlan:
    closures: list[PlannedClosure]
    series: list[PlannedSeries]
    bookings: list[PlannedBooking]


def minute_of_day(value: time | str) -> int:
    if isinstance(value, str):
        hours, minutes = value.split(":")
        return int(hours) * 60 + int(minutes)
    return value.hour * 60 + value.minute


class Calendar:
    """Who is busy or closed when, in each room's local minutes of a day."""

    def __init__(self) -> None:
        self.busy: dict[tuple[int, date], list[tuple[int, int]]] = {}
        self.closed: dict[tuple[int, date], list[tuple[int, int]]] = {}

    def close(self, room: RoomSlot, day: date, start: int, end: int) -> None:
        self.closed.setdefault((room.id, day), []).append((start, end))

    @staticmethod
    def within_rules(room: RoomSlot, start: int, minutes: int) -> bool:
        """Inside the room's opening hours and duration limits."""
        plan = room.plan
        return (plan.min_minutes <= minutes <= plan.max_minutes
                and start >= minute_of_day(plan.opening) and start + minutes <= minute_of_day(plan.closing))

    def fits(self, room: RoomSlot, day: date, start: int, minutes: int) -> bool:
        """Every rule of the room: hours, durations, closures, buffer-aware overlap."""
        if not self.within_rules(room, start, minutes):
            return False
        block_end = start + minutes + room.plan.buffer_minutes
        for a, b in self.closed.get((room.id, day), ()):
            if a < block_end and start < b:
                return False
        return all(not (a < block_end and start < b) for a, b in self.busy.get((room.id, day), ()))

    def take(self, room: RoomSlot, day: date, start: int, minutes: int) -> None:
        block_end = start + minutes + room.plan.buffer_minutes
        self.busy.setdefault((room.id, day), []).append((start, block_end))

    def is_closed_all_day(self, room: RoomSlot, day: date) -> bool:
        return any(a <= 0 and b >= DAY for a, b in self.closed.get((room.id, day), ()))


def utc_instant(room: RoomSlot, day: date, minute: int) -> datetime:
    """The UTC instant of a local wall-clock minute of ``day`` in the room's center."""
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=ZoneInfo(room.zone))
    return local.astimezone(UTC)
