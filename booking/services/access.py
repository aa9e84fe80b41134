"""Who may see and do what. An object the actor may not see is NotFound."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, false
from sqlalchemy.orm import Session

from booking.models import Booking, Role, Room, User
from booking.services.errors import NotAllowed, NotFound


def manages_center(actor: User | None, center_id: int) -> bool:
    """Admins manage every center, staff the centers they are assigned to."""
    if actor is None:
        return False
    return actor.role == Role.ADMIN or (actor.role == Role.STAFF and center_id in actor.center_ids)


def owns(actor: User | None, booking: Booking) -> bool:
    """The actor is a member of the organisation the booking is for."""
    return (
        actor is not None
        and actor.role == Role.MEMBER
        and booking.organization_id is not None
        and booking.organization_id == actor.organization_id
    )


def can_view(actor: User | None, booking: Booking) -> bool:
    return owns(actor, booking) or manages_center(actor, booking.room.center_id)


def scope_bookings(query: Select, actor: User | None) -> Select:
    """Limit a ``select(Booking)`` to what the actor may see."""
    if actor is None:
        return query.where(false())
    if actor.role == Role.ADMIN:
        return query
    if actor.role == Role.STAFF:
        return query.join(Booking.room).where(Room.center_id.in_(actor.center_ids or [-1]))
    return query.where(Booking.organization_id == actor.organization_id)


def get_visible_booking(session: Session, actor: User | None, booking_id: int) -> Booking:
    booking = session.get(Booking, booking_id)
    if booking is None or not can_view(actor, booking):
        raise NotFound(_l("Rezervasyon bulunamadı."))
    return booking


def require_center_staff(actor: User | None, booking: Booking) -> None:
    """Approving, rejecting, recording attendance: staff of the center or an admin."""
    if not manages_center(actor, booking.room.center_id):
        if can_view(actor, booking):
            raise NotAllowed(_l("Bu işlemi yalnızca merkez görevlileri yapabilir."))
        raise NotFound(_l("Rezervasyon bulunamadı."))


def require_owner_or_staff(actor: User | None, booking: Booking) -> None:
    if not (owns(actor, booking) or manages_center(actor, booking.room.center_id)):
        raise NotFound(_l("Rezervasyon bulunamadı."))


