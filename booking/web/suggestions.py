"""One-step suggestions (SPEC §11 "Everyday paths"): a suggested free slot of
a conflict answer opens this confirm page with everything already typed, and
one button sends it.

The page reads a signed offer (booking/web/offers.py) and fills a BookingForm
with its fields; sending runs that form through the same checks, the same
room list (only rooms the person may book) and the same booking service as
the request form (``bookings.create_from_form``). Whatever else the POST
carries is ignored. A slot taken meanwhile answers with the conflict and fresh
suggestions; a rule that fails now is named above a link back to the form.
"""
from __future__ import annotations

from datetime import date, time
from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from booking.extensions import db
from booking.forms import BookingForm, ConfirmForm
from booking.i18n.labels import FREQUENCY_CHOICES
from booking.models import Organization, Room
from booking.services import bookings as booking_service
from booking.services.access import may_book
from booking.web.booking_links import suggestion_link
from booking.web.bookings import (
    INTERNAL,
    after_create,
    create_from_form,
    field_aliases,
    offers_for,
    prepare,
)
from booking.web.common import Submitted, signed_in, submit
from booking.web.offers import read_offer

bp = Blueprint("suggestions", __name__)

INVALID_OFFER = _l("Bu öneri geçersiz ya da süresi dolmuş; talep formunu yeniden doldurun.")


def _form(fields: MultiDict[str, str]) -> tuple[BookingForm, Room | None]:
    form = BookingForm(formdata=fields, meta={"csrf": False})
    return form, prepare(form)


def _problems(form: BookingForm, general: list[str], room: Room | None) -> list[str]:
    """Everything that stands in the way, as lines: the services' general
    messages, then each field's error named by its label."""
    lines = list(general)
    if room is None and not form.room_id.errors:
        lines.append(gettext("Bu salonu ayıramazsınız; talep formundan başka bir salon seçin."))
    for item in form:
        lines += [f"{item.label.text}: {message}" for message in item.errors]
    return lines


def _page(fields: MultiDict[str, str] | None, token: str, sent: bool) -> Any:
    """The confirm page for ``fields`` (None: an offer that did not verify);
    with ``sent``, the request is made and the person goes where the form
    would send them."""
    if fields is None:
        return render_template("bookings/confirm.html", invalid=str(INVALID_OFFER),
                               form=None, problems=[]), 400
    form, room = _form(fields)
    valid = form.validate() and room is not None
    outcome: Submitted[booking_service.CreateResult] = Submitted()
    if valid and sent and room is not None:
        outcome = submit(form, lambda: create_from_form(form, room), field_aliases())
        if outcome.done and outcome.result is not None:
            return after_create(outcome.result)
    problems = outcome.general if outcome.conflict else _problems(form, outcome.general, room)
    status = 409 if outcome.conflict else 422 if problems else 200
    return render_template(
        "bookings/confirm.html", invalid=None, form=form, room=room, token=token,
        problems=problems, conflict=outcome.conflict,
        offers=offers_for(form, room, outcome.conflict), on_confirm=True,
        facts=_facts(form, room) if room is not None else [],
        edit_link=suggestion_link(fields.to_dict(flat=False)), confirm_form=ConfirmForm(),
    ), status


def _facts(form: BookingForm, room: Room) -> list[tuple[str, Any]]:
    """What the page shows, label and value, in the form's words."""
    day, start, end = form.date.data, form.start_time.data, form.end_time.data
    facts: list[tuple[str, Any]] = [
        (str(form.room_id.label.text), f"{room.name}, {room.center.name}"),
        (str(form.date.label.text), format_date(day, "full") if isinstance(day, date) else ""),
        (str(form.start_time.label.text), start.strftime("%H:%M") if isinstance(start, time) else ""),
        (str(form.end_time.label.text), end.strftime("%H:%M") if isinstance(end, time) else ""),
        (str(form.title.label.text), form.title.data),
        (str(form.expected_attendees.label.text), form.expected_attendees.data),
    ]
    if current_user.is_staff:
        organization = (None if form.organization_id.data in (None, INTERNAL) else
                        _organization_name(form.organization_id.data))
        facts.append((str(form.organization_id.label.text),
                      organization or gettext("Kurum içi etkinlik (kuruluş yok)")))
    if form.freq.data:
        labels = dict(FREQUENCY_CHOICES)
        facts.append((str(form.freq.label.text), str(labels.get(form.freq.data, form.freq.data))))
    return facts


def _organization_name(organization_id: int) -> str | None:
    organization = db.session.get(Organization, organization_id)
    return organization.name if organization is not None else None


@bp.get("/bookings/confirm")
@signed_in
def confirm_page() -> Any:
    """What a suggestion would request, with one button to send it."""
    if not may_book(current_user):
        abort(404)
    token = request.args.get("offer", "")
    return _page(read_offer(token), token, sent=False)


@bp.post("/bookings/confirm")
@signed_in
def confirm() -> Any:
    """Send the offer (CSRF-checked): the same form checks and the same service
    as the request form; only the signed offer is read from the POST."""
    if not may_book(current_user):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token = request.form.get("offer", "")
    return _page(read_offer(token), token, sent=True)
