"""Public pages of centers and rooms: lists, a room's week and a center's day
(blocks on a time axis, from services/timeline), with webcal:// subscribe links."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlalchemy.orm import selectinload

from booking.extensions import db
from booking.i18n.text import turkish_sorted
from booking.models import Center, Role, Room, User
from booking.services.access import sees_inactive, visible_center, visible_centers, visible_room
from booking.services.errors import NotFound
from booking.services.timeline import (
    STEP_MINUTES,
    Block,
    RoomDay,
    axis_for,
    own_pending,
    room_days,
)
from booking.web.common import now

bp = Blueprint("rooms", __name__)


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


def _viewer() -> User | None:
    return current_user if current_user.is_authenticated else None


def _shown_center(center_id: int) -> Center:
    try:
        return visible_center(db.session(), _viewer(), center_id)
    except NotFound:
        abort(404)


def _shown_room(room_id: int) -> Room:
    try:
        return visible_room(db.session(), _viewer(), room_id)
    except NotFound:
        abort(404)


@bp.get("/centers")
def centers() -> str:
    rows = db.session.scalars(visible_centers(_viewer()).options(
        selectinload(Center.rooms).selectinload(Room.accessibility_rows),
        selectinload(Center.rooms).selectinload(Room.photos))).all()
    return render_template("rooms/centers.html", centers=turkish_sorted(rows, key=lambda c: c.name),
                           sees_inactive=sees_inactive(_viewer()))


def _chosen_free(lines: list[RoomDay], day: date) -> list[Block]:
    """The free blocks of ``day``, for the list a phone shows first."""
    return [block for line in lines if line.day == day for block in line.free]


@bp.get("/centers/<int:center_id>")
def center_day(center_id: int) -> str:
    """Every room of the center for one day: a column of blocks each."""
    center = _shown_center(center_id)
    instant = now()
    today = instant.astimezone(center.tz).date()
    day = _parse_day(request.args.get("date"), today)
    rooms = turkish_sorted((r for r in center.rooms if r.is_active or sees_inactive(_viewer())),
                           key=lambda r: r.name)
    tz = center.tz
    pending = own_pending(db.session(), _viewer(), [r.id for r in rooms],
                          datetime.combine(day, time(0), tzinfo=tz),
                          datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz))
    lines = [room_days(db.session(), _viewer(), room, [day], instant, pending)[0]
             for room in rooms]
    return render_template(
        "rooms/center_day.html", center=center, day=day, lines=lines, axis=axis_for(lines),
        prev_day=day - timedelta(days=1), next_day=day + timedelta(days=1), today=today,
        request_state=request_state(), step=STEP_MINUTES,
    )


@bp.get("/rooms/<int:room_id>")
def room_week(room_id: int) -> str:
    """A room's week, Monday to Sunday in center time, with arrows to other weeks;
    the chosen day's free times first (a phone shows only those on its first screen)."""
    room = _shown_room(room_id)
    instant = now()
    today = instant.astimezone(room.center.tz).date()
    asked = _parse_day(request.args.get("week"), today)
    monday = asked - timedelta(days=asked.weekday())
    days = [monday + timedelta(days=i) for i in range(7)]
    lines = room_days(db.session(), _viewer(), room, days, instant)
    return render_template(
        "rooms/room_week.html", room=room, center=room.center, days=days, lines=lines,
        axis=axis_for(lines), chosen=asked, chosen_free=_chosen_free(lines, asked),
        today=today, prev_week=monday - timedelta(days=7),
        next_week=monday + timedelta(days=7), this_week=today - timedelta(days=today.weekday()),
        request_state=request_state(), step=STEP_MINUTES,
    )
