"""A recurring series as a whole: cancel or move every future occurrence.

The occurrences are bookings of their own (services/bookings.py creates them,
expanded by services/recurrence.py); these act on all the future ones at once.
"""
from __future__ import annotations

from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from booking.models import Booking, BookingSeries, BookingStatus, User
from booking.services.access import require_owner_or_staff
from booking.services.booking_changes import BookingChanges, change_booking
from booking.services.booking_steps import clean_reason
from booking.services.bookings import cancel_loaded
from booking.services.errors import NotFound
from booking.services.rules import wall_clock


def cancel_series(session: Session, actor: User, series_id: int, reason: str | None,
                  now: datetime) -> list[Booking]:
    """Cancel every future pending or approved occurrence of a series."""
    series = session.get(BookingSeries, series_id)
    if series is None or not series.bookings:
        raise NotFound(_l("Seri bulunamadı."))
    for booking in series.bookings:
        require_owner_or_staff(actor, booking)
    cleaned = clean_reason(reason, required=False)
    cancelled = [
        cancel_loaded(session, actor, booking, cleaned, now)
        for booking in series.bookings
        if booking.start_at > now
        and booking.status in (BookingStatus.PENDING, BookingStatus.APPROVED)
    ]
    return cancelled


def change_series(session: Session, actor: User, series_id: int, *, start_time: time,
                  end_time: time, now: datetime, room_id: int | None = None) -> list[Booking]:
    """Move every future pending or approved occurrence to new local times
    (and optionally another room): all of them, or none (the caller rolls back)."""
    series = session.get(BookingSeries, series_id)
    if series is None or not series.bookings:
        raise NotFound(_l("Seri bulunamadı."))
    for booking in series.bookings:
        require_owner_or_staff(actor, booking)
    moved = []
    for booking in list(series.bookings):
        if booking.start_at <= now or booking.status not in (BookingStatus.PENDING,
                                                             BookingStatus.APPROVED):
            continue
        tz = booking.room.center.tz
        day = booking.start_at.astimezone(tz).date()
        # The one wall-clock rule: a time the clocks skip that night is refused.
        start = wall_clock(day, start_time, tz, "start_time")
        end = wall_clock(day, end_time, tz, "end_time")
        moved.append(change_booking(session, actor, booking.id,
                                    BookingChanges(start=start, end=end, room_id=room_id), now))
    return moved
