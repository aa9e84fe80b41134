"""iCalendar (RFC 5545) building: bookings in, ``icalendar.Calendar`` out.

Pure functions: no Flask request, no database, no clock. Every value written
comes from the arguments, so two renders of unchanged data are byte-identical
(that is what makes a feed's ETag worth anything). Used by the calendar feeds
(booking/web/feeds.py) and by the ``.ics`` attachment of approval e-mails
(``single_booking_calendar``).

Privacy: ``private=False`` renders a public view. It shows the title and the
organisation only for bookings marked public, otherwise the reserved label
("Dolu"/"Reserved"); it never writes a description, a URL, or anything about
a person (no ORGANIZER, ATTENDEE, CONTACT, no user name, e-mail or phone).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event, vDuration

from booking.models import Booking, BookingStatus, Room
from booking.vtimezone import vtimezone

PRODID = "-//Sivil Toplum Merkezleri//Oda Rezervasyonu 1.0//TR"

STATUS_MAP = {
    BookingStatus.APPROVED: "CONFIRMED",
    BookingStatus.PENDING: "TENTATIVE",
    BookingStatus.CANCELLED: "CANCELLED",
    # Only reaches a calendar through a rejection e-mail: the event is off.
    BookingStatus.REJECTED: "CANCELLED",
}

# The few words a calendar shows. A fixed table, not the gettext catalogue:
# feeds are read by calendar programs, and their bytes (and so their ETags)
# must not change when a catalogue is recompiled. Turkish is the default.
TEXTS: dict[str, dict[str, str]] = {
    "tr": {
        "reserved": "Dolu",
        "status": "Durum",
        "reason": "Gerekçe",
        "organization": "Kuruluş",
        "attendees": "Beklenen katılımcı",
        "details": "Ayrıntılar",
        "bookings": "Rezervasyonlar",
        "center_bookings": "Merkez rezervasyonları",
        BookingStatus.PENDING: "Onay bekliyor",
        BookingStatus.APPROVED: "Onaylandı",
        BookingStatus.CANCELLED: "İptal edildi",
        BookingStatus.REJECTED: "Reddedildi",
    },
    "en": {
        "reserved": "Reserved",
        "status": "Status",
        "reason": "Reason",
        "organization": "Organisation",
        "attendees": "Expected attendees",
        "details": "Details",
        "bookings": "Bookings",
        "center_bookings": "Center bookings",
        BookingStatus.PENDING: "Awaiting approval",
        BookingStatus.APPROVED: "Approved",
        BookingStatus.CANCELLED: "Cancelled",
        BookingStatus.REJECTED: "Rejected",
    },
}
DEFAULT_LANGUAGE = "tr"


def feed_language(code: str | None) -> str:
    """The supported language closest to ``code`` ("en-GB" → "en"), else Turkish."""
    base = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return base if base in TEXTS else DEFAULT_LANGUAGE


def texts(language: str) -> dict[str, str]:
    return TEXTS[feed_language(language)]


def host_of(base_url: str) -> str:
    """The host name that makes UIDs globally unique (``booking-7@host``)."""
    return urlsplit(base_url).hostname or "localhost"


def booking_uid(booking_id: int, host: str) -> str:
    """A booking's UID: the same in every feed and e-mail, for its whole life."""
    return f"booking-{booking_id}@{host}"


def booking_url(booking_id: int, base_url: str) -> str:
    """The booking's page in the web interface."""
    return f"{base_url.rstrip('/')}/bookings/{booking_id}"


