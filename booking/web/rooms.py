"""Public pages of centers and rooms: lists, a room's week (busy/free grid)
and a center's day (rooms × hours), with webcal:// subscribe links."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from booking.calendar import ical
from booking.extensions import db
from booking.i18n.text import turkish_sorted
from booking.models import Booking, BookingStatus, Center, Role, Room
from booking.services.access import can_view
from booking.services.availability import room_availability
from booking.web.common import base_url, now

bp = Blueprint("rooms", __name__)


@dataclass
class Cell:
    """One hour of one room on one day, as the grid shows it."""

    start: datetime
    end: datetime
    state: str  # "free", "busy", "closed", "past", "mine"
    label: str = ""
    booking: Booking | None = None


def webcal(path: str) -> str:
    url = base_url() + path
    return ical.webcal_url(url)


# How far from today a day or week may be asked for: enough for any real use,
# and far from date.min/date.max, where the grid's arithmetic would overflow.
MAX_REACH = timedelta(days=100 * 366)


def _parse_day(value: str | None, default: date) -> date:
    """The ISO date in ``value``; ``default`` (today) when it is missing, does not
    parse or lies more than a century away."""
    try:
        day = date.fromisoformat(value) if value else default
    except ValueError:
        return default
    return day if abs(day - default) <= MAX_REACH else default


def request_state() -> str:
    """Whether the visitor may click a free hour to request it: "yes", "anonymous",
    "unverified" (a member whose organisation is not verified yet) or "no"."""
    if not current_user.is_authenticated:
        return "anonymous"
    if current_user.is_staff:
        return "yes"
    if current_user.role != Role.MEMBER or current_user.organization is None:
        return "no"
    return "yes" if current_user.organization.is_verified else "unverified"


def _active_center(center_id: int) -> Center:
    center = db.session.get(Center, center_id)
    if center is None or not center.is_active:
        abort(404)
    return center


def _active_room(room_id: int) -> Room:
    room = db.session.get(Room, room_id)
    if room is None or not room.is_active or not room.center.is_active:
        abort(404)
    return room


def _hour_range(rooms: list[Room], days: list[date] | None = None) -> range:
    """The hours the grid shows: the rooms' opening hours, widened to every
    booking of ``days`` that the grid shows (staff may book outside them)."""
    opening = min((r.opening_time for r in rooms), default=time(8))
    closing = max((r.closing_time for r in rooms), default=time(22))
    first, last = opening.hour, closing.hour + (1 if closing.minute else 0)
    if rooms and days:
        tz: ZoneInfo = rooms[0].center.tz
        lo = datetime.combine(days[0], time(0), tzinfo=tz)
        hi = datetime.combine(days[-1] + timedelta(days=1), time(0), tzinfo=tz)
        shown = Booking.status == BookingStatus.APPROVED
        if current_user.is_authenticated and current_user.organization_id is not None:
            shown = shown | ((Booking.status == BookingStatus.PENDING)
                             & (Booking.organization_id == current_user.organization_id))
        rows = db.session.execute(select(Booking.start_at, Booking.end_at).where(
            Booking.room_id.in_([r.id for r in rooms]), shown,
            Booking.start_at < hi, Booking.end_at > lo))
        for start_at, end_at in rows:
            start, end = max(start_at.astimezone(tz), lo), min(end_at.astimezone(tz), hi)
            first = min(first, start.hour)
            if end.date() > start.date():
                last = 24
            else:
                last = max(last, end.hour + (1 if (end.minute or end.second) else 0))
    return range(first, last)


def _own_pending(room: Room, start: datetime, end: datetime) -> list[Booking]:
    """The signed-in organisation's pending requests: shown only to it."""
    if not current_user.is_authenticated or current_user.organization_id is None:
        return []
    return list(db.session.scalars(select(Booking).where(
        Booking.room_id == room.id, Booking.status == BookingStatus.PENDING,
        Booking.organization_id == current_user.organization_id,
        Booking.start_at < end, Booking.end_at > start)))


def _outside_hours(room: Room, start: datetime, end: datetime) -> bool:
    midnight = datetime.combine(start.date(), time(0), tzinfo=start.tzinfo)
    closing = room.closing_time.hour * 60 + room.closing_time.minute
    return start.time() < room.opening_time or (end - midnight).total_seconds() / 60 > closing


