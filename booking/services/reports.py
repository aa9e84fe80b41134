"""Yearly statistics (SPEC §6): counted in SQL, by the center's local calendar.

A booking counts when it is *approved* and *starts* in the year in its
center's time zone: 2024-12-31 22:30 UTC in Istanbul is 2025-01-01 01:30, so
it belongs to January 2025. Every zone in use gets its own UTC bounds for the
year and for each month, and one ``GROUP BY`` query buckets the bookings with
those bounds; the database never has to know about time zones, which keeps the
query identical on SQLite and PostgreSQL. ``attendees`` sums recorded actual
attendance only; bookings without a record add nothing to it.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, case, false, func, or_, select
from sqlalchemy.orm import Session, joinedload

from booking.models import (
    Booking,
    BookingKind,
    BookingStatus,
    Category,
    Center,
    Role,
    Room,
    User,
    UTCDateTime,
    utcnow,
)
from booking.services import report_usage
from booking.services.conflicts import is_approved
from booking.services.errors import NotAllowed, NotFound, RuleViolation
from booking.services.report_usage import RoomOccupancy

MIN_YEAR = 2000
MAX_YEAR = 2100


@dataclass(frozen=True)
class Scope:
    """The centers a report covers, grouped by time zone."""

    centers: list[Center]

    @property
    def center_ids(self) -> list[int]:
        return [c.id for c in self.centers]

    @property
    def zones(self) -> dict[str, list[int]]:
        zones: dict[str, list[int]] = {}
        for center in self.centers:
            zones.setdefault(center.timezone, []).append(center.id)
        return zones


def check_year(year: Any) -> int:
    """A year the reports can cover, or a RuleViolation naming the field."""
    try:
        value = int(year)
    except (TypeError, ValueError):
        value = 0
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise RuleViolation.single(
            "year", _l("Yıl %(a)d ile %(b)d arasında olmalı.", a=MIN_YEAR, b=MAX_YEAR)
        )
    return value


def report_scope(session: Session, actor: User | None, center_id: int | None = None) -> Scope:
    """The centers ``actor`` may report on: admins all, staff their own.

    Members and anonymous callers are refused; a center the actor does not
    manage is reported as not found, like any object they may not see.
    """
    if actor is None or actor.role == Role.MEMBER:
        raise NotAllowed(_l("Raporları yalnızca merkez görevlileri ve yöneticiler görebilir."))
    if actor.role == Role.ADMIN:
        query = select(Center)
    else:
        query = select(Center).where(Center.id.in_(actor.center_ids or [-1]))
    if center_id is not None:
        query = query.where(Center.id == center_id)
    centers = list(session.scalars(query.order_by(Center.name, Center.id)))
    if center_id is not None and not centers:
        raise NotFound(_l("Merkez bulunamadı."))
    return Scope(centers)


def local_bounds(year: int, zone: str) -> list[datetime]:
    """13 instants: the local start of each month of ``year`` and of the next year."""
    tz = ZoneInfo(zone)
    starts = [datetime(year, month, 1, tzinfo=tz) for month in range(1, 13)]
    starts.append(datetime(year + 1, 1, 1, tzinfo=tz))
    return starts


def _in_year(scope: Scope, year: int) -> ColumnElement[bool]:
    """Bookings of the scope's centers starting in ``year``, each by its own zone."""
    parts = []
    for zone, ids in scope.zones.items():
        bounds = local_bounds(year, zone)
        parts.append(
            and_(
                Room.center_id.in_(ids),
                Booking.start_at >= bounds[0],
                Booking.start_at < bounds[12],
            )
        )
    return or_(*parts) if parts else false()


def _local_month(scope: Scope, year: int) -> ColumnElement[int]:
    """A CASE giving the local month of a booking already known to lie in ``year``."""
    zones = scope.zones
    whens = []
    for zone, ids in zones.items():
        bounds = local_bounds(year, zone)
        for month in range(1, 13):
            before = Booking.start_at < bounds[month]
            # With one zone (the usual case) the center test is implied by the WHERE.
            whens.append((before if len(zones) == 1 else and_(Room.center_id.in_(ids), before),
                          month))
    return case(*whens, else_=0) if whens else case((false(), 0), else_=0)


class Counts(TypedDict):
    meetings: int
    programs: int
    # General assemblies (genel kurul, SPEC §9): each date held, a category of its own.
    general_assemblies: int
    attendees: int


class CenterCounts(Counts):
    center_id: int
    name: str


class MonthCounts(Counts):
    month: int


class CategoryCounts(Counts):
    category: str


class Summary(Counts):
    """The yearly figures: totals, then by center, local month and category;
    the no-shows, their rate and each room's occupancy (report_usage.py)."""

    year: int
    expected_attendees: int
    attendance_recorded: int
    by_center: list[CenterCounts]
    by_month: list[MonthCounts]
    by_category: list[CategoryCounts]
    no_shows: int
    no_show_rate: float | None
    occupancy: list[RoomOccupancy]


def _empty_counts() -> Counts:
    return {"meetings": 0, "programs": 0, "general_assemblies": 0, "attendees": 0}


def _add(target: Counts, kind: BookingKind, count: int, attendees: int) -> None:
    if kind == BookingKind.MEETING:
        target["meetings"] += count
    elif kind == BookingKind.GENERAL_ASSEMBLY:
        target["general_assemblies"] += count
    else:
        target["programs"] += count
    target["attendees"] += attendees


