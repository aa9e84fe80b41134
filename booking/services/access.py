"""Who may see and do what. An object the actor may not see is NotFound.

The web pages and the API ask these functions, so a rule such as "admins see
inactive rooms" or "a booking that has started can no longer be changed" holds
the same on both.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from booking.i18n.text import turkish_sort_key
from booking.models import Booking, BookingStatus, Center, Role, Room, User
from booking.services.errors import NotAllowed, NotFound

CHANGEABLE = (BookingStatus.PENDING, BookingStatus.APPROVED)


def sees_inactive(actor: User | None) -> bool:
    """Admins see centers and rooms that are switched off; everyone else does not."""
    return actor is not None and actor.role == Role.ADMIN


def visible_centers(actor: User | None) -> Select:
    """A ``select(Center)`` of the centers the actor may see."""
    query = select(Center)
    return query if sees_inactive(actor) else query.where(Center.is_active.is_(True))


def visible_rooms(actor: User | None) -> Select:
    """A ``select(Room)`` (joined to its center) of the rooms the actor may see."""
    query = select(Room).join(Room.center)
    if sees_inactive(actor):
        return query
    return query.where(Room.is_active.is_(True), Center.is_active.is_(True))


def visible_center(session: Session, actor: User | None, center_id: int) -> Center:
    center = session.get(Center, center_id)
    if center is None or not (center.is_active or sees_inactive(actor)):
        raise NotFound(_l("Merkez bulunamadı."))
    return center


def visible_room(session: Session, actor: User | None, room_id: int) -> Room:
    room = session.get(Room, room_id)
    if room is None or not ((room.is_active and room.center.is_active) or sees_inactive(actor)):
        raise NotFound(_l("Salon bulunamadı."))
    return room


def may_book(actor: User | None) -> bool:
    """Members request rooms for their organisation; staff and admins book directly."""
    return actor is not None and actor.role in (Role.MEMBER, Role.STAFF, Role.ADMIN)


def bookable_rooms(session: Session, actor: User | None) -> list[Room]:
    """Active rooms the actor may book, by center and room name in Turkish order:
    every room for members and admins, the rooms of their centers for staff."""
    if not may_book(actor):
        return []
    query = (select(Room).join(Room.center)
             .where(Room.is_active.is_(True), Center.is_active.is_(True)))
    if actor is not None and actor.role == Role.STAFF:
        query = query.where(Room.center_id.in_(actor.center_ids or [-1]))
    return sorted(session.scalars(query),
                  key=lambda r: (turkish_sort_key(r.center.name), turkish_sort_key(r.name)))


def is_changeable(booking: Booking, now: datetime) -> bool:
    """A pending or approved booking that has not started can still be changed."""
    return booking.status in CHANGEABLE and booking.start_at > now


def manages_center(actor: User | None, center_id: int) -> bool:
    """Admins manage every center, staff the centers they are assigned to."""
    if actor is None:
        return False
    return actor.role == Role.ADMIN or (actor.role == Role.STAFF and center_id in actor.center_ids)


def overrides_rules(actor: User | None, center_id: int) -> bool:
    """Staff book outside the opening hours and the advance window in the
    centers they manage, admins in every center; nobody else does."""
    return manages_center(actor, center_id)


def owns(actor: User | None, booking: Booking) -> bool:
    """The actor is a member of the organisation the booking is for."""
    return (
        actor is not None
        and actor.role == Role.MEMBER
        and booking.organization_id is not None
        and booking.organization_id == actor.organization_id
    )


def represents(actor: User | None, organization_id: int | None) -> bool:
    """The actor is an active representative of this organisation (SPEC §9):
    they manage its people, its data and its calendar link."""
    return (actor is not None and organization_id is not None and actor.is_active
            and actor.is_representative and actor.organization_id == organization_id)


def may_change(actor: User | None, booking: Booking) -> bool:
    """Change or cancel a booking: staff of its center and admins; of the
    organisation, its representatives, and the member who requested it."""
    if manages_center(actor, booking.room.center_id):
        return True
    return owns(actor, booking) and actor is not None and (
        represents(actor, booking.organization_id) or booking.created_by_id == actor.id)


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
    """Changing or cancelling (``may_change``): another organisation's booking
    is NotFound; a colleague's, for a member who is no representative, NotAllowed."""
    if not (owns(actor, booking) or manages_center(actor, booking.room.center_id)):
        raise NotFound(_l("Rezervasyon bulunamadı."))
    if not may_change(actor, booking):
        raise NotAllowed(_l("Bu rezervasyonu yalnızca talep eden kişi ya da kuruluşun "
                            "temsilcileri değiştirebilir."))


