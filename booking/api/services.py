"""Services with a booking (SPEC §9): a center's catalogue, a booking's
items, the staff's tasks and marking one done. Each handler calls one
function of services/booking_services.py or services/service_tasks.py."""
from __future__ import annotations

from flask import Response, g

from booking.api import schemas as s
from booking.api import serialize
from booking.api.auth import actor, require_user
from booking.api.registry import operation, reply, write
from booking.extensions import db
from booking.models import Booking, BookingServiceItem, utcnow
from booking.services import service_tasks
from booking.services.access import visible_center
from booking.services.booking_services import catalogue, items_of


def service_out(row: BookingServiceItem) -> s.BookingServiceOut:
    tz = row.booking.room.center.tz
    return s.BookingServiceOut(
        id=row.id, item_id=row.item_id, name=row.item.name, unit=row.item.unit,
        quantity=row.quantity, note=row.note, status=row.status,
        done_at=row.done_at.astimezone(tz) if row.done_at else None)


def booking_with_services(booking: Booking, *, asked: bool = True) -> s.BookingOut:
    """A booking's answer with its services (POST /bookings, GET /bookings/{id});
    a booking just made without any (``asked`` false) has none to look up."""
    out = serialize.booking(booking)
    out.services = [service_out(row) for row in items_of(db.session(), booking, live=False)
                    ] if asked else []
    return out


def task_out(row: BookingServiceItem) -> s.TaskOut:
    booking = row.booking
    tz = booking.room.center.tz
    return s.TaskOut(
        **service_out(row).model_dump(), booking_id=booking.id, room_id=booking.room_id,
        room_name=booking.room.name, start=booking.start_at.astimezone(tz),
        end=booking.end_at.astimezone(tz), organization_id=booking.organization_id,
        organization_name=booking.organization.name if booking.organization else None)


@operation("GET", "/centers/{center_id}/services", summary="A center's catalogue of services",
           tag="Services", access="anyone (inactive items: staff and admins)",
           response=s.ServiceCatalogue, errors=(404,))
def center_services(center_id: int) -> Response:
    """What a request for a room of this center may ask for in `services`,
    in the center's order; `stock` null: not counted."""
    user = actor()
    center = visible_center(db.session(), user, center_id)
    staff = user is not None and user.is_staff
    items = catalogue(db.session(), center.id, active_only=not staff)
    g.api_tz = center.tz
    return reply(s.ServiceCatalogue(items=[s.ServiceItemOut.model_validate(i) for i in items]))


@operation("GET", "/centers/{center_id}/tasks", summary="A center's service tasks of a day",
           tag="Services", access="staff of the center, admin", response=s.TaskList,
           query=s.TaskQuery, errors=(401, 404, 422))
def center_tasks(center_id: int, query: s.TaskQuery) -> Response:
    """The promised and done services of the day's bookings that hold their
    time (time, room, item, quantity, note, organisation). 404 for anyone
    but the center's staff and admins."""
    user = require_user()
    center = visible_center(db.session(), user, center_id)
    day = query.day or utcnow().astimezone(center.tz).date()
    tasks = service_tasks.center_tasks(db.session(), user, center.id, day)
    return reply(s.TaskList(items=[task_out(t.row) for t in tasks]))


@operation("POST", "/tasks/{task_id}/done", summary="Mark a service task done", tag="Services",
           access="staff of the booking's center, admin", response=s.TaskOut,
           errors=(401, 404, 409))
def mark_task_done(task_id: int) -> Response:
    """Done once (a second call answers the same task); 409 when the
    booking does not hold its time (pending, cancelled…)."""
    user = require_user()
    row = write(lambda: service_tasks.mark_done(db.session(), user, task_id, utcnow()))
    return reply(task_out(row))
