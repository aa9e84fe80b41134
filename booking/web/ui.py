"""Template helpers for the HTML pages: translated labels, locale-aware dates
and numbers, and the language switcher's form."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, current_app, g, request
from flask_babel import format_date, format_decimal
from flask_login import current_user

from booking.extensions import db
from booking.forms import LanguageForm
from booking.i18n.dates import heading_day, list_clock, list_day
from booking.i18n.floors import floor_label
from booking.i18n.labels import (
    ACCESSIBILITY_ICONS,
    ACCESSIBILITY_LABELS,
    CATEGORY_LABELS,
    FEATURE_ICONS,
    FEATURE_LABELS,
    KIND_LABELS,
    LANGUAGE_CHOICES,
    ORGANIZATION_KIND_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    label,
)
from booking.i18n.text import turkish_casefold, turkish_sorted
from booking.notifications.messages import when, when_listed
from booking.services import verification
from booking.services.closures import closure_reason, leave_reason
from booking.web.photos import photo_url


def day_label(value: date, fmt: str = "full") -> str:
    """A day in a Babel format; pages use the named styles of
    ``booking.i18n.dates`` (``day_heading``, ``day_listed``) instead."""
    return format_date(value, fmt)


def clock(value: datetime, tz: Any) -> str:
    """'14:00' in the given zone, for the current locale."""
    return list_clock(value, tz)


def by_turkish_name(items: Any, attribute: str = "name") -> list[Any]:
    """The ``turkish_sorted`` filter: centers, rooms… in Turkish alphabetical order."""
    return turkish_sorted(items, key=lambda item: getattr(item, attribute) or "")


def awaiting_verification() -> int:
    """Organisations awaiting verification, for the staff's and admins' menu:
    one COUNT per request, asked only when the menu shows it (0 for others)."""
    if not (current_user.is_authenticated and current_user.is_staff):
        return 0
    if "awaiting_verification" not in g:
        g.awaiting_verification = verification.awaiting_count(db.session())
    return int(g.awaiting_verification)


def language_form() -> LanguageForm:
    form = LanguageForm(formdata=None)
    # After a POST the page's address may not answer a GET: go home instead.
    form.next.data = request.full_path.rstrip("?") if request.method == "GET" else "/"
    return form


def place_line(address: str | None, district: str | None, postal_code: str | None = None) -> str:
    """A center's address with its postal code and district, the district only
    once: an address that already names it ("…, Bayraklı") is not followed by
    it again."""
    address, district = (address or "").strip(), (district or "").strip()
    postal_code = (postal_code or "").strip()
    if district and turkish_casefold(district) in turkish_casefold(address):
        district = ""
    tail = " ".join(part for part in (postal_code, district) if part)
    return " · ".join(part for part in (address, tail) if part)


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        status_label=lambda code: label(STATUS_LABELS, code),
        kind_label=lambda code: label(KIND_LABELS, code),
        category_label=lambda code: label(CATEGORY_LABELS, code),
        feature_label=lambda code: label(FEATURE_LABELS, code),
        feature_icon=lambda code: FEATURE_ICONS.get(code, "•"),
        accessibility_label=lambda code: label(ACCESSIBILITY_LABELS, code),
        accessibility_icon=lambda code: ACCESSIBILITY_ICONS.get(code, "•"),
        floor_label=floor_label,
        photo_url=photo_url,
        photo_max_mb=lambda: f"{int(current_app.config['ROOM_PHOTO_MAX_BYTES']) / 2**20:g}",
        org_kind_label=lambda code: label(ORGANIZATION_KIND_LABELS, code),
        role_label=lambda code: label(ROLE_LABELS, code),
        closure_reason=closure_reason,
        leave_reason=leave_reason,
        switcher_form=language_form,
        awaiting_verification=awaiting_verification,
        languages=LANGUAGE_CHOICES,
    )
    app.jinja_env.filters.update(
        booking_when=when, booking_when_listed=when_listed, day_label=day_label, clock=clock,
        day_heading=heading_day, day_listed=list_day,
        number=lambda value: format_decimal(value), turkish_sorted=by_turkish_name,
        place_line=lambda center: place_line(center.address, center.district,
                                            center.postal_code),
    )
