"""Requesting rooms and managing an organisation's bookings.

Members request for their organisation; staff and admins book directly for any
organisation (or an internal event). A conflict shows what collides and the
suggested free slots, each a link that fills this form again.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal, gettext, ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from booking.database import run_in_transaction
from booking.extensions import db
from booking.forms import (
    FREQUENCY_CHOICES,
    WEEKDAY_CHOICES,
    BookingForm,
    ChangeBookingForm,
    ReasonForm,
    choices,
    validated,
)
from booking.i18n import local_time
from booking.i18n.text import turkish_sort_key, turkish_sorted
from booking.models import AuditEntry, Booking, BookingSeries, BookingStatus, Center, Organization, Role, Room
from booking.services import bookings as booking_service
from booking.services import series as series_service
from booking.services.access import get_visible_booking, manages_center, scope_bookings
from booking.services.errors import (
    BookingConflict,
    DomainError,
    InvalidTransition,
    NotAllowed,
    NotFound,
    RuleViolation,
)
from booking.services.recurrence import Recurrence, expand
from booking.services.rules import wall_clock
from booking.web.common import act, apply_errors, flash_form_errors, now, signed_in
from booking.web.ui import clock

bp = Blueprint("bookings", __name__)

FIELD_ALIASES = {
    "start": "start_time", "end": "end_time",
    "recurrence": "freq", "recurrence.freq": "freq", "recurrence.interval": "interval",
    "recurrence.count": "count", "recurrence.until": "until",
    "recurrence.byweekday": "byweekday",
}
INTERNAL = 0  # the organisation choice "none": an internal booking by staff
LIST_LIMIT = 100  # rows per list on the bookings page


def _may_book(user: Any) -> bool:
    return user.role == Role.MEMBER or user.is_staff


def bookable_rooms(user: Any) -> list[Room]:
    """Active rooms the user may book: every room for members and admins, the
    rooms of their centers for staff."""
    query = (select(Room).join(Room.center)
             .where(Room.is_active.is_(True), Center.is_active.is_(True)))
    if user.role == Role.STAFF:
        query = query.where(Room.center_id.in_(user.center_ids or [-1]))
    return sorted(db.session.scalars(query),
                  key=lambda r: (turkish_sort_key(r.center.name), turkish_sort_key(r.name)))


def _room_choices(rooms: list[Room]) -> list[tuple[int, str]]:
    return [(room.id, gettext("%(center)s — %(room)s (%(n)d kişi)", center=room.center.name,
                              room=room.name, n=room.capacity)) for room in rooms]


def _organization_choices() -> list[tuple[int, str]]:
    organizations = turkish_sorted(
        db.session.scalars(select(Organization).where(Organization.is_verified.is_(True))),
        key=lambda o: o.name)
    return [(INTERNAL, gettext("Kurum içi etkinlik (kuruluş yok)"))] + [
        (o.id, o.name) for o in organizations]


def _local(day: date, clock: time, room: Room, field: str) -> datetime:
    return wall_clock(day, clock, room.center.tz, field)


def _prefill_when(form: BookingForm | ChangeBookingForm, args: Any) -> None:
    """The day and times a link carries (a malformed one is left out)."""
    for name, parse in (("date", date.fromisoformat), ("start_time", time.fromisoformat),
                        ("end_time", time.fromisoformat)):
        try:
            if args.get(name):
                getattr(form, name).data = parse(args[name])
        except ValueError:
            pass


def _prefill(form: BookingForm) -> None:
    """Fill a new form from the query string (the week grid and suggestions link here)."""
    args = request.args
    for name in ("room_id", "expected_attendees"):
        if args.get(name, "").isdigit():
            getattr(form, name).data = int(args[name])
    if args.get("organization_id", "").isdigit():
        form.organization_id.data = int(args["organization_id"])
    _prefill_when(form, args)
    for name in ("title", "description", "kind", "category"):
        if args.get(name):
            getattr(form, name).data = args[name]
    if args.get("is_public") == "1":
        form.is_public.data = True
    # A suggestion for a series keeps the series (freq, interval, count or until, days).
    if args.get("freq") in {value for value, _ in FREQUENCY_CHOICES if value}:
        form.freq.data = args["freq"]
        for name in ("interval", "count"):
            if args.get(name, "").isdigit():
                getattr(form, name).data = int(args[name])
        try:
            if args.get("until"):
                form.until.data = date.fromisoformat(args["until"])
        except ValueError:
            pass
        days = {value for value, _ in WEEKDAY_CHOICES}
        form.byweekday.data = [d for d in args.getlist("byweekday") if d in days]
        if args.get("skip_conflicts") == "1":
            form.skip_conflicts.data = True


def suggestion_link(form: BookingForm, room_id: int, start: datetime, end: datetime,
                    tz: Any, anchor: date | None = None) -> str:
    """The request form again, with the suggested room and times filled in.

    For a series the link keeps the repetition; the suggestion is for the
    occurrence that conflicted (on ``anchor``), so the series' first date moves
    by as many days as the suggestion moves that occurrence."""
    day = start.astimezone(tz).date()
    if form.freq.data and anchor is not None and form.date.data is not None:
        day = form.date.data + (day - anchor)
    params: dict[str, Any] = {
        "room_id": room_id, "date": day.isoformat(),
        "start_time": start.astimezone(tz).strftime("%H:%M"),
        "end_time": end.astimezone(tz).strftime("%H:%M"),
        "title": form.title.data or "", "expected_attendees": form.expected_attendees.data or "",
        "kind": form.kind.data or "", "category": form.category.data or "",
        "description": form.description.data or "",
    }
    if form.is_public.data:
        params["is_public"] = "1"
    if current_user.is_staff and form.organization_id.data:
        params["organization_id"] = form.organization_id.data
    if form.freq.data:
        params["freq"] = form.freq.data
        params["interval"] = form.interval.data or 1
        if form.count.data is not None:
            params["count"] = form.count.data
        elif form.until.data is not None:
            params["until"] = form.until.data.isoformat()
        if form.freq.data == "weekly":
            params["byweekday"] = list(form.byweekday.data or [])
        if form.skip_conflicts.data:
            params["skip_conflicts"] = "1"
    return url_for("bookings.new") + "?" + urlencode(params, doseq=True)


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
        if any(c.start < end + pad and c.end + pad > start for c in conflict.conflicts):
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
    if not _may_book(current_user):
        abort(404)
    rooms = bookable_rooms(current_user)
    form = BookingForm()
    form.room_id.choices = choices(_room_choices(rooms))
    form.organization_id.choices = choices(_organization_choices()) if current_user.is_staff else []
    if request.method == "GET":
        _prefill(form)
    general: list[str] = []
    conflict: BookingConflict | None = None
    links: list[tuple[Room | None, Any, str]] = []
    room = db.session.get(Room, form.room_id.data) if form.room_id.data else None
    if form.validate_on_submit():
        if room is None or room not in rooms:
            form.room_id.errors = [gettext("Bir salon seçin.")]
        else:
            try:
                result = run_in_transaction(db.session(), lambda: _create(form, room))
            except RuleViolation as exc:
                aliases = dict(FIELD_ALIASES)
                if not current_user.is_staff:
                    # Members have no organisation field: its errors go above the form.
                    aliases["organization_id"] = ""
                general = apply_errors(form, exc.errors, aliases)
            except BookingConflict as exc:
                conflict = exc
                general = [str(exc.message)]
                anchor = _conflicting_occurrence(form, room, exc)
                for s in exc.suggestions:
                    other = db.session.get(Room, s.room_id)
                    links.append((other, s, suggestion_link(form, s.room_id, s.start, s.end,
                                                            room.center.tz, anchor)))
            except (NotAllowed, NotFound, InvalidTransition) as exc:
                general = [str(exc.message)]
            else:
                return _after_create(result)
    if request.method == "POST" and not general and form.errors:
        general = [gettext("Aşağıda işaretli alanları düzeltin.")]
    unverified = (current_user.role == Role.MEMBER and current_user.organization is not None
                  and not current_user.organization.is_verified)
    status = 422 if request.method == "POST" else 200
    return render_template("bookings/new.html", form=form, general=general, conflict=conflict,
                           links=links, room=room, unverified=unverified), status


def _create(form: BookingForm, room: Room) -> booking_service.CreateResult:
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
    )
    return booking_service.create_booking(db.session(), current_user, req, now())


def _after_create(result: booking_service.CreateResult) -> Any:
    first = result.bookings[0]
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
        dates = ", ".join(format_date(item.start.astimezone(tz).date(), "medium")
                          for item in result.skipped)
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
    )


def _visible(booking_id: int) -> Booking:
    try:
        return get_visible_booking(db.session(), current_user, booking_id)
    except NotFound:
        abort(404)


def _changeable(booking: Booking) -> bool:
    return booking.status in (BookingStatus.PENDING, BookingStatus.APPROVED) \
        and booking.start_at > now()


def _when_text(start: datetime, end: datetime, tz: Any) -> str:
    """'24.11.2026 10:00–11:00' in the center's zone (the end's date only when it differs)."""
    start, end = start.astimezone(tz), end.astimezone(tz)
    tail = clock(end, tz) if end.date() == start.date() else local_time(end, tz)
    return f"{local_time(start, tz)}–{tail}"


def describe_changes(details: dict[str, Any] | None, tz: Any) -> list[tuple[str, str, str]]:
    """An audit entry's {field: {from, to}} as (what, before, after) in the
    visitor's language and the center's zone: a moved booking reads
    "Zaman: 24.11.2026 10:00–11:00 → 24.11.2026 14:00–16:00"."""
    if not isinstance(details, dict):
        return []

    def pair(field: str) -> tuple[Any, Any]:
        value = details.get(field)
        return (value.get("from"), value.get("to")) if isinstance(value, dict) else (None, None)

    rows: list[tuple[str, str, str]] = []
    if "start" in details or "end" in details:
        # One line for the time: both ends of the interval, before and after.
        start, end = pair("start"), pair("end")
        try:
            times = [None if v is None else datetime.fromisoformat(v) for v in (*start, *end)]
        except (TypeError, ValueError):
            times = []
        if len(times) == 4:
            start_before, start_after, end_before, end_after = times
            # A field that did not change is not in the details: it kept its value.
            start_before = start_before or start_after
            start_after = start_after or start_before
            end_before = end_before or end_after
            end_after = end_after or end_before
            if start_before and end_before and start_after and end_after:
                rows.append((gettext("Zaman"), _when_text(start_before, end_before, tz),
                             _when_text(start_after, end_after, tz)))
    if "room_id" in details:
        names = []
        for room_id in pair("room_id"):
            room = db.session.get(Room, room_id) if isinstance(room_id, int) else None
            names.append(room.name if room is not None else str(room_id or "—"))
        rows.append((gettext("Salon"), names[0], names[1]))
    if "title" in details:
        before, after = pair("title")
        rows.append((gettext("Başlık"), str(before or ""), str(after or "")))
    if "expected_attendees" in details:
        before, after = pair("expected_attendees")
        rows.append((gettext("Beklenen katılımcı"),
                     "—" if before is None else format_decimal(before),
                     "—" if after is None else format_decimal(after)))
    return rows


@bp.get("/bookings/<int:booking_id>")
@signed_in
def detail(booking_id: int) -> str:
    booking = _visible(booking_id)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.booking_id == booking.id)
                                 .order_by(AuditEntry.at, AuditEntry.id)).all()
    tz = booking.room.center.tz
    history = [(entry, describe_changes(entry.details, tz)) for entry in entries]
    return render_template("bookings/detail.html", booking=booking, history=history,
                           changeable=_changeable(booking), cancel_form=ReasonForm(),
                           is_staff=manages_center(current_user, booking.room.center_id))


@bp.route("/bookings/<int:booking_id>/edit", methods=["GET", "POST"])
@signed_in
def edit(booking_id: int) -> Any:
    booking = _visible(booking_id)
    if not _changeable(booking):
        flash(gettext("Bu rezervasyon artık değiştirilemez."), "error")
        return redirect(url_for("bookings.detail", booking_id=booking.id))
    tz = booking.room.center.tz
    form = ChangeBookingForm(obj=booking)
    if request.method == "GET":
        form.date.data = booking.start_at.astimezone(tz).date()
        form.start_time.data = booking.start_at.astimezone(tz).time()
        form.end_time.data = booking.end_at.astimezone(tz).time()
        form.kind.data, form.category.data = booking.kind.value, booking.category.value
        _prefill_change(form)
    general: list[str] = []
    suggestions: list[tuple[Any, str]] = []
    if form.validate_on_submit():
        try:
            changes = booking_service.BookingChanges(
                title=form.title.data, description=form.description.data or "",
                kind=form.kind.data, category=form.category.data, is_public=form.is_public.data,
                expected_attendees=form.expected_attendees.data,
                start=_local(validated(form.date.data), validated(form.start_time.data),
                             booking.room, "start"),
                end=_local(validated(form.date.data), validated(form.end_time.data),
                           booking.room, "end"),
            )
            changed = run_in_transaction(db.session(), lambda: booking_service.change_booking(
                db.session(), current_user, booking.id, changes, now()))
        except RuleViolation as exc:
            general = apply_errors(form, exc.errors, FIELD_ALIASES)
        except BookingConflict as exc:
            general = [str(exc.message)]
            suggestions = [(s, change_link(form, booking.id, s.start, s.end, tz))
                           for s in exc.suggestions if s.room_id == booking.room_id]
        except DomainError as exc:
            general = [str(exc.message)]
        else:
            if changed.status == BookingStatus.PENDING:
                flash(gettext("Değişiklik kaydedildi; rezervasyon yeniden onay bekliyor."), "ok")
            else:
                flash(gettext("Değişiklik kaydedildi."), "ok")
            return redirect(url_for("bookings.detail", booking_id=booking.id))
        booking = _visible(booking_id)
    status = 422 if request.method == "POST" else 200
    return render_template("bookings/edit.html", form=form, booking=booking, general=general,
                           suggestions=suggestions), status


def _prefill_change(form: ChangeBookingForm) -> None:
    """The change form filled from the query string over the booking's own
    values: a suggested free time links here with what was typed so far."""
    args = request.args
    _prefill_when(form, args)
    for name in ("title", "description", "kind", "category"):
        if name in args:
            getattr(form, name).data = args[name]
    if args.get("expected_attendees", "").isdigit():
        form.expected_attendees.data = int(args["expected_attendees"])
    if args.get("is_public") in ("0", "1"):
        form.is_public.data = args["is_public"] == "1"


def change_link(form: ChangeBookingForm, booking_id: int, start: datetime, end: datetime,
                tz: Any) -> str:
    """The change form again at a suggested free time, keeping the other fields as typed."""
    params = {
        "date": start.astimezone(tz).date().isoformat(),
        "start_time": start.astimezone(tz).strftime("%H:%M"),
        "end_time": end.astimezone(tz).strftime("%H:%M"),
        "title": form.title.data or "", "description": form.description.data or "",
        "kind": form.kind.data or "", "category": form.category.data or "",
        "expected_attendees": form.expected_attendees.data or "",
        "is_public": "1" if form.is_public.data else "0",
    }
    return url_for("bookings.edit", booking_id=booking_id) + "?" + urlencode(params)


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
