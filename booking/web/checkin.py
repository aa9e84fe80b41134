"""Check-in pages (SPEC §8): the button on a booking's page, the room's QR page
(/rooms/<id>/checkin), and the staff's list of today. Every button calls
services/checkin.check_in, as the API does."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from booking.extensions import db
from booking.forms import ConfirmForm, record_id
from booking.services import checkin
from booking.services.checkin_lists import State, current_row, room_today, staff_today
from booking.services.errors import NotFound
from booking.web.common import act, flash_form_errors, now, signed_in, staff_required
from booking.web.staff import managed_centers

bp = Blueprint("checkin", __name__)


def _check_in(booking_id: int, via: str) -> None:
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash_form_errors(form, gettext("Varış kaydedilmedi."))
        return
    act(lambda: checkin.check_in(db.session(), current_user, booking_id, now(), via=via),
        lambda booking: gettext("Varış kaydedildi: %(title)s.", title=booking.title))


@bp.post("/bookings/<int:booking_id>/checkin")
@signed_in
def booking_checkin(booking_id: int) -> Any:
    """The button on the booking's page."""
    _check_in(booking_id, "booking_page")
    return redirect(url_for("bookings.detail", booking_id=booking_id))


@bp.get("/rooms/<int:room_id>/checkin")
@signed_in
def room_page(room_id: int) -> str:
    """What the room's QR code opens: the signed-in member's booking in this
    room now, with the button, or why there is nothing to check in."""
    instant = now()
    try:
        room, rows = room_today(db.session(), current_user, room_id, instant)
    except NotFound:
        abort(404)
    return render_template("checkin/room.html", room=room, rows=rows,
                           current=current_row(rows), states=State, now=instant,
                           form=ConfirmForm())


@bp.post("/rooms/<int:room_id>/checkin")
@signed_in
def room_checkin(room_id: int) -> Any:
    booking_id = request.form.get("booking_id", type=record_id)
    if booking_id is None:
        abort(400)
    _check_in(booking_id, "room_qr")
    return redirect(url_for("checkin.room_page", room_id=room_id))


@bp.get("/staff/today")
@staff_required
def today() -> str:
    """Today's bookings of the staff member's centers, with their check-in state."""
    centers = managed_centers()
    chosen = request.args.get("center_id", type=record_id)
    shown = [c for c in centers if chosen in (None, c.id)]
    return render_template("checkin/today.html", days=staff_today(db.session(), current_user,
                                                                  now(), shown),
                           centers=centers, center_id=chosen, states=State, form=ConfirmForm())


@bp.post("/staff/today/<int:booking_id>/checkin")
@staff_required
def staff_checkin(booking_id: int) -> Any:
    _check_in(booking_id, "staff_today")
    center_id = request.args.get("center_id", type=record_id)
    return redirect(url_for("checkin.today", center_id=center_id) + f"#booking-{booking_id}")