def webcal_url(url: str) -> str:
    """``https://host/x.ics`` → ``webcal://host/x.ics`` (subscribe links for the pages)."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme.lower() in ("http", "https"):
        return "webcal://" + rest
    return url


def room_location(room: Room) -> str:
    """"Room, Center, address": enough for a map search, nothing personal."""
    parts = [room.name, room.center.name]
    if room.center.address:
        parts.append(room.center.address)
    return ", ".join(part.strip() for part in parts if part and part.strip())


@dataclass(frozen=True)
class EventOptions:
    """How to render events: for whom (public or private) and in which language."""

    base_url: str
    private: bool = False
    language: str = DEFAULT_LANGUAGE
    # Private feeds of staff show which organisation booked; an organisation
    # knows its own bookings, so its feed leaves the name out of the title.
    show_organization: bool = True

    @property
    def host(self) -> str:
        return host_of(self.base_url)


def _summary(booking: Booking, options: EventOptions) -> str:
    words = texts(options.language)
    if not options.private and not booking.is_public:
        return words["reserved"]
    title = booking.title.strip() or words["reserved"]
    if options.show_organization and booking.organization is not None:
        return f"{title} — {booking.organization.name}"
    return title


def _description(booking: Booking, options: EventOptions) -> str:
    words = texts(options.language)
    lines = []
    if booking.description and booking.description.strip():
        lines += [booking.description.strip(), ""]
    lines.append(f"{words['status']}: {words[booking.status]}")
    if booking.status_reason and booking.status in (
        BookingStatus.CANCELLED,
        BookingStatus.REJECTED,
    ):
        lines.append(f"{words['reason']}: {booking.status_reason.strip()}")
    if options.show_organization and booking.organization is not None:
        lines.append(f"{words['organization']}: {booking.organization.name}")
    lines.append(f"{words['attendees']}: {booking.expected_attendees}")
    lines.append(f"{words['details']}: {booking_url(booking.id, options.base_url)}")
    return "\n".join(lines)


def booking_event(booking: Booking, options: EventOptions) -> Event:
    """One VEVENT for one booking, with times in its center's zone.

    DTSTAMP and LAST-MODIFIED are the booking's ``updated_at`` (never "now"),
    SEQUENCE is the booking's own counter, the UID never changes. Needs
    ``booking.room.center`` and ``booking.organization`` loaded.
    """
    tz = booking.room.center.tz
    changed = booking.updated_at.astimezone(UTC)
    status = STATUS_MAP[booking.status]
    event = Event()
    event.add("uid", booking_uid(booking.id, options.host))
    event.add("dtstamp", changed)
    event.add("created", booking.created_at.astimezone(UTC))
    event.add("last-modified", changed)
    event.add("sequence", booking.sequence)
    event.add("dtstart", booking.start_at.astimezone(tz))
    event.add("dtend", booking.end_at.astimezone(tz))
    event.add("summary", _summary(booking, options))
    event.add("location", room_location(booking.room))
    event.add("status", status)
    # A cancelled event must not make anyone look busy.
    event.add("transp", "TRANSPARENT" if status == "CANCELLED" else "OPAQUE")
    if options.private:
        event.add("description", _description(booking, options))
        event.add("url", booking_url(booking.id, options.base_url))
    return event


def _add_calendar_properties(
    cal: Calendar, name: str, timezone: str, refresh: timedelta | None
) -> None:
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", timezone)
    if refresh is not None:
        # Both spellings: REFRESH-INTERVAL (RFC 7986) needs VALUE=DURATION,
        # X-PUBLISHED-TTL (Outlook, Apple) a valid duration text.
        cal.add("refresh-interval", vDuration(refresh), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(refresh))


def build_calendar(
    bookings: Iterable[Booking],
    options: EventOptions,
    *,
    name: str,
    timezone: str,
    refresh: timedelta | None = None,
) -> Calendar:
    """A VCALENDAR (METHOD:PUBLISH) with one VEVENT per booking.

    ``timezone`` is the calendar's main zone (X-WR-TIMEZONE); its VTIMEZONE is
    always present, so even an empty feed holds one component, and every
    other zone an event uses gets its own VTIMEZONE (see booking/vtimezone.py
    for why they are not icalendar's ``add_missing_timezones``). Events are ordered by
    start and id, so the output depends on the data only.
    """
    ordered = sorted(bookings, key=lambda b: (b.start_at, b.id))
    zones = sorted({b.room.center.timezone for b in ordered} - {timezone})
    cal = Calendar()
    _add_calendar_properties(cal, name, timezone, refresh)
    for tzid in [timezone, *zones]:
        cal.add_component(vtimezone(tzid))
    for booking in ordered:
        cal.add_component(booking_event(booking, options))
    return cal


def single_booking_calendar(
    booking: Booking, *, base_url: str, language: str = DEFAULT_LANGUAGE
) -> Calendar:
    """The ``.ics`` attached to an approval (or change) e-mail: one private event.

    Same UID and SEQUENCE as in the feeds, so a calendar that imported the
    attachment and also subscribes to the feed keeps one event.
    """
    options = EventOptions(base_url=base_url, private=True, language=language)
    return build_calendar(
        [booking],
        options,
        name=booking.title,
        timezone=booking.room.center.timezone,
    )


def serialize(cal: Calendar) -> bytes:
    """The calendar as RFC 5545 text: CRLF line ends, lines folded at 75 octets."""
    return cal.to_ical()
