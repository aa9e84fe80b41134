"""The one rule of a general assembly's two dates (SPEC §9): the second lies
7–60 calendar days after the first, on the center's calendar. The request
(services/general_assembly.py) and a later move of either date
(services/booking_changes.py) both check it here; this module imports no
booking service, so both may use it."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from booking.models import Booking, BookingKind, BookingStatus, GeneralAssembly, Room
from booking.services.errors import FieldError

MIN_GAP_DAYS = 7
MAX_GAP_DAYS = 60
ACTIVE = (BookingStatus.PENDING, BookingStatus.APPROVED)


def days_between(first: datetime, second: datetime, room: Room) -> int:
    """Calendar days from ``first`` to ``second`` in the room's center's zone."""
    tz = room.center.tz
    return (second.astimezone(tz).date() - first.astimezone(tz).date()).days


def gap_errors(room: Room, first: datetime, second: datetime, field: str) -> list[FieldError]:
    """The second date after the first, 7–60 days later; else the error on ``field``."""
    if second <= first:
        return [FieldError(field, _l("İkinci toplantı ilk toplantıdan sonra olmalı."))]
    days = days_between(first, second, room)
    if not MIN_GAP_DAYS <= days <= MAX_GAP_DAYS:
        return [FieldError(field, _l(
            "İkinci toplantı ilkinden %(min)d ile %(max)d gün sonra olmalı (şimdi %(days)d gün).",
            min=MIN_GAP_DAYS, max=MAX_GAP_DAYS, days=days))]
    return []


def kind_errors(kind: BookingKind, new_kind: BookingKind | None) -> list[FieldError]:
    """A change gives no booking the kind, nor takes it away: the pair is asked as one."""
    if new_kind is None or (kind == BookingKind.GENERAL_ASSEMBLY) == \
            (new_kind == BookingKind.GENERAL_ASSEMBLY):
        return []
    return [FieldError("kind", _l("Genel kurul türü sonradan verilemez ya da kaldırılamaz; "
                                  "genel kurul iki tarihiyle birlikte istenir."))]


def assembly_of(session: Session, booking: Booking) -> GeneralAssembly | None:
    """The assembly a booking is a date of, if it is one."""
    if booking.kind != BookingKind.GENERAL_ASSEMBLY:
        return None
    return session.scalar(select(GeneralAssembly).where(or_(
        GeneralAssembly.first_booking_id == booking.id,
        GeneralAssembly.second_booking_id == booking.id)))


def move_errors(session: Session, booking: Booking, room: Room, start: datetime) -> list[FieldError]:
    """A date of an assembly moved to ``start`` keeps the gap to the other date
    (while that one still stands); other bookings have no such rule."""
    assembly = assembly_of(session, booking)
    if assembly is None:
        return []
    if booking.id == assembly.first_booking_id:
        other = assembly.second
        return gap_errors(room, start, other.start_at, "start") if other.status in ACTIVE else []
    other = assembly.first
    return gap_errors(room, other.start_at, start, "start") if other.status in ACTIVE else []
