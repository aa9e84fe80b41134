"""The waitlist (SPEC §8): join, list, leave; accept or decline an offer.
Each handler calls one function of services/waitlist.py."""
from __future__ import annotations

from flask import Response, g

from booking.api import schemas as s
from booking.api import serialize
from booking.api.auth import require_user
from booking.api.bookings import _visible, _zone_of_room
from booking.api.registry import operation, reply, write
from booking.extensions import db
from booking.models import utcnow
from booking.services import waitlist as svc

WAITLIST_ERRORS = (401, 403, 404, 409, 422)


@operation("POST", "/waitlist", summary="Wait for a taken interval of a room", tag="Waitlist",
           access="member of a verified organisation (for it)", status=201,
           response=s.WaitlistEntryOut, body=s.WaitlistCreate, errors=WAITLIST_ERRORS)
def join_waitlist(body: s.WaitlistCreate) -> Response:
    """Join the room's waitlist for exactly this interval. When any part of
    the room's time frees up and this whole interval is free, the oldest
    fitting entry gets an offer: a booking in status `offered` that holds the
    time until `offer_expires_at` (WAITLIST_HOLD_MINUTES, never past the
    start). 422 when the interval is free (book it instead), closed, or
    breaks a rule of the room (hours, duration, capacity, the past, the
    advance window) or the organisation is not verified; 403 for staff and
    admins (they book directly)."""
    user = require_user()
    tz = _zone_of_room(body.room_id)
    request = svc.WaitlistRequest(
        room_id=body.room_id, title=body.title, start=serialize.localize(body.start, tz, "start"),
        end=serialize.localize(body.end, tz, "end"), expected_attendees=body.expected_attendees)
    entry = write(lambda: svc.join(db.session(), user, request, utcnow()))
    return reply(serialize.waitlist_entry(entry), 201)


@operation("GET", "/waitlist", summary="List waitlist entries", tag="Waitlist",
           access="member: their organisation's; staff: their centers'; admin: all",
           response=s.WaitlistList, errors=(401,))
def list_waitlist() -> Response:
    """Open entries (waiting, or offered with the offer's deadline) still ahead, by start."""
    user = require_user()
    entries = svc.list_entries(db.session(), user, utcnow())
    body = s.WaitlistList(items=[serialize.waitlist_entry(e) for e in entries])
    db.session.rollback()
    return reply(body)


@operation("DELETE", "/waitlist/{entry_id}", summary="Leave the waitlist", tag="Waitlist",
           access="the entry's organisation, staff of the center, admin", status=204,
           errors=(401, 404, 409))
def leave_waitlist(entry_id: int) -> Response:
    """Take an open entry off the list; an open offer of it is declined, so
    the next entry gets the time. 409 when the entry is no longer open."""
    user = require_user()
    write(lambda: svc.leave(db.session(), user, entry_id, utcnow()))
    return reply(None, 204)


@operation("POST", "/bookings/{booking_id}/accept", summary="Accept a waitlist offer",
           tag="Waitlist", access="the offer's organisation, staff of the center, admin",
           response=s.BookingOut, errors=WAITLIST_ERRORS)
def accept_offer(booking_id: int) -> Response:
    """The offered booking becomes a request as a new one would: `pending`
    where the room needs approval, `approved` where it does not (or when
    staff accept). The organisation's quota is checked as for a request
    (422 `errors:[{field:"quota"}]`). 409 when the booking is not an offer,
    or the offer expired."""
    user = require_user()
    _visible(booking_id)
    booking = write(lambda: svc.accept_offer(db.session(), user, booking_id, utcnow()))
    g.api_tz = booking.room.center.tz
    return reply(serialize.booking(booking))


@operation("POST", "/bookings/{booking_id}/decline", summary="Decline a waitlist offer",
           tag="Waitlist", access="the offer's organisation, staff of the center, admin",
           response=s.BookingOut, errors=(401, 404, 409))
def decline_offer(booking_id: int) -> Response:
    """The offer becomes `expired` and its time is offered to the next entry.
    409 when the booking is not an offer, or the offer expired."""
    user = require_user()
    _visible(booking_id)
    booking = write(lambda: svc.decline_offer(db.session(), user, booking_id, utcnow()))
    return reply(serialize.booking(booking))
