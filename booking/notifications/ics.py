"""The ``.ics`` attached to an approval: the approved booking(s) as VEVENTs.

Kept small and separate from the feeds (booking/ical.py): an e-mail attachment
needs no feed headers, only events a calendar program can import. UIDs match
the feeds' scheme (``booking-<id>@<domain>``), so importing the attachment and
subscribing to a feed do not duplicate the event.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from icalendar import Calendar, Event

from booking.models import Booking

PRODID = "-//Sivil Toplum Merkezleri//Rezervasyon//TR"


def booking_uid(booking: Booking, domain: str) -> str:
    return f"booking-{booking.id}@{domain}"


def approval_calendar(bookings: Sequence[Booking], domain: str) -> bytes:
    """Serialise the bookings as an RFC 5545 calendar (METHOD:PUBLISH, local times)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    for booking in bookings:
        room = booking.room
        center = room.center
        event = Event()
        event.add("uid", booking_uid(booking, domain))
        event.add("dtstamp", booking.updated_at)
        event.add("last-modified", booking.updated_at)
        event.add("sequence", booking.sequence)
        event.add("summary", booking.title)
        event.add("dtstart", booking.start_at.astimezone(center.tz))
        event.add("dtend", booking.end_at.astimezone(center.tz))
        event.add("location", f"{room.name}, {center.name}")
        event.add("status", "CONFIRMED")
        if booking.description:
            event.add("description", booking.description)
        calendar.add_component(event)
    # Compact VTIMEZONEs without old summer-time rules (see FIELD-NOTES.md).
    calendar.add_missing_timezones(first_date=date(2017, 1, 1))
    return calendar.to_ical()
