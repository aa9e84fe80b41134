"""Attendance: how many came to an approved booking, recorded by staff after it began."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from booking.models import Booking, BookingStatus, User
from booking.services import audit
from booking.services.access import get_visible_booking, require_center_staff
from booking.services.errors import RuleViolation

MAX_ATTENDANCE = 100_000


def record_attendance(session: Session, actor: User, booking_id: int, actual_attendees: int,
                      now: datetime) -> Booking:
    """Staff record how many came, once the booking has started."""
    booking = get_visible_booking(session, actor, booking_id)
    require_center_staff(actor, booking)
    if booking.status != BookingStatus.APPROVED:
        raise RuleViolation.single("status", _l("Katılım yalnızca onaylı rezervasyonlar için girilir."))
    if booking.start_at > now:
        raise RuleViolation.single("actual_attendees", _l("Katılım, etkinlik başladıktan sonra girilebilir."))
    if not isinstance(actual_attendees, int) or isinstance(actual_attendees, bool) \
            or not 0 <= actual_attendees <= MAX_ATTENDANCE:
        raise RuleViolation.single(
            "actual_attendees",
            _l("Katılımcı sayısı 0 ile %(n)d arasında olmalı.", n=MAX_ATTENDANCE),
        )
    if actual_attendees > booking.room.capacity:
        # The reports add these up: a slip of the keyboard would inflate a year.
        raise RuleViolation.single(
            "actual_attendees", _l("Bu salon en fazla %(n)d kişiliktir.", n=booking.room.capacity))
    before = booking.actual_attendees
    booking.actual_attendees = actual_attendees
    booking.updated_at = now
    audit.record(session, actor, "booking", booking.id, "attendance", booking_id=booking.id,
                 details={"from": before, "to": actual_attendees}, at=now)
    return booking
