"""Bookings and series: request, list, read, change, approve, reject, cancel,
record attendance. Each handler calls one function of services/bookings.py."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Response, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, lazyload, selectinload

from booking.api import schemas as s
from booking.api import serialize
from booking.api.auth import require_user
from booking.api.registry import operation, page_of_query, reply, write
from booking.api.services import booking_with_services
from booking.extensions import db
from booking.models import Booking, Center, Room, utcnow
from booking.services import attendance, checkin, general_assembly
from booking.services import bookings as svc
from booking.services import series as series_service
from booking.services.access import get_visible_booking, scope_bookings
from booking.services.booking_services import ServiceRequest
from booking.services.errors import RuleViolation
from booking.services.recurrence import Recurrence

BOOKING_ERRORS = (401, 403, 404, 409, 422)


# Built once: each booking request reads its room (with the center, without the
# features) through it before anything else.
ROOM_WITH_CENTER = (select(Room).where(Room.id == bindparam("room_id"))
                    .options(joinedload(Room.center), lazyload(Room.feature_rows)))


def _zone_of_room(room_id: int | None) -> ZoneInfo:
    """The zone naive input times are read in: the room's center's, else the default."""
    room = db.session.scalar(ROOM_WITH_CENTER, {"room_id": room_id}) \
        if room_id is not None else None
    tz = room.center.tz if room is not None else serialize.default_tz()
    g.api_tz = tz  # conflicts and suggestions are answered in this zone too
    # Held for the request: the session's identity map keeps objects only while
    # something refers to them, and the service will ask for the same room.
    g.api_room = room
    return tz


def _visible(booking_id: int) -> Booking:
    booking = get_visible_booking(db.session(), require_user(), booking_id)
    g.api_tz = booking.room.center.tz
    return booking


@operation("POST", "/bookings", summary="Request a room (once or as a series)", tag="Bookings",
           access="member of a verified organisation (for it); staff of the center, admin "
                  "(for any organisation, or none: an internal booking)",
           status=201, response=(s.BookingOut, s.SeriesCreated, s.AssemblyCreated),
           body=s.BookingCreate, errors=BOOKING_ERRORS)
def create_booking(body: s.BookingCreate) -> Response:
    """Pending unless the room needs no approval or staff book. With
    `recurrence` the answer is `{series_id, bookings, skipped}` (schema
    `SeriesCreated`); a series is booked whole unless `skip_conflicts` asks to
    leave out the occurrences that cannot be booked. A conflict answers 409
    with `conflicts` and `suggestions`; a broken rule 422 with `errors`.
    A general assembly (`kind` `general_assembly`, SPEC §9) books its first
    date and its second (`second_start`, `second_end`: 7–60 days later) together
    or not at all; the answer is `{assembly, bookings, warnings}` (schema
    `AssemblyCreated`); a refusal of the second date names `second_start` /
    `second_end`, or says so in its 409 with suggestions for it."""
    user = require_user()
    tz = _zone_of_room(body.room_id)
    recurrence = None
    if body.recurrence is not None:
        r = body.recurrence
        recurrence = Recurrence(freq=r.freq, interval=r.interval, count=r.count, until=r.until,
                                byweekday=list(r.byweekday))
    request = svc.BookingRequest(
        room_id=body.room_id, title=body.title, start=serialize.localize(body.start, tz, "start"),
        end=serialize.localize(body.end, tz, "end"), expected_attendees=body.expected_attendees,
        kind=body.kind, category=body.category, description=body.description,
        is_public=body.is_public, organization_id=body.organization_id, recurrence=recurrence,
        skip_conflicts=body.skip_conflicts, quota_reason=body.quota_reason,
        services=[ServiceRequest(i.item_id, i.quantity, i.note) for i in body.services],
        second_start=serialize.localize(body.second_start, tz, "second_start")
        if body.second_start is not None else None,
        second_end=serialize.localize(body.second_end, tz, "second_end")
        if body.second_end is not None else None,
    )
    result = write(lambda: svc.create_booking(db.session(), user, request, utcnow()))
    if result.assembly is not None:
        return reply(s.AssemblyCreated(
            assembly=serialize.assembly(result.assembly),
            bookings=[serialize.booking(b) for b in result.bookings],
            warnings=[str(w) for w in result.warnings]), 201)
    if result.series is None:
        return reply(booking_with_services(result.bookings[0], asked=bool(body.services)), 201)
    return reply(s.SeriesCreated(
        series_id=result.series.id,
        bookings=[serialize.booking(b) for b in result.bookings],
        skipped=[serialize.skipped(item, tz, user) for item in result.skipped],
    ), 201)


@operation("GET", "/bookings", summary="List bookings", tag="Bookings",
           access="member: their organisation's; staff: their centers'; admin: all",
           response=s.BookingPage, query=s.BookingQuery, errors=(401, 422))
def list_bookings(query: s.BookingQuery) -> Response:
    """Bookings the caller may see, by start time, filtered and paginated.
    `from`/`to` without an offset are read in the zone of the room or center
    filtered on (else the default zone); `to` must lie after `from` (else 422,
    as for availability)."""
    user = require_user()
    if query.room_id is not None:
        tz = _zone_of_room(query.room_id)
    else:
        center = db.session.get(Center, query.center_id) if query.center_id else None
        tz = center.tz if center is not None else serialize.default_tz()
    stmt = scope_bookings(select(Booking), user).options(
        selectinload(Booking.room).selectinload(Room.center)
    ).order_by(Booking.start_at, Booking.id)
    if query.room_id is not None:
        stmt = stmt.where(Booking.room_id == query.room_id)
    if query.center_id is not None:
        stmt = stmt.where(Booking.room_id.in_(select(Room.id).where(Room.center_id == query.center_id)))
    if query.organization_id is not None:
        stmt = stmt.where(Booking.organization_id == query.organization_id)
    if query.series_id is not None:
        stmt = stmt.where(Booking.series_id == query.series_id)
    if query.status is not None:
        stmt = stmt.where(Booking.status == query.status)
    start = serialize.localize(query.from_, tz) if query.from_ is not None else None
    end = serialize.localize(query.to, tz) if query.to is not None else None
    if start is not None and end is not None and end <= start:
        raise RuleViolation.single("to", _l("Aralığın sonu başından sonra olmalı."))
    if start is not None:
        stmt = stmt.where(Booking.end_at > start)
    if end is not None:
        stmt = stmt.where(Booking.start_at < end)
    rows, total, per_page = page_of_query(db.session(), stmt, query.page, query.per_page)
    return reply(s.BookingPage(items=[serialize.booking(b) for b in rows], page=query.page,
                               per_page=per_page, total=total))


@operation("GET", "/bookings/{booking_id}", summary="Get a booking", tag="Bookings",
           access="as for the list", response=s.BookingOut, errors=(401, 404))
def get_booking(booking_id: int) -> Response:
    """One booking (with its `services`); one the caller may not see answers 404."""
    return reply(booking_with_services(_visible(booking_id)))


@operation("PATCH", "/bookings/{booking_id}", summary="Change a booking", tag="Bookings",
           access="the owner organisation, staff of the center, admin", response=s.BookingOut,
           body=s.BookingUpdate, errors=BOOKING_ERRORS)
def change_booking(booking_id: int, body: s.BookingUpdate) -> Response:
    """Change the members sent. A member's new time or room on a room that
    needs approval sends an approved booking back to `pending`."""
    user = require_user()
    booking = _visible(booking_id)
    tz = _zone_of_room(body.room_id if body.room_id is not None else booking.room_id)
    values = body.model_dump(exclude_none=True)
    for key in ("start", "end"):
        if key in values:
            values[key] = serialize.localize(values[key], tz, key)
    changes = svc.BookingChanges(**values)
    changed = write(lambda: svc.change_booking(db.session(), user, booking_id, changes, utcnow()))
    return reply(serialize.booking(changed))


@operation("POST", "/bookings/{booking_id}/approve", summary="Approve a request",
           tag="Bookings", access="staff of the center, admin", response=s.BookingOut,
           errors=BOOKING_ERRORS)
def approve_booking(booking_id: int) -> Response:
    """Approve a pending request; overlapping pending requests are rejected
    automatically. 409 when it would overlap an approved booking or a closure."""
    user = require_user()
    _visible(booking_id)
    booking = write(lambda: svc.approve_booking(db.session(), user, booking_id, utcnow()).booking)
    return reply(serialize.booking(booking))


@operation("POST", "/bookings/{booking_id}/reject", summary="Reject a request", tag="Bookings",
           access="staff of the center, admin", response=s.BookingOut, body=s.RejectIn,
           errors=BOOKING_ERRORS)
def reject_booking(booking_id: int, body: s.RejectIn) -> Response:
    """Turn a pending request down; the reason is required and sent to the requester."""
    user = require_user()
    _visible(booking_id)
    booking = write(lambda: svc.reject_booking(db.session(), user, booking_id, body.reason, utcnow()))
    return reply(serialize.booking(booking))


@operation("POST", "/bookings/{booking_id}/cancel", summary="Cancel a booking", tag="Bookings",
           access="the owner organisation, staff of the center, admin", response=s.BookingOut,
           body=s.ReasonIn, errors=BOOKING_ERRORS)
def cancel_booking(booking_id: int, body: s.ReasonIn) -> Response:
    """Cancel a pending or approved booking (the body and its reason are optional)."""
    user = require_user()
    _visible(booking_id)
    booking = write(lambda: svc.cancel_booking(db.session(), user, booking_id, body.reason, utcnow()))
    return reply(serialize.booking(booking))


@operation("POST", "/bookings/{booking_id}/attendance", summary="Record attendance",
           tag="Bookings", access="staff of the center, admin", response=s.BookingOut,
           body=s.AttendanceIn, errors=BOOKING_ERRORS)
def record_attendance(booking_id: int, body: s.AttendanceIn) -> Response:
    """How many came; only for an approved booking that has started."""
    user = require_user()
    _visible(booking_id)
    booking = write(lambda: attendance.record_attendance(db.session(), user, booking_id,
                                                  body.actual_attendees, utcnow()))
    return reply(serialize.booking(booking))


@operation("POST", "/bookings/{booking_id}/checkin", summary="Check a booking in",
           tag="Bookings", access="the owner organisation, staff of the center, admin",
           response=s.BookingOut, errors=(401, 404, 409, 422))
def check_in(booking_id: int) -> Response:
    """Say the organisation has arrived: possible from 15 minutes before the
    start until `CHECKIN_GRACE_MINUTES` (default 20) after it, for an approved
    booking. A second check-in keeps the first time (200). Outside the window
    422 (`errors[0].field` = `checkin`, the message says when it opens or
    closed); a booking that is not approved (pending, cancelled, `no_show`…) 409.
    Unchecked approved bookings of rooms requiring check-in become `no_show`
    when the window closes."""
    user = require_user()
    _visible(booking_id)
    booking = write(lambda: checkin.check_in(db.session(), user, booking_id, utcnow(), via="api"))
    return reply(serialize.booking(booking))


@operation("POST", "/bookings/{booking_id}/quorum-reached",
           summary="Record a general assembly's quorum", tag="Bookings",
           access="the owner organisation, staff of the center, admin", response=s.AssemblyOut,
           errors=BOOKING_ERRORS)
def quorum_reached(booking_id: int) -> Response:
    """Toplantı yeter sayısı sağlandı: the first meeting of a general assembly
    (either date's id) reached its quorum, so its second date is cancelled and
    its time freed (offered to the waitlist). From the first meeting's start
    until the second's (else 422, `errors[0].field` = `quorum`); once (409);
    a booking that is no general assembly's, or another organisation's, 404."""
    user = require_user()
    _visible(booking_id)
    assembly = write(lambda: general_assembly.reach_quorum(db.session(), user, booking_id,
                                                           utcnow()))
    return reply(serialize.assembly(assembly))


@operation("POST", "/series/{series_id}/cancel", summary="Cancel a series", tag="Bookings",
           access="the owner organisation, staff of the center, admin",
           response=s.SeriesCancelled, body=s.ReasonIn, errors=(401, 404, 409, 422))
def cancel_series(series_id: int, body: s.ReasonIn) -> Response:
    """Cancel every future pending or approved occurrence of the series."""
    user = require_user()
    cancelled = write(lambda: series_service.cancel_series(db.session(), user, series_id, body.reason,
                                                utcnow()))
    return reply(s.SeriesCancelled(series_id=series_id,
                                   bookings=[serialize.booking(b) for b in cancelled]))
