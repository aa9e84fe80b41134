"""Centers, rooms, closures and availability."""
from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from flask import Response
from sqlalchemy.orm import selectinload

from booking.api import schemas as s
from booking.api import serialize
from booking.api.auth import actor, require_admin, require_user
from booking.api.registry import operation, page_of_query, reply, write
from booking.extensions import db
from booking.models import Booking, Center, Room, RoomAccessibility, RoomFeature, User, utcnow
from booking.models.places import room_details
from booking.services import access, availability, closures, places
from booking.services.search import SearchQuery, find_free_rooms

DEFAULT_WINDOW = timedelta(days=7)


def _visible_center(center_id: int) -> Center:
    return access.visible_center(db.session(), actor(), center_id)


def _visible_room(room_id: int) -> Room:
    return access.visible_room(db.session(), actor(), room_id)


def _room_values(body: s.RoomSettings) -> dict[str, Any]:
    """The members the caller sent, clock times as ``time``."""
    values = body.model_dump(exclude_unset=True)
    for key in ("opening_time", "closing_time"):
        if values.get(key) is not None:
            values[key] = time.fromisoformat(values[key])
    return values


# --- centers ---------------------------------------------------------------


@operation("GET", "/centers", summary="List centers", tag="Centers", access="anyone",
           response=s.CenterPage, query=s.CenterQuery)
def list_centers(query: s.CenterQuery) -> Response:
    """Active centers by name (admins also see inactive ones)."""
    stmt = access.visible_centers(actor()).order_by(Center.name, Center.id)
    rows, total, per_page = page_of_query(db.session(), stmt, query.page, query.per_page)
    return reply(s.CenterPage(items=[serialize.center(c) for c in rows], page=query.page,
                              per_page=per_page, total=total))


@operation("GET", "/centers/{center_id}", summary="Get a center", tag="Centers", access="anyone",
           response=s.CenterOut, errors=(404,))
def get_center(center_id: int) -> Response:
    """One center."""
    return reply(serialize.center(_visible_center(center_id)))


@operation("POST", "/centers", summary="Create a center", tag="Centers", access="admin",
           status=201, response=s.CenterOut, body=s.CenterCreate, errors=(401, 403, 422))
def create_center(body: s.CenterCreate) -> Response:
    """Open a new center; the time zone defaults to Europe/Istanbul."""
    user = require_admin()
    values = body.model_dump(exclude_none=True)
    values.setdefault("timezone", None)
    center = write(lambda: places.create_center(db.session(), user, now=utcnow(), **values))
    return reply(serialize.center(center), 201)


@operation("PATCH", "/centers/{center_id}", summary="Change a center", tag="Centers",
           access="admin", response=s.CenterOut, body=s.CenterUpdate, errors=(401, 403, 404, 422))
def update_center(center_id: int, body: s.CenterUpdate) -> Response:
    """Change the members sent; the others stay as they are."""
    user = require_admin()
    values = body.model_dump(exclude_unset=True)
    center = write(lambda: places.update_center(db.session(), user, center_id, now=utcnow(),
                                                **values))
    return reply(serialize.center(center))


# --- rooms -----------------------------------------------------------------


@operation("GET", "/rooms", summary="List rooms", tag="Rooms", access="anyone",
           response=s.RoomPage, query=s.RoomQuery)
def list_rooms(query: s.RoomQuery) -> Response:
    """Rooms, filtered by center, least capacity, features and accessibility
    attributes (a room must have every one named)."""
    stmt = access.visible_rooms(actor()).options(selectinload(Room.center), *room_details()) \
        .order_by(Center.name, Room.name, Room.id)
    if query.center_id is not None:
        stmt = stmt.where(Room.center_id == query.center_id)
    if query.min_capacity is not None:
        stmt = stmt.where(Room.capacity >= query.min_capacity)
    for code in sorted(set(query.feature)):
        stmt = stmt.where(Room.feature_rows.any(RoomFeature.code == code))
    for code in sorted(set(query.accessibility)):
        stmt = stmt.where(Room.accessibility_rows.any(RoomAccessibility.code == code))
    rows, total, per_page = page_of_query(db.session(), stmt, query.page, query.per_page)
    return reply(s.RoomPage(items=[serialize.room(r) for r in rows], page=query.page,
                            per_page=per_page, total=total))


@operation("GET", "/rooms/{room_id}", summary="Get a room", tag="Rooms", access="anyone",
           response=s.RoomOut, errors=(404,))
def get_room(room_id: int) -> Response:
    """One room with its rules."""
    return reply(serialize.room(_visible_room(room_id)))


@operation("POST", "/rooms", summary="Create a room", tag="Rooms", access="admin", status=201,
           response=s.RoomOut, body=s.RoomCreate, errors=(401, 403, 422))