def summary(
    session: Session, actor: User | None, year: int, center_id: int | None = None,
    now: datetime | None = None,
) -> Summary:
    """The yearly figures of SPEC §6 and §8 for the centers ``actor`` may see.

    One aggregate query grouped by center, local month, kind and category;
    its few hundred rows at most are folded into the totals here. ``now``
    (default: the clock) decides which check-in windows have closed.
    """
    year = check_year(year)
    scope = report_scope(session, actor, center_id)
    figures = report_usage.usage(session, scope.centers, _in_year(scope, year), year,
                                 now or utcnow())
    return _fold(year, scope.centers, _grouped_rows(session, scope, year), figures)


def _grouped_rows(session: Session, scope: Scope, year: int) -> list[Any]:
    """(center, month, kind, category) → count, attendance, expected, recorded."""
    inner = (
        select(
            Room.center_id.label("center_id"),
            _local_month(scope, year).label("month"),
            Booking.kind.label("kind"),
            Booking.category.label("category"),
            Booking.expected_attendees.label("expected"),
            Booking.actual_attendees.label("actual"),
        )
        .join(Room, Room.id == Booking.room_id)
        # status = 'approved' written literally: the partial approved-bookings
        # index covers every column here (SQLite can read the year from it alone).
        .where(is_approved(), _in_year(scope, year))
        .subquery()
    )
    # Grouping by the subquery's columns, not by the CASE itself: PostgreSQL
    # would see the CASE's bound parameters twice and call them different.
    return list(session.execute(
        select(
            inner.c.center_id,
            inner.c.month,
            inner.c.kind,
            inner.c.category,
            func.count().label("n"),
            func.coalesce(func.sum(inner.c.actual), 0).label("attendees"),
            func.coalesce(func.sum(inner.c.expected), 0).label("expected"),
            func.count(inner.c.actual).label("recorded"),
        ).group_by(inner.c.center_id, inner.c.month, inner.c.kind, inner.c.category)
    ).all())


def _fold(year: int, centers: list[Center], rows: list[Any],
          usage: report_usage.Usage) -> Summary:
    totals = _empty_counts()
    expected = recorded = 0
    by_center = {c.id: _empty_counts() for c in centers}
    by_month = {m: _empty_counts() for m in range(1, 13)}
    by_category = {c.value: _empty_counts() for c in Category}
    for row in rows:
        kind = BookingKind(row.kind)
        n, attendees = int(row.n), int(row.attendees)
        for target in (totals, by_center[row.center_id], by_month[int(row.month)],
                       by_category[Category(row.category).value]):
            _add(target, kind, n, attendees)
        expected += int(row.expected)
        recorded += int(row.recorded)
    return {
        "year": year,
        **totals,
        "expected_attendees": expected,
        "attendance_recorded": recorded,
        "by_center": [{"center_id": c.id, "name": c.name, **by_center[c.id]} for c in centers],
        "by_month": [{"month": m, **by_month[m]} for m in range(1, 13)],
        "by_category": [{"category": c, **counts} for c, counts in by_category.items()],
        **usage,
    }


def year_bookings(
    session: Session, actor: User | None, year: int, center_id: int | None = None
) -> Iterator[Booking]:
    """Every booking (any status) starting in ``year`` local time, oldest first,
    streamed in batches with its room, center and organisation loaded."""
    year = check_year(year)
    scope = report_scope(session, actor, center_id)
    query = (
        select(Booking)
        .join(Room, Room.id == Booking.room_id)
        .where(_in_year(scope, year))
        .options(joinedload(Booking.room).joinedload(Room.center), joinedload(Booking.organization))
        .order_by(Booking.start_at, Booking.id)
        .execution_options(yield_per=500)
    )
    yield from session.scalars(query)


def years_with_bookings(session: Session, actor: User | None) -> list[int]:
    """The years, newest first, from the first to the last booking the actor may
    report on, in local time (for the year selector); empty when there are none."""
    scope = report_scope(session, actor)
    first, last = session.execute(
        select(
            func.min(Booking.start_at, type_=UTCDateTime),
            func.max(Booking.start_at, type_=UTCDateTime),
        )
        .join(Room, Room.id == Booking.room_id)
        .where(Room.center_id.in_(scope.center_ids or [-1]))
    ).one()
    if first is None or last is None:
        return []
    zones = [ZoneInfo(zone) for zone in scope.zones]
    first_year = max(MIN_YEAR, min(first.astimezone(tz).year for tz in zones))
    last_year = min(MAX_YEAR, max(last.astimezone(tz).year for tz in zones))
    return list(range(last_year, first_year - 1, -1))


def last_year_with_bookings(session: Session, actor: User | None, before: int) -> int | None:
    """The latest local year before ``before`` in which an approved booking of the
    actor's centers starts, or None (the report page's default year)."""
    scope = report_scope(session, actor)
    parts = [
        and_(Room.center_id.in_(ids), Booking.start_at < local_bounds(before, zone)[0])
        for zone, ids in scope.zones.items()
    ]
    if not parts:
        return None
    row = session.execute(
        select(Booking.start_at, Center.timezone)
        .join(Room, Room.id == Booking.room_id)
        .join(Center, Center.id == Room.center_id)
        .where(Booking.status == BookingStatus.APPROVED, or_(*parts))
        .order_by(Booking.start_at.desc())
        .limit(1)
    ).first()
    return None if row is None else row.start_at.astimezone(ZoneInfo(row.timezone)).year
