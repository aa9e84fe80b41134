"""What a booking's page shows about check-in (its state, the button)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking.models import Booking, BookingStatus
from booking.services.checkin import can_check_in_now
from booking.services.checkin_lists import Row, row


@dataclass(frozen=True)
class CheckinView:
    row: Row | None  # None: check-in does not concern this booking (pending, cancelled…)
    can: bool  # the button: approved, not checked in, the window open
    required: bool


def checkin_view(booking: Booking, now: datetime) -> CheckinView:
    if booking.status not in (BookingStatus.APPROVED, BookingStatus.NO_SHOW):
        return CheckinView(None, False, booking.room.requires_checkin)
    return CheckinView(row(booking, now), can_check_in_now(booking, now),
                       booking.room.requires_checkin)
