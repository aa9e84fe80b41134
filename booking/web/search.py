"""The one search's form and answer (SPEC §11), shared by the home page and
``/ara``: the form's choices, the service call, and each result's request link."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from booking.extensions import db
from booking.forms import SearchForm, choices
from booking.i18n.text import turkish_casefold, turkish_sorted
from booking.services.access import manages_center, may_book, visible_centers
from booking.services.errors import RuleViolation
from booking.services.search import SearchHit, SearchQuery, find_free_rooms
from booking.web.common import apply_errors, now

# The service's fields as the form names them.
ALIASES = {"attendees": "attendees", "start": "start_time", "end": "end_time",
           "day": "date", "minutes": "minutes", "features": "features",
           "accessibility": "accessibility"}


@dataclass
class Answer:
    """What a sent search found: its hits, or messages for the top of the form."""

    sent: bool = False
    hits: list[SearchHit] = field(default_factory=list)
    general: list[str] = field(default_factory=list)


def _sent() -> bool:
    """A search was sent: the query string names a date (other parameters, such
    as a language switch's, leave the empty form)."""
    return "date" in request.args


def search_form(read: bool = True) -> SearchForm:
    """The form, read from the query string when a search was sent (and
    ``read``), with the active centers and their districts as choices."""
    form = SearchForm(formdata=request.args if read and _sent() else None)
    centers = turkish_sorted(
        db.session.scalars(visible_centers(None)), key=lambda c: c.name)  # the public list
    form.center_id.choices = choices([(0, _l("Tüm merkezler"))] + [(c.id, c.name) for c in centers])
    districts: dict[str, str] = {}
    for center in centers:
        if center.district and center.district.strip():
            districts.setdefault(turkish_casefold(center.district.strip()), center.district.strip())
    form.district.choices = choices(
        [("", _l("Tüm ilçeler"))]
        + [(name, name) for name in turkish_sorted(districts.values(), key=lambda d: d)])
    if form.date.data is None and not (read and _sent()):
        tz = centers[0].tz if centers else ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])
        form.date.data = now().astimezone(tz).date()
    return form


def run_search(form: SearchForm) -> Answer:
    """The hits of a sent, valid form; a broken rule lands on its field."""
    if not _sent():
        return Answer()
    if not form.validate():
        return Answer(sent=True)
    day = form.date.data
    assert day is not None
    values: dict[str, Any] = {
        "attendees": form.attendees.data, "features": tuple(form.features.data or ()),
        "accessibility": tuple(form.accessibility.data or ()),
        "center_id": form.center_id.data or None, "district": form.district.data or None,
    }
    if form.any_time.data:
        values.update(day=day, minutes=form.minutes.data)
    else:
        assert form.start_time.data is not None and form.end_time.data is not None
        values.update(start=datetime.combine(day, form.start_time.data),
                      end=datetime.combine(day, form.end_time.data))
    actor = current_user if current_user.is_authenticated else None
    try:
        hits = find_free_rooms(db.session(), actor, SearchQuery(**values), now())
    except RuleViolation as exc:
        return Answer(sent=True, general=apply_errors(form, exc.errors, ALIASES))
    return Answer(sent=True, hits=hits)


def request_link(hit: SearchHit, start: datetime, end: datetime, attendees: int) -> str | None:
    """The request form prefilled with this room, day, times and attendees;
    for an anonymous visitor the sign-in page that leads there. None when the
    visitor may not book the room (staff of another center, an account
    without an organisation)."""
    tz = hit.room.center.tz
    params = {
        "room_id": hit.room.id, "date": start.astimezone(tz).date().isoformat(),
        "start_time": start.astimezone(tz).strftime("%H:%M"),
        "end_time": end.astimezone(tz).strftime("%H:%M"), "expected_attendees": attendees,
    }
    link = url_for("bookings.new") + "?" + urlencode(params)
    if not current_user.is_authenticated:
        return url_for("auth.login", next=link)
    if not may_book(current_user):
        return None
    if current_user.is_staff and not manages_center(current_user, hit.room.center_id):
        return None
    return link
