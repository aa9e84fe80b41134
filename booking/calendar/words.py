"""The few words a calendar shows, and how a booking's status reads in
iCalendar (STATUS). A fixed table, not the gettext catalogue: feeds are read
by calendar programs, and their bytes (and so their ETags) must not change
when a catalogue is recompiled. Turkish is the default."""
from __future__ import annotations

from booking.models import BookingStatus

STATUS_MAP = {
    BookingStatus.APPROVED: "CONFIRMED",
    BookingStatus.PENDING: "TENTATIVE",
    BookingStatus.CANCELLED: "CANCELLED",
    # Only reaches a calendar through a rejection e-mail: the event is off.
    BookingStatus.REJECTED: "CANCELLED",
    # Released for want of a check-in: the event did not take place.
    BookingStatus.NO_SHOW: "CANCELLED",
    # A waitlist offer held for its organisation (SPEC §8): not yet theirs.
    BookingStatus.OFFERED: "TENTATIVE",
    BookingStatus.EXPIRED: "CANCELLED",
}

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
        BookingStatus.NO_SHOW: "Gelinmedi",
        BookingStatus.OFFERED: "Bekleme listesinden teklif",
        BookingStatus.EXPIRED: "Teklifin süresi doldu",
    },
    "en": {
        "reserved": "Reserved",
        "status": "Status",
        "reason": "Reason",
        "organization": "Organisation",
        "attendees": "Expected attendees",
        "details": "Details",
        "bookings": "Bookings",
        "center_bookings": "Centre bookings",
        BookingStatus.PENDING: "Awaiting approval",
        BookingStatus.APPROVED: "Approved",
        BookingStatus.CANCELLED: "Cancelled",
        BookingStatus.REJECTED: "Rejected",
        BookingStatus.NO_SHOW: "No-show",
        BookingStatus.OFFERED: "Offered from the waiting list",
        BookingStatus.EXPIRED: "Offer expired",
    },
}
DEFAULT_LANGUAGE = "tr"


def feed_language(code: str | None) -> str:
    """The supported language closest to ``code`` ("en-GB" → "en"), else Turkish."""
    base = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return base if base in TEXTS else DEFAULT_LANGUAGE


def texts(language: str) -> dict[str, str]:
    return TEXTS[feed_language(language)]