def create_room(body: s.RoomCreate) -> Response:
    """Add a room. Defaults: approval required, no buffer, 08:00–22:00,
    30–480 minutes, bookable 180 days ahead."""
    user = require_admin()
    values = {k: v for k, v in _room_values(body).items() if v is not None}
    room = write(lambda: places.create_room(db.session(), user, now=utcnow(), **values))
    return reply(serialize.room(room), 201)


@operation("PATCH", "/rooms/{room_id}", summary="Change a room", tag="Rooms", access="admin",
           response=s.RoomOut, body=s.RoomUpdate, errors=(401, 403, 404, 422))
def update_room(room_id: int, body: s.RoomUpdate) -> Response:
    """Change the settings sent; bookings already made are left as they are."""
    user = require_admin()
    values = _room_values(body)
    room = write(lambda: places.update_room(db.session(), user, room_id, now=utcnow(), **values))
    return reply(serialize.room(room))


@operation("POST", "/rooms/{room_id}/closures", summary="Close a room for a period",
           tag="Rooms", access="staff of the center, admin", status=201,
           response=s.ClosureCreated, body=s.ClosureCreate, errors=(401, 403, 404, 422))
def add_closure(room_id: int, body: s.ClosureCreate) -> Response:
    """Close the room (maintenance, an event of the center…). The answer lists
    the approved bookings the closure overlaps, so staff can contact them."""
    user = require_user()
    room = _visible_room(room_id)
    tz = room.center.tz
    start, end = serialize.localize(body.start, tz), serialize.localize(body.end, tz)
    result = write(lambda: closures.add_closure(db.session(), user, room_id=room.id, start=start,
                                                end=end, reason=body.reason, now=utcnow()))
    return reply(s.ClosureCreated(closure=serialize.closure(result.closure),
                                  overlapping=[serialize.booking(b) for b in result.overlapping]),
                 201)


# --- availability ----------------------------------------------------------


def _busy(item: availability.Busy, user: User | None, tz: Any) -> s.BusyOut:
    """Anonymous callers see only when; others see what, when they may."""
    out = s.BusyOut(start=item.start.astimezone(tz), end=item.end.astimezone(tz), kind=item.kind,
                    reason=item.closure.reason if item.closure is not None else None)
    booking: Booking | None = item.booking
    if booking is None or user is None or item.kind != "booking":
        return out
    visible = serialize.shows_booking(user, booking)
    if visible:
        out.booking_id = booking.id
    if visible or booking.is_public:
        out.title = booking.title
        out.organization = booking.organization.name if booking.organization else None
    return out


@operation("GET", "/rooms/{room_id}/availability", summary="Free and busy times of a room",
           tag="Availability", access="anyone", response=s.RoomAvailabilityOut,
           query=s.RoomAvailabilityQuery, errors=(404, 422))
def room_availability(room_id: int, query: s.RoomAvailabilityQuery) -> Response:
    """Busy intervals (bookings, buffers, closures) and free intervals within
    opening hours, between `from` (default now) and `to` (default a week later)."""
    room = _visible_room(room_id)
    tz = room.center.tz
    now = utcnow()
    start = serialize.localize(query.from_, tz) if query.from_ else now
    end = serialize.localize(query.to, tz) if query.to else start + DEFAULT_WINDOW
    user = actor()
    result = availability.room_availability(db.session(), room.id, start, end, now, user)
    return reply(s.RoomAvailabilityOut(
        room_id=room.id,
        busy=[_busy(b, user, tz) for b in result.busy],
        free=[s.FreeOut(start=a.astimezone(tz), end=b.astimezone(tz)) for a, b in result.free],
    ))


@operation("GET", "/availability", summary="Rooms free for an interval, best fit first",
           tag="Availability", access="anyone", response=s.RoomList, query=s.AvailabilityQuery,
           errors=(404, 422))
def free_rooms(query: s.AvailabilityQuery) -> Response:
    """The search of the home page: the active rooms of every active center (or
    of one center, or of one district) that hold the attendees, offer every
    feature and have every accessibility attribute named, and could be booked
    for [start, end), rules and existing bookings, buffers and closures
    considered. The smallest room that fits
    comes first, then center and room name in Turkish order. A time without an
    offset is read in each center's own time zone."""
    start, end = query.start, query.end
    if query.center_id is not None:
        tz = _visible_center(query.center_id).tz
        start, end = serialize.localize(start, tz), serialize.localize(end, tz)
    search = SearchQuery(attendees=query.attendees, start=start, end=end,
                         features=tuple(query.feature),
                         accessibility=tuple(query.accessibility), center_id=query.center_id,
                         district=query.district)
    hits = find_free_rooms(db.session(), actor(), search, utcnow())
    return reply(s.RoomList([serialize.room(hit.room) for hit in hits]))
