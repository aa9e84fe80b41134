"""General assemblies on the pages (SPEC §9): the request form's second date,
the booking page's part (both dates, the call text ready to copy, the
"quorum reached" button) and its two routes. The views call
services/general_assembly.py, as the API does."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user

from booking.extensions import db
from booking.forms import BookingForm, ConfirmForm
from booking.models import Booking, BookingStatus, GeneralAssembly, Room
from booking.services import general_assembly as svc
from booking.services.access import get_visible_booking, manages_center, owns
from booking.services.errors import NotFound
from booking.services.rules import wall_clock
from booking.web.common import act, flash_form_errors, now, signed_in

bp = Blueprint("general_assembly", __name__)

FIELD_ALIASES = {"second_start": "second_date", "second_end": "second_end_time"}


def second_date(form: BookingForm, room: Room) -> tuple[datetime | None, datetime | None]:
    """The second date's start and end the form names (its times default to the first's)."""
    day = form.second_date.data
    if day is None:
        return None, None
    start = form.second_start_time.data or form.start_time.data
    end = form.second_end_time.data or form.end_time.data
    if start is None or end is None:
        return None, None
    tz = room.center.tz
    return (wall_clock(day, start, tz, "second_start"), wall_clock(day, end, tz, "second_end"))


def flash_result(result: Any) -> None:
    """A requested assembly's answer: both dates, and what it was warned of."""
    flash(gettext("Genel kurulun iki tarihi birlikte kaydedildi."), "ok")
    for warning in result.warnings:
        flash(str(warning), "warning")


@dataclass
class AssemblyView:
    assembly: GeneralAssembly
    first: Booking
    second: Booking
    call_text: str
    may_record_quorum: bool


def assembly_view(booking: Booking, instant: datetime) -> AssemblyView | None:
    """The booking page's part for a date of a general assembly, else None."""
    assembly = svc.assembly_of(db.session(), booking)
    if assembly is None:
        return None
    first, second = assembly.first, assembly.second
    may = (owns(current_user, first) or manages_center(current_user, first.room.center_id)) \
        and assembly.quorum_reached_at is None and first.status == BookingStatus.APPROVED \
        and first.start_at <= instant < second.start_at
    return AssemblyView(assembly, first, second, svc.call_text(assembly).text, may)


def _visible(booking_id: int) -> Booking:
    try:
        return get_visible_booking(db.session(), current_user, booking_id)
    except NotFound:
        abort(404)


@bp.post("/bookings/<int:booking_id>/quorum-reached")
@signed_in
def quorum_reached(booking_id: int) -> Any:
    """Toplantı yeter sayısı sağlandı: the second date is cancelled."""
    booking = _visible(booking_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        act(lambda: svc.reach_quorum(db.session(), current_user, booking.id, now()),
            lambda _: gettext("Toplantı yeter sayısının sağlandığı kaydedildi; ikinci tarih "
                              "iptal edildi."))
    else:
        flash_form_errors(form, gettext("Kaydedilmedi."))
    return redirect(url_for("bookings.detail", booking_id=booking.id))


@bp.get("/bookings/<int:booking_id>/call.txt")
@signed_in
def call_text(booking_id: int) -> Response:
    """The call text as a plain-text file: to copy or keep without JavaScript."""
    assembly = svc.assembly_of(db.session(), _visible(booking_id))
    if assembly is None:
        abort(404)
    return Response(svc.call_text(assembly).text + "\n", mimetype="text/plain",
                    headers={"Content-Disposition": "inline; filename=genel-kurul-cagrisi.txt"})
