"""What the check-in pages list: a member's bookings in a room today (the QR
page), the staff's bookings of today, and no-shows per organisation."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from booking.models import Booking, BookingStatus, Center, Organization, Room, User
from booking.services.access import manages_center, owns, scope_bookings, visible_room
from booking.services.checkin import count_no_shows, window
from booking.services.errors import NotFound

NO_SHOW_DAYS = 90
SHOWN = (BookingStatus.APPROVED, BookingStatus.NO_SHOW)


class State(StrEnum):
    """Where a booking stands with check-in, as the pages explain it."""

    CHECKED_IN = "checked_in"
    OPEN = "open"  # the button
    NOT_YET = "not_yet"
    CLOSED = "closed"  # window over, not checked in (the job releases it)
    NO_SHOW = "no_show"
    NOT_REQUIRED = "not_required"  # no check-in needed and the window is over


@dataclass(frozen=True)
class Row:
    booking: Booking
    state: State
    opens_at: datetime
    closes_at: datetime


def state_of(booking: Booking, now: datetime) -> State:
    span = window(booking)
    if booking.status == BookingStatus.NO_SHOW:
        return State.NO_SHOW
    if booking.checked_in_at is not None:
        return State.CHECKED_IN
    if now < span.opens_at:
        return State.NOT_YET
    if now < span.closes_at:
        return State.OPEN
    return State.CLOSED if booking.room.requires_checkin else State.NOT_REQUIRED


def row(booking: Booking, now: datetime) -> Row:
    span = window(booking)
    return Row(booking, state_of(booking, now), span.opens_at, span.closes_at)


def _local_day(center: Center, now: datetime) -> tuple[datetime, datetime]:
    day = now.astimezone(center.tz).date()
    start = datetime.combine(day, time(0), tzinfo=center.tz)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=center.tz)


def room_today(session: Session, actor: User, room_id: int, now: datetime
               ) -> tuple[Room, list[Row]]:
    """The room (NotFound if the actor may not see it) and the actor's
    approved or no-show bookings in it today (center time): their
    organisation's for a member, every one for the center's staff."""
    room = visible_room(session, actor, room_id)
    start, end = _local_day(room.center, now)
    query = scope_bookings(select(Booking), actor).where(
        Booking.room_id == room.id, Booking.status.in_(SHOWN),
        Booking.start_at >= start, Booking.start_at < end,
    ).order_by(Booking.start_at, Booking.id)
    bookings = [b for b in session.scalars(query)
                if owns(actor, b) or manages_center(actor, room.center_id)]
    return room, [row(b, now) for b in bookings]


def current_row(rows: list[Row]) -> Row | None:
    """The booking the QR page offers: the one whose window is open, else the
    next one not yet open, else the last one of the day."""
    for wanted in (State.OPEN, State.NOT_YET):
        found = next((r for r in rows if r.state == wanted), None)
        if found is not None:
            return found
    return rows[-1] if rows else None


def staff_today(session: Session, actor: User, now: datetime,
                centers: list[Center]) -> list[tuple[Center, list[Row]]]:
    """Today's approved and no-show bookings of each center the actor manages
    (each by its own local day), by start time."""
    result = []
    for center in centers:
        if not manages_center(actor, center.id):
            raise NotFound(_l("Merkez bulunamadı."))
        start, end = _local_day(center, now)
        bookings = session.scalars(
            select(Booking).join(Booking.room)
            .where(Room.center_id == center.id, Booking.status.in_(SHOWN),
                   Booking.start_at >= start, Booking.start_at < end)
            .options(joinedload(Booking.organization), joinedload(Booking.room))
            .order_by(Booking.start_at, Room.name, Booking.id)
        ).all()
        result.append((center, [row(b, now) for b in bookings]))
    return result


@dataclass(frozen=True)
class NoShowFigure:
    no_shows: int
    due: int

    @property
    def rate(self) -> float | None:
        return self.no_shows / self.due if self.due else None


def no_shows_by_organization(session: Session, organizations: list[Organization],
                             now: datetime) -> dict[int, NoShowFigure]:
    """Per organisation, the last NO_SHOW_DAYS days: no-shows and the bookings
    that had to be checked in (approved ones requiring it, and the no-shows)."""
    counts = count_no_shows(session, [o.id for o in organizations],
                            now - timedelta(days=NO_SHOW_DAYS), now)
    return {org_id: NoShowFigure(*pair) for org_id, pair in counts.items()}
