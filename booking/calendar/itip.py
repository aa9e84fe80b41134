"""iTIP invitations (RFC 5546) for a booking's requester: ``METHOD:REQUEST``
when the booking is approved or changed, ``METHOD:CANCEL`` when it is off.

Pure functions, like ical.py: a booking in, one VCALENDAR out. The event is
the private feeds' event (ical.event_properties), with the same UID and
SEQUENCE, so the invitation a person accepted and the feed they subscribe to
name one event; an iTIP message is about one UID only, which is why a
series is invited occurrence by occurrence (docs/feeds.md).

ORGANIZER is the center (``mailto:`` the sender address, CN the center's
name); ATTENDEE is the requester, already ``PARTSTAT=ACCEPTED`` with
``RSVP=FALSE``: the booking is theirs, no answer is expected. SEQUENCE is the
booking's counter, which the booking engine raises on every change of time,
room or status; whoever sends a CANCEL (a cancellation, a rejection after an
approval, a no-show release) must have raised it first, so the CANCEL
outranks the REQUEST before it.
"""
from __future__ import annotations

from dataclasses import dataclass

from icalendar import Calendar, Event, vCalAddress

from booking.calendar.ical import (
    DEFAULT_LANGUAGE,
    PRODID,
    EventOptions,
    Text,
    clean_text,
    event_properties,
)
from booking.calendar.vtimezone import vtimezone
from booking.models import Booking

REQUEST = "REQUEST"
CANCEL = "CANCEL"
METHODS = (REQUEST, CANCEL)


@dataclass(frozen=True)
class Party:
    """Someone an invitation names: an e-mail address and a display name."""

    address: str
    name: str

    def cal_address(self, **params: str) -> vCalAddress:
        value = vCalAddress(f"mailto:{self.address}")
        # A parameter value cannot hold a double quote (RFC 5545 §3.2).
        name = " ".join(clean_text(self.name).replace('"', "'").split())
        value.params["CN"] = name or self.address
        for key, param in params.items():
            value.params[key] = param
        return value


def invitation(booking: Booking, method: str, *, organizer: Party, attendee: Party,
               base_url: str, language: str = DEFAULT_LANGUAGE) -> Calendar:
    """The iTIP message ``method`` (REQUEST or CANCEL) for one booking.

    Needs ``booking.room.center`` and ``booking.organization`` loaded. A
    CANCEL says ``STATUS:CANCELLED`` whatever the booking's own status.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add_component(vtimezone(booking.room.center.timezone))
    options = EventOptions(base_url=base_url, private=True, language=language)
    event = Event()
    for name, value in event_properties(booking, options):
        if method == CANCEL and name == "STATUS":
            value = "CANCELLED"
        if method == CANCEL and name == "TRANSP":
            value = "TRANSPARENT"
        event.add(name, Text(value) if isinstance(value, str) and name != "URL" else value)
    event.add("organizer", organizer.cal_address())
    event.add("attendee", attendee.cal_address(
        CUTYPE="INDIVIDUAL", ROLE="REQ-PARTICIPANT", PARTSTAT="ACCEPTED", RSVP="FALSE"))
    cal.add_component(event)
    return cal


def request(booking: Booking, *, organizer: Party, attendee: Party, base_url: str,
            language: str = DEFAULT_LANGUAGE) -> Calendar:
    """``METHOD:REQUEST``: put the booking, as it is now, in the attendee's calendar."""
    return invitation(booking, REQUEST, organizer=organizer, attendee=attendee,
                      base_url=base_url, language=language)


def cancellation(booking: Booking, *, organizer: Party, attendee: Party, base_url: str,
                 language: str = DEFAULT_LANGUAGE) -> Calendar:
    """``METHOD:CANCEL``: take the booking out of the attendee's calendar (same
    UID, the booking's raised SEQUENCE, ``STATUS:CANCELLED``). For every way a
    booking that was invited ends: cancellation, rejection after an approval,
    a series cancelled, a no-show release."""
    return invitation(booking, CANCEL, organizer=organizer, attendee=attendee,
                      base_url=base_url, language=language)