def day_cells(room: Room, day: date, hours: range, instant: datetime) -> list[Cell]:
    """The room's hours of ``day`` (center time), each free, busy, closed or past."""
    tz: ZoneInfo = room.center.tz
    day_start = datetime.combine(day, time(hours.start), tzinfo=tz)
    day_end = datetime.combine(day, time(0), tzinfo=tz) + timedelta(hours=hours.stop)
    busy = room_availability(db.session(), room.id, day_start, day_end, instant).busy
    pending = _own_pending(room, day_start, day_end)
    viewer = current_user if current_user.is_authenticated else None
    cells = []
    for hour in hours:
        start = datetime.combine(day, time(0), tzinfo=tz) + timedelta(hours=hour)
        end = start + timedelta(hours=1)
        cell = Cell(start, end, "free")
        real = False
        if _outside_hours(room, start, end):
            cell.state = "closed"
        for item in busy:
            if item.start < end and item.end > start:
                if item.kind == "closure":
                    cell.state, cell.label = "closed", item.reason or ""
                    break
                if item.kind == "buffer":
                    if cell.state == "free" and not real:
                        cell.state, cell.label = "busy", gettext("hazırlık payı")
                    continue
                # A real booking wins over a buffer in the same hour.
                real = True
                cell.state, cell.label = "busy", ""
                if item.booking is not None and viewer is not None and can_view(viewer, item.booking):
                    cell.booking = item.booking
                    cell.label = item.booking.title
                    if current_user.organization_id is not None \
                            and current_user.organization_id == item.booking.organization_id:
                        cell.state = "mine"
                elif item.booking is not None and item.booking.is_public:
                    cell.label = item.booking.title
        if cell.state == "free":
            for booking in pending:
                if booking.start_at < end and booking.end_at > start:
                    cell.state, cell.booking, cell.label = "pending", booking, booking.title
        if cell.state == "free" and end <= instant:
            cell.state = "past"
        cells.append(cell)
    return cells


@bp.get("/centers")
def centers() -> str:
    rows = db.session.scalars(
        select(Center).where(Center.is_active.is_(True))
        .options(selectinload(Center.rooms))).all()
    return render_template("rooms/centers.html", centers=turkish_sorted(rows, key=lambda c: c.name),
                           webcal=webcal)


@bp.get("/centers/<int:center_id>")
def center_day(center_id: int) -> str:
    """Every active room of the center for one day, hour by hour."""
    center = _active_center(center_id)
    instant = now()
    today = instant.astimezone(center.tz).date()
    day = _parse_day(request.args.get("date"), today)
    rooms = turkish_sorted((r for r in center.rooms if r.is_active), key=lambda r: r.name)
    hours = _hour_range(rooms, [day])
    grid = [(room, day_cells(room, day, hours, instant)) for room in rooms]
    return render_template(
        "rooms/center_day.html", center=center, day=day, hours=hours, grid=grid,
        prev_day=day - timedelta(days=1), next_day=day + timedelta(days=1), today=today,
        webcal_url=webcal(url_for("feeds.center_calendar", center_id=center.id)),
        request_state=request_state(),
    )


@bp.get("/rooms/<int:room_id>")
def room_week(room_id: int) -> str:
    """A room's week, Monday to Sunday in center time, with arrows to other weeks."""
    room = _active_room(room_id)
    instant = now()
    today = instant.astimezone(room.center.tz).date()
    asked = _parse_day(request.args.get("week"), today)
    monday = asked - timedelta(days=asked.weekday())
    days = [monday + timedelta(days=i) for i in range(7)]
    hours = _hour_range([room], days)
    columns = [day_cells(room, day, hours, instant) for day in days]
    rows = [[columns[d][h] for d in range(7)] for h in range(len(hours))]
    return render_template(
        "rooms/room_week.html", room=room, center=room.center, days=days, hours=hours,
        rows=rows, today=today, prev_week=monday - timedelta(days=7),
        next_week=monday + timedelta(days=7), this_week=today - timedelta(days=today.weekday()),
        webcal_url=webcal(url_for("feeds.room_calendar", room_id=room.id)),
        request_state=request_state(),
    )
