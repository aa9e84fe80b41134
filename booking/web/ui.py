"""Template helpers for the HTML pages: translated labels, locale-aware dates
and numbers, and the language switcher's form."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, request
from flask_babel import format_date, format_decimal, format_time

from booking.forms import LANGUAGE_CHOICES, ROLE_LABELS, LanguageForm
from booking.i18n.labels import (
    CATEGORY_LABELS,
    FEATURE_LABELS,
    KIND_LABELS,
    ORGANIZATION_KIND_LABELS,
    STATUS_LABELS,
    label,
)
from booking.i18n.text import turkish_sorted
from booking.notifications.messages import when


def day_label(value: date, fmt: str = "full") -> str:
    return format_date(value, fmt)


def clock(value: datetime, tz: Any) -> str:
    """'14:00' in the given zone, for the current locale."""
    return format_time(value.astimezone(tz).replace(tzinfo=None), "short", rebase=False)


def by_turkish_name(items: Any, attribute: str = "name") -> list[Any]:
    """The ``turkish_sorted`` filter: centers, rooms… in Turkish alphabetical order."""
    return turkish_sorted(items, key=lambda item: getattr(item, attribute) or "")


def language_form() -> LanguageForm:
    form = LanguageForm(formdata=None)
    # After a POST the page's address may not answer a GET: go home instead.
    form.next.data = request.full_path.rstrip("?") if request.method == "GET" else "/"
    return form


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        status_label=lambda code: label(STATUS_LABELS, code),
        kind_label=lambda code: label(KIND_LABELS, code),
        category_label=lambda code: label(CATEGORY_LABELS, code),
        feature_label=lambda code: label(FEATURE_LABELS, code),
        org_kind_label=lambda code: label(ORGANIZATION_KIND_LABELS, code),
        role_label=lambda code: label(ROLE_LABELS, code),
        switcher_form=language_form,
        languages=LANGUAGE_CHOICES,
    )
    app.jinja_env.filters.update(
        booking_when=when, day_label=day_label, clock=clock,
        number=lambda value: format_decimal(value), turkish_sorted=by_turkish_name,
    )
