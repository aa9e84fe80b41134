"""What the "My calendars" page lists for one person: their own private link,
an organisation link left from before personal links, and the public feeds of
the places they use (staff: their centers; members: the rooms their
organisation booked lately or will use)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.models import Booking, BookingStatus, Center, FeedToken, Room, User
from booking.services import access, feed_tokens

# A member's rooms: those of bookings ending at most this long ago, or later.
RECENT = timedelta(days=90)
MAX_ROOMS = 12
USED_STATUSES = (BookingStatus.PENDING, BookingStatus.APPROVED)


@dataclass(frozen=True)
class MyCalendars:
    personal: FeedToken | None
    organization_link: FeedToken | None
    centers: list[Center]
    rooms: list[Room]


def _staff_centers(session: Session, actor: User) -> list[Center]:
    query = access.visible_centers(actor).where(Center.is_active.is_(True))
    if not actor.is_admin:
        query = query.where(Center.id.in_([c.id for c in actor.centers]))
    return list(session.scalars(query.order_by(Center.name, Center.id)).all())


def _member_rooms(session: Session, actor: User, now: datetime) -> list[Room]:
    used = (
        select(Booking.room_id)
        .where(Booking.organization_id == actor.organization_id,
               Booking.status.in_(USED_STATUSES), Booking.end_at >= now - RECENT)
        .distinct()
    )
    query = (
        access.visible_rooms(actor)
        .where(Room.id.in_(used))
        .order_by(Center.name, Room.name, Room.id)
        .limit(MAX_ROOMS)
    )
    return list(session.scalars(query).all())


def my_calendars(session: Session, actor: User, now: datetime) -> MyCalendars:
    """The page's content for ``actor`` (any signed-in person)."""
    staff = actor.is_staff
    return MyCalendars(
        personal=feed_tokens.personal_link(session, actor),
        organization_link=None if staff else feed_tokens.organization_link(session, actor),
        centers=_staff_centers(session, actor) if staff else [],
        rooms=[] if staff or actor.organization_id is None else _member_rooms(session, actor, now),
    )
