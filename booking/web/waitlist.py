"""The waitlist pages (SPEC §8): "My waitlist" with the open offers (accept,
decline) and the entries (leave), and the join form that the conflict answer
of the request form and the taken blocks of a room's week lead to.

Every button is a signed-in POST with the form's CSRF token; the offer e-mail
links to this page (docs/fairness.md says why not a signed link). The views
call services/waitlist.py, as the API does.
"""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from booking.extensions import db
from booking.forms import ConfirmForm, WaitlistForm, validated
from booking.models import Role, Room
from booking.services import waitlist as svc
from booking.services.access import visible_room
from booking.services.errors import NotFound
from booking.services.rules import wall_clock
from booking.web.common import Submitted, act, now, signed_in, submit

bp = Blueprint("waitlist", __name__)

FIELD_ALIASES = {"start": "start_time", "end": "end_time", "room_id": "", "organization_id": ""}


def _room(room_id: int | None) -> Room:
    if room_id is None:
        abort(404)
    try:
        return visible_room(db.session(), current_user, room_id)
    except NotFound:
        abort(404)


def _parsed(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _prefill(form: WaitlistForm) -> None:
    """The interval a link names (``room_id``, ``start`` and ``end`` as local
    ISO date-times, ``title``, ``attendees``); anything unreadable is left empty."""
    form.room_id.data = request.args.get("room_id", type=int)
    start = _parsed(request.args.get("start"))
    end = _parsed(request.args.get("end"))
    if start is not None:
        form.date.data, form.start_time.data = start.date(), start.time().replace(tzinfo=None)
    if end is not None:
        form.end_time.data = end.time().replace(tzinfo=None)
    form.title.data = (request.args.get("title") or "")[:200]
    form.expected_attendees.data = request.args.get("attendees", type=int)


def _join(form: WaitlistForm, room: Room) -> Any:
    day: date = validated(form.date.data)
    start_time: time = validated(form.start_time.data)
    end_time: time = validated(form.end_time.data)
    tz = room.center.tz
    join_request = svc.WaitlistRequest(
        room_id=room.id, title=validated(form.title.data),
        start=wall_clock(day, start_time, tz, "start"), end=wall_clock(day, end_time, tz, "end"),
        expected_attendees=validated(form.expected_attendees.data))
    return svc.join(db.session(), current_user, join_request, now())


@bp.route("/waitlist/join", methods=["GET", "POST"])
@signed_in
def join() -> Any:
    """Wait for a taken interval: a form filled from the link or the conflict
    answer; a sent form that keeps the rules puts the organisation in the queue."""
    if current_user.role != Role.MEMBER:
        abort(404)
    form = WaitlistForm()
    if request.method == "GET":
        _prefill(form)
    room = _room(form.room_id.data)
    outcome: Submitted[Any] = Submitted()
    if form.validate_on_submit():
        outcome = submit(form, lambda: _join(form, room), FIELD_ALIASES)
        if outcome.done:
            flash(gettext("Sıraya girdiniz. Bu saat boşalırsa size e-postayla haber verilir."),
                  "ok")
            return redirect(url_for("waitlist.mine"))
    elif request.method == "POST":
        outcome.general = [gettext("Aşağıda işaretli alanları düzeltin.")]
    status = 422 if request.method == "POST" else 200
    return render_template("waitlist/join.html", form=form, room=room,
                           general=outcome.general), status


@bp.get("/waitlist")
@signed_in
def mine() -> str:
    """Members: their organisation's open offers and entries; staff: their
    centers' entries; admins: all."""
    instant = now()
    return render_template(
        "waitlist/mine.html",
        offers=svc.offers_of(db.session(), current_user, instant),
        entries=svc.list_entries(db.session(), current_user, instant),
        form=ConfirmForm(),
    )


def _confirmed() -> bool:
    return ConfirmForm().validate_on_submit()


@bp.post("/waitlist/<int:entry_id>/leave")
@signed_in
def leave(entry_id: int) -> Any:
    if _confirmed():
        act(lambda: svc.leave(db.session(), current_user, entry_id, now()),
            lambda _entry: gettext("Bekleme listesinden çıkıldı."))
    return redirect(url_for("waitlist.mine"))


@bp.post("/bookings/<int:booking_id>/accept")
@signed_in
def accept(booking_id: int) -> Any:
    if _confirmed():
        done = act(lambda: svc.accept_offer(db.session(), current_user, booking_id, now()),
                   lambda booking: gettext("Teklifi kabul ettiniz; talebiniz onay bekliyor.")
                   if booking.status.value == "pending"
                   else gettext("Teklifi kabul ettiniz; rezervasyon onaylandı."))
        if done:
            return redirect(url_for("bookings.detail", booking_id=booking_id))
    return redirect(url_for("waitlist.mine"))


@bp.post("/bookings/<int:booking_id>/decline")
@signed_in
def decline(booking_id: int) -> Any:
    if _confirmed():
        act(lambda: svc.decline_offer(db.session(), current_user, booking_id, now()),
            lambda _booking: gettext("Teklifi geri çevirdiniz; saat sırada bekleyen varsa ona sunulur."))
    return redirect(url_for("waitlist.mine"))
