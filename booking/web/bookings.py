"""Requesting rooms and managing an organisation's bookings.

Members request for their organisation; staff and admins book directly for any
organisation (or an internal event). A conflict shows what collides and the
suggested free slots, each a button to a confirm page that sends it in one
step (booking/web/suggestions.py) and a link that fills this form again.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from booking.extensions import db
from booking.forms import (
    BookingForm,
    ChangeBookingForm,
    ReasonForm,
    choices,
    validated,
)
from booking.i18n.dates import list_day
from booking.i18n.text import turkish_sorted
from booking.models import AuditEntry, Booking, BookingSeries, BookingStatus, Organization, Role, Room
from booking.services import bookings as booking_service
from booking.services import quotas, verification_records
from booking.services import series as series_service
from booking.services.access import (
    bookable_rooms,
    get_visible_booking,
    is_changeable,
    manages_center,
    may_book,
    may_change,
    scope_bookings,
)
from booking.services.booking_services import items_of
from booking.services.conflicts import blocks_meet
from booking.services.errors import (
    BookingConflict,
    ConflictKind,
    DomainError,
    NotFound,
)
from booking.services.recurrence import Recurrence, expand
from booking.services.rules import wall_clock
from booking.web import general_assembly as assembly_pages
from booking.web import service_fields
from booking.web.booking_history import describe_changes
from booking.web.booking_links import (
    change_link,
    prefill_change,
    prefill_new,
    suggestion_link,
    suggestion_params,
)
from booking.web.checkin_view import checkin_view
from booking.web.common import Submitted, act, flash_form_errors, now, signed_in, submit
from booking.web.offers import Offer, make_offer
from booking.web.room_picker import room_choices

bp = Blueprint("bookings", __name__)

FIELD_ALIASES = {
    "start": "start_time", "end": "end_time",
    "recurrence": "freq", "recurrence.freq": "freq", "recurrence.interval": "interval",
    "recurrence.count": "count", "recurrence.until": "until",
    "recurrence.byweekday": "byweekday",
    **assembly_pages.FIELD_ALIASES,
}
INTERNAL = 0  # the organisation choice "none": an internal booking by staff
LIST_LIMIT = 100  # rows per list on the bookings page


def organization_choices() -> list[tuple[int, str]]:
    organizations = turkish_sorted(
        db.session.scalars(select(Organization).where(Organization.is_verified.is_(True))),
        key=lambda o: o.name)
    return [(INTERNAL, gettext("Kurum içi etkinlik (kuruluş yok)"))] + [
        (o.id, o.name) for o in organizations]


def _local(day: date, clock: time, room: Room, field: str) -> datetime:
    return wall_clock(day, clock, room.center.tz, field)


def _conflicting_occurrence(form: BookingForm, room: Room, conflict: BookingConflict) -> date | None:
    """The local date of the first occurrence of the requested series that
    collides (the one the suggestions are for); None for a single booking."""
    recurrence = _recurrence(form)
    if recurrence is None:
        return None
    tz = room.center.tz
    try:
        day = validated(form.date.data)
        occurrences = expand(recurrence, _local(day, validated(form.start_time.data), room, "start"),
                             _local(day, validated(form.end_time.data), room, "end"), tz)
    except DomainError:
        return None
    pad = timedelta(minutes=room.buffer_minutes)
    for start, end in occurrences:
        if any(blocks_meet(start, end + pad, c.start, c.end + pad) for c in conflict.conflicts):
            return start.astimezone(tz).date()
    return None


def _recurrence(form: BookingForm) -> Recurrence | None:
    if not form.freq.data:
        return None
    return Recurrence(
        freq=form.freq.data, interval=form.interval.data or 1, count=form.count.data,
        until=form.until.data if form.count.data is None else None,
        byweekday=list(form.byweekday.data or []) if form.freq.data == "weekly" else [],
    )


@bp.route("/bookings/new", methods=["GET", "POST"])
@signed_in
def new() -> str | Any:
    """The request form (members) or the direct booking form (staff, admins)."""
    if not may_book(current_user):
        abort(404)
    form = BookingForm()
    room = prepare(form, prefill=request.method == "GET")
    outcome: Submitted[booking_service.CreateResult] = Submitted()
    if form.validate_on_submit():
        if room is None:
            form.room_id.errors = [gettext("Bir salon seçin.")]
        else:
            outcome = submit(form, lambda: create_from_form(form, room), field_aliases())
            if outcome.done and outcome.result is not None:
                return after_create(outcome.result)
    general = outcome.general or _fix_below(form)
    unverified = (current_user.role == Role.MEMBER and current_user.organization is not None
                  and not current_user.organization.is_verified)
    return render_template("bookings/new.html", form=form, general=general,
                           conflict=outcome.conflict,
                           offers=offers_for(form, room, outcome.conflict),
                           waitlist_join=waitlist_fields(form, room, outcome.conflict),
                           room=room, unverified=unverified,
                           services=service_fields.offered(), services_posted=service_fields.posted()
                           ), _status()


def prepare(form: BookingForm, prefill: bool = False) -> Room | None:
    """Give the form its choices (only the rooms the person may book, grouped
    by center; staff also choose the organisation) and, with ``prefill``, the
    values of the link that opened it; return the chosen room if it is one of
    those (a room named by a link that the person may not book is not chosen)."""
    rooms = bookable_rooms(db.session(), current_user)
    form.room_id.choices = room_choices(rooms, current_user)
    form.organization_id.choices = choices(organization_choices()) if current_user.is_staff else []
    if prefill:
        prefill_new(form)
    room = next((r for r in rooms if r.id == form.room_id.data), None)
    if room is None and prefill:
        form.room_id.data = None
    return room


def field_aliases() -> dict[str, str]:
    aliases = dict(FIELD_ALIASES)
    if current_user.is_staff:
        aliases["quota"] = "quota_reason"  # past a quota: staff may give a reason there
    else:
        # Members have no organisation or quota reason field: those errors go above the form.
        aliases["organization_id"] = ""
        aliases["quota"] = ""
    return aliases


def _fix_below(form: FlaskForm) -> list[str]:
    """A form sent with errors on its fields says so above it too."""
    if request.method == "POST" and form.errors:
        return [gettext("Aşağıda işaretli alanları düzeltin.")]
    return []


def _status() -> int:
    return 422 if request.method == "POST" else 200


def offers_for(form: BookingForm, room: Room | None, conflict: BookingConflict | None
               ) -> list[Offer]:
    """Each suggested free slot of a conflict with the signed offer its button
    confirms in one step and the link that fills the form with it."""
    if conflict is None or room is None:
        return []
    anchor = _conflicting_occurrence(form, room, conflict)
    offers = []
    for slot in conflict.suggestions:
        params = suggestion_params(form, slot.room_id, slot.start, slot.end, room.center.tz, anchor)
        offers.append(Offer(db.session.get(Room, slot.room_id), slot, suggestion_link(params),
                            make_offer(params)))
    return offers


def waitlist_fields(form: BookingForm, room: Room | None,
                    conflict: BookingConflict | None) -> dict[str, Any] | None:
    """The hidden fields of the conflict answer's "join the waitlist" button:
    for a member's single request that met a booking (a closure will not free
    up, and a series waits date by date through the join page)."""
    if (conflict is None or room is None or current_user.role != Role.MEMBER or form.freq.data
            or not any(c.kind == ConflictKind.BOOKING for c in conflict.conflicts)):
        return None
    return {"room_id": room.id, "title": form.title.data or "",
            "date": validated(form.date.data).isoformat(),
            "start_time": validated(form.start_time.data).strftime("%H:%M"),
            "end_time": validated(form.end_time.data).strftime("%H:%M"),
            "expected_attendees": form.expected_attendees.data or 1}


def create_from_form(form: BookingForm, room: Room) -> booking_service.CreateResult:
    """The request (or staff's direct booking) a validated form describes,
    through the one booking service (the confirm page calls this too)."""
    organization_id = None
    if current_user.is_staff and form.organization_id.data:
        organization_id = form.organization_id.data
    req = booking_service.BookingRequest(
        room_id=room.id, title=validated(form.title.data), description=form.description.data,
        start=_local(validated(form.date.data), validated(form.start_time.data), room, "start"),
        end=_local(validated(form.date.data), validated(form.end_time.data), room, "end"),
        expected_attendees=validated(form.expected_attendees.data), kind=form.kind.data,
        category=form.category.data, is_public=form.is_public.data,
        organization_id=organization_id, recurrence=_recurrence(form),
        skip_conflicts=bool(form.skip_conflicts.data),
        quota_reason=form.quota_reason.data if current_user.is_staff else None,
        services=service_fields.requested(),
    )
    req.second_start, req.second_end = assembly_pages.second_date(form, room)
    return booking_service.create_booking(db.session(), current_user, req, now())


def after_create(result: booking_service.CreateResult) -> Any:
    first = result.bookings[0]
    if result.assembly is not None:
        assembly_pages.flash_result(result)
        return redirect(url_for("bookings.detail", booking_id=first.id))
    if first.status == BookingStatus.APPROVED:
        message = ngettext("Rezervasyon onaylandı.", "%(num)d rezervasyon onaylandı.",
                           len(result.bookings))
    else:
        message = ngettext("Talebiniz alındı; merkez görevlilerinin onayını bekliyor.",
                           "%(num)d tarih için talebiniz alındı; onay bekliyor.",
                           len(result.bookings))
    flash(message, "ok")
    if result.skipped:
        tz = first.room.center.tz
        dates = ", ".join(list_day(item.start.astimezone(tz).date()) for item in result.skipped)
        flash(ngettext("Çakışan %(num)d tarih atlandı: %(dates)s.",
                       "Çakışan %(num)d tarih atlandı: %(dates)s.",
                       len(result.skipped), dates=dates), "warning")
    if result.series is not None:
        return redirect(url_for("bookings.mine"))
    return redirect(url_for("bookings.detail", booking_id=first.id))


@bp.get("/bookings")
@signed_in
def mine() -> str:
    """The organisation's bookings (staff: their centers'), pending, upcoming,
    turned down and past; long lists are cut to the nearest ones."""
    instant = now()
    base = scope_bookings(select(Booking), current_user).options(
        selectinload(Booking.room).selectinload(Room.center))

    def rows(*conditions: Any, newest_first: bool = False) -> list[Booking]:
        order = Booking.start_at.desc() if newest_first else Booking.start_at
        return list(db.session.scalars(base.where(*conditions).order_by(order, Booking.id)
                                       .limit(LIST_LIMIT)))

    future = Booking.end_at > instant
    return render_template(
        "bookings/mine.html",
        pending=rows(future, Booking.status == BookingStatus.PENDING),
        upcoming=rows(future, Booking.status == BookingStatus.APPROVED),
        closed=rows(future, Booking.status.in_([BookingStatus.REJECTED,
                                                BookingStatus.CANCELLED])),
        past=rows(Booking.end_at <= instant, newest_first=True),
        limit=LIST_LIMIT,
        quota_use=quotas.organization_usage(db.session(), current_user, instant),
        verification_ends=verification_records.ends_soon(current_user.organization, instant),
    )


def _visible(booking_id: int) -> Booking:
    try:
        return get_visible_booking(db.session(), current_user, booking_id)
    except NotFound:
        abort(404)


@bp.get("/bookings/<int:booking_id>")
@signed_in
def detail(booking_id: int) -> str:
    booking = _visible(booking_id)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.booking_id == booking.id)
                                 .order_by(AuditEntry.at, AuditEntry.id)).all()
    tz = booking.room.center.tz
    history = [(entry, describe_changes(entry.details, tz)) for entry in entries]
    return render_template("bookings/detail.html", booking=booking, history=history,
                           changeable=is_changeable(booking, now())
                           and may_change(current_user, booking), cancel_form=ReasonForm(),
                           is_staff=manages_center(current_user, booking.room.center_id),
                           checkin=checkin_view(booking, now()),
                           service_items=items_of(db.session(), booking, live=False),
                           assembly=assembly_pages.assembly_view(booking, now()))


@bp.route("/bookings/<int:booking_id>/edit", methods=["GET", "POST"])
@signed_in
def edit(booking_id: int) -> Any:
    booking = _visible(booking_id)
    if not is_changeable(booking, now()):
        flash(gettext("Bu rezervasyon artık değiştirilemez."), "error")
        return redirect(url_for("bookings.detail", booking_id=booking.id))
    tz = booking.room.center.tz
    form = ChangeBookingForm(obj=booking)
    if request.method == "GET":
        form.date.data = booking.start_at.astimezone(tz).date()
        form.start_time.data = booking.start_at.astimezone(tz).time()
        form.end_time.data = booking.end_at.astimezone(tz).time()
        form.kind.data, form.category.data = booking.kind.value, booking.category.value
        prefill_change(form)
    outcome: Submitted[Booking] = Submitted()
    if form.validate_on_submit():
        outcome = submit(form, lambda: _change(form, booking), field_aliases())
        if outcome.done and outcome.result is not None:
            flash(gettext("Değişiklik kaydedildi; rezervasyon yeniden onay bekliyor.")
                  if outcome.result.status == BookingStatus.PENDING
                  else gettext("Değişiklik kaydedildi."), "ok")
            return redirect(url_for("bookings.detail", booking_id=booking.id))
        booking = _visible(booking_id)
    conflict = outcome.conflict
    suggestions = [(s, change_link(form, booking.id, s.start, s.end, tz))
                   for s in (conflict.suggestions if conflict else []) if s.room_id == booking.room_id]
    return render_template("bookings/edit.html", form=form, booking=booking,
                           general=outcome.general, suggestions=suggestions), _status()


def _change(form: ChangeBookingForm, booking: Booking) -> Booking:
    day = validated(form.date.data)
    changes = booking_service.BookingChanges(
        title=form.title.data, description=form.description.data or "",
        kind=form.kind.data, category=form.category.data, is_public=form.is_public.data,
        expected_attendees=form.expected_attendees.data,
        start=_local(day, validated(form.start_time.data), booking.room, "start"),
        end=_local(day, validated(form.end_time.data), booking.room, "end"),
        quota_reason=form.quota_reason.data if current_user.is_staff else None,
    )
    return booking_service.change_booking(db.session(), current_user, booking.id, changes, now())


@bp.post("/bookings/<int:booking_id>/cancel")
@signed_in
def cancel(booking_id: int) -> Any:
    booking = _visible(booking_id)
    form = ReasonForm()
    if form.validate_on_submit():
        act(lambda: booking_service.cancel_booking(db.session(), current_user, booking.id,
                                                   form.reason.data, now()),
            lambda _: gettext("Rezervasyon iptal edildi."))
    else:
        flash_form_errors(form, gettext("İptal edilmedi."))
    return redirect(url_for("bookings.detail", booking_id=booking.id))


@bp.post("/series/<int:series_id>/cancel")
@signed_in
def cancel_series(series_id: int) -> Any:
    series = db.session.get(BookingSeries, series_id)
    if series is None or not series.bookings:
        abort(404)
    _visible(series.bookings[0].id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash_form_errors(form, gettext("İptal edilmedi."))
    else:
        act(lambda: series_service.cancel_series(db.session(), current_user, series.id,
                                                  form.reason.data, now()),
            lambda cancelled: ngettext("%(num)d tarih iptal edildi.", "%(num)d tarih iptal edildi.",
                                       len(cancelled)))
    return redirect(url_for("bookings.mine"))
