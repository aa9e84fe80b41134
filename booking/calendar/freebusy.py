"""VFREEBUSY (RFC 5545 §3.6.4) building: busy periods in, iCalendar bytes out.

Pure, like ical.py: no request, no database, no clock, so unchanged periods
render byte-identical (the ETag is the body's hash). A free/busy answer says
only when a room is taken: no title, no organisation, no person.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Calendar, FreeBusy, vPeriod

from booking.calendar.ical import PRODID, Text

# FBTYPE per kind of busy interval (availability.Busy.kind): a booking and its
# buffer are BUSY, a closure is BUSY-UNAVAILABLE (the room cannot be booked).
FBTYPES = {"booking": "BUSY", "buffer": "BUSY", "closure": "BUSY-UNAVAILABLE"}


@dataclass(frozen=True)
class RoomPeriods:
    """One room's busy periods in a window, and what names it."""

    uid: str
    url: str
    comment: str
    periods: list[tuple[datetime, datetime, str]]  # start, end, FBTYPE


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def render(rooms: Iterable[RoomPeriods], start: datetime, end: datetime) -> bytes:
    """A calendar with one VFREEBUSY per room over [start, end); periods are
    clipped to the window and written one FREEBUSY line each, in time order."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    for room in rooms:
        component = FreeBusy()
        component.add("uid", room.uid)
        component.add("dtstamp", _utc(start))  # the window's start: stable for the day
        component.add("dtstart", _utc(start))
        component.add("dtend", _utc(end))
        component.add("url", room.url)
        component.add("comment", Text(room.comment))
        for lo, hi, fbtype in sorted(room.periods):
            lo, hi = max(lo, start), min(hi, end)
            if lo < hi:
                component.add("freebusy", vPeriod((_utc(lo), _utc(hi))),
                              parameters={"FBTYPE": fbtype})
        calendar.add_component(component)
    return calendar.to_ical()
