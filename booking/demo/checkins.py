"""Check-ins and no-shows in the demo's planned bookings (SPEC §8), decided
without randomness so the demo stays the same for a seed: every past approved
booking was checked in five minutes before its start (the organisation came),
and one in five past cancellations of an approved booking was in fact a
no-show, released by the job when its window closed. The report's meetings,
programs and attendees do not change: cancelled and no-show bookings count in
neither."""
from __future__ import annotations

from datetime import datetime, timedelta

from booking.demo.plan import PlannedBooking
from booking.models import BookingStatus
from booking.services.checkin import grace

NO_SHOW_EVERY = 5
CHECKED_IN_BEFORE = timedelta(minutes=5)
NO_SHOW_REASON = "Giriş süresi içinde varış kaydı yapılmadığı için salon serbest bırakıldı."


def add_checkins(bookings: list[PlannedBooking], now: datetime) -> None:
    """Mark the check-ins and turn some cancellations into no-shows, in place."""
    closed = grace()
    past_cancelled = [b for b in bookings if b.status == BookingStatus.CANCELLED
                      and b.start + closed <= now and b.history
                      and b.history[-1][:3] == ("cancel", "approved", "cancelled")]
    for index, booking in enumerate(past_cancelled):
        if index % NO_SHOW_EVERY:
            continue
        booking.status = BookingStatus.NO_SHOW
        booking.reason = NO_SHOW_REASON
        booking.history[-1] = ("no_show", "approved", "no_show", booking.start + closed, False,
                               NO_SHOW_REASON)
    for booking in bookings:
        if booking.status == BookingStatus.APPROVED and booking.start + closed <= now:
            booking.checked_in_at = booking.start - CHECKED_IN_BEFORE
            booking.history.append(("check_in", None, None, booking.checked_in_at, False, None))
