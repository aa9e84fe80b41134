"""Human labels for the domain's codes, translated (Turkish msgids).

Codes stay in the database and the API; pages, e-mails and CSV files show
these labels in the reader's language.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from booking.models import ACCESSIBILITY, BookingKind, BookingStatus, Category, OrganizationKind, Role

CATEGORY_LABELS: dict[str, Any] = {
    Category.CHILDREN: _l("Çocuk"),
    Category.YOUTH: _l("Gençlik"),
    Category.FAMILY: _l("Aile"),
    Category.EMPLOYMENT: _l("İstihdam"),
    Category.ENVIRONMENT: _l("Çevre"),
    Category.URBANISM: _l("Kentleşme"),
    Category.SOCIAL_RESPONSIBILITY: _l("Sosyal sorumluluk"),
    Category.EDUCATION: _l("Eğitim"),
    Category.CULTURE: _l("Kültür ve sanat"),
    Category.HEALTH: _l("Sağlık"),
    Category.DISABILITY: _l("Engelli hakları"),
    Category.WOMEN: _l("Kadın"),
    Category.OTHER: _l("Diğer"),
}

KIND_LABELS: dict[str, Any] = {
    BookingKind.MEETING: _l("Toplantı"),
    BookingKind.PROGRAM: _l("Program"),
    BookingKind.GENERAL_ASSEMBLY: _l("Genel kurul"),
}

STATUS_LABELS: dict[str, Any] = {
    BookingStatus.PENDING: _l("Onay bekliyor"),
    BookingStatus.APPROVED: _l("Onaylandı"),
    BookingStatus.REJECTED: _l("Reddedildi"),
    BookingStatus.CANCELLED: _l("İptal edildi"),
    BookingStatus.OFFERED: _l("Bekleme listesinden teklif edildi, yanıt bekleniyor"),
    BookingStatus.EXPIRED: _l("Teklifin süresi doldu"),
    BookingStatus.NO_SHOW: _l("Gelinmedi"),
}

ORGANIZATION_KIND_LABELS: dict[str, Any] = {
    OrganizationKind.ASSOCIATION: _l("Dernek"),
    OrganizationKind.FOUNDATION: _l("Vakıf"),
    OrganizationKind.COOPERATIVE: _l("Kooperatif"),
    OrganizationKind.PLATFORM: _l("Platform"),
    OrganizationKind.INITIATIVE: _l("Girişim"),
    OrganizationKind.PUBLIC_BODY: _l("Kamu kurumu"),
    OrganizationKind.OTHER: _l("Diğer"),
}

FEATURE_LABELS: dict[str, Any] = {
    "projector": _l("Projeksiyon"),
    "sound_system": _l("Ses sistemi"),
    "microphone": _l("Mikrofon"),
    "wheelchair_access": _l("Tekerlekli sandalye erişimi"),
    "kitchen": _l("Mutfak"),
    "whiteboard": _l("Yazı tahtası"),
    "video_conference": _l("Video konferans"),
    "wifi": _l("Kablosuz internet"),
    "air_conditioning": _l("Klima"),
    "stage": _l("Sahne"),
    "computers": _l("Bilgisayarlar"),
    "childcare_corner": _l("Çocuk oyun köşesi"),
}


# Shown before a feature's words (never alone: the words are what is read);
# symbols every common font has, not emoji, which some systems lack.
FEATURE_ICONS: dict[str, str] = {
    "projector": "▣", "sound_system": "♫", "microphone": "◉", "wheelchair_access": "♿",
    "kitchen": "☕", "whiteboard": "✎", "video_conference": "▶", "wifi": "≋",
    "air_conditioning": "❄", "stage": "★", "computers": "⌨", "childcare_corner": "☺",
}

# The accessibility attributes' words and icons are defined with their codes
# (booking/models/room_details.py); these are the same words as a mapping.
ACCESSIBILITY_LABELS: dict[str, Any] = {code: a.label for code, a in ACCESSIBILITY.items()}
ACCESSIBILITY_ICONS: dict[str, str] = {code: a.icon for code, a in ACCESSIBILITY.items()}


def label(mapping: dict[str, Any], code: Any) -> str:
    """The translated label of ``code``, or the code itself when it has none."""
    key = getattr(code, "value", code)
    return str(mapping.get(key, key))

# Choices of the forms, here so that pages and e-mails read the same words.
LANGUAGE_CHOICES = [("tr", "Türkçe"), ("en", "English")]
WEEKDAY_CHOICES = [
    ("MO", _l("Pazartesi")), ("TU", _l("Salı")), ("WE", _l("Çarşamba")),
    ("TH", _l("Perşembe")), ("FR", _l("Cuma")), ("SA", _l("Cumartesi")), ("SU", _l("Pazar")),
]
FREQUENCY_CHOICES = [
    ("", _l("Tekrarlanmaz")), ("daily", _l("Her gün")),
    ("weekly", _l("Her hafta")), ("monthly", _l("Her ay")),
]
ROLE_LABELS: dict[str, Any] = {Role.MEMBER: _l("Kuruluş üyesi"), Role.STAFF: _l("Merkez görevlisi"),
                                Role.ADMIN: _l("Yönetici")}
