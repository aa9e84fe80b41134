"""Staff pages: the approval queue, the organisations' verification inbox, attendance and
closures (with the public-holiday import). Direct booking for others uses the
request form of booking/web/bookings.py, which offers staff an organisation."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from booking.database import run_in_transaction
from booking.extensions import db
from booking.forms import (
    AttendanceForm,
    ClosureForm,
    ConfirmForm,
    HolidayImportForm,
    RejectForm,
    choices,
    validated,
)
from booking.forms_registry import VerifyForm
from booking.i18n import local_time
from booking.i18n.dates import list_day
from booking.i18n.text import turkish_sorted
from booking.models import Booking, BookingStatus, Center, Closure, Room
from booking.services import attendance as attendance_service
from booking.services import bookings as booking_service
from booking.services import closures, registry, verification, verification_records
from booking.services.access import manages_center, scope_bookings
from booking.services.checkin_lists import NO_SHOW_DAYS, no_shows_by_organization
from booking.services.conflicts import block_end_if_approved, blocks_meet, find_conflicts
from booking.services.errors import BookingConflict, DomainError, RuleViolation, first_message
from booking.services.intervals import Interval
from booking.services.rules import verification_lapsed, wall_clock
from booking.web import privacy
from booking.web.common import act, apply_errors, flash_form_errors, now, page_of_list, staff_required

bp = Blueprint("staff", __name__, url_prefix="/staff")
ATTENDANCE_DAYS = 90
ATTENDANCE_ROWS = 200  # unrecorded events first, then the most recent


@dataclass
class QueueItem:
    booking: Booking
    rivals: list[Booking]  # other pending requests it overlaps
    conflicts: list[Interval]  # approved bookings (and closures) it overlaps
    approved: dict[int, Booking | None]  # by id: the approved bookings among conflicts


def managed_centers() -> list[Center]:
    query = select(Center)
    if not current_user.is_admin:
        query = query.where(Center.id.in_(current_user.center_ids or [-1]))
    return turkish_sorted(db.session.scalars(query), key=lambda c: c.name)


def _queue() -> list[QueueItem]:
    instant = now()
    pending = list(db.session.scalars(
        scope_bookings(select(Booking), current_user)
        .where(Booking.status == BookingStatus.PENDING, Booking.end_at > instant)
        .options(selectinload(Booking.room).selectinload(Room.center))
        .order_by(Booking.start_at, Booking.id)))
    items = []
    for booking in pending:
        # The rivals its approval would reject: the engine's own rule, buffer counted.
        rivals = [other for other in pending if other.id != booking.id
                  and other.room_id == booking.room_id
                  and blocks_meet(booking.start_at, block_end_if_approved(booking),
                                  other.start_at, other.block_end)]
        conflicts = find_conflicts(db.session(), booking.room, booking.start_at, booking.end_at)
        approved = {c.booking_id: db.session.get(Booking, c.booking_id)
                    for c in conflicts if c.booking_id is not None}
        items.append(QueueItem(booking, rivals, conflicts, approved))
    return items


@bp.get("/queue")
@staff_required
def queue() -> str:
    """Pending requests of the staff member's centers, soonest first."""
    return render_template("staff/queue.html", items=_queue(), confirm_form=ConfirmForm(),
                           reject_form=RejectForm(formdata=None))


def _managed_booking(booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None or not manages_center(current_user, booking.room.center_id):
        abort(404)
    return booking


@bp.post("/bookings/<int:booking_id>/approve")
@staff_required
def approve(booking_id: int) -> Any:
    booking = _managed_booking(booking_id)
    if ConfirmForm().validate_on_submit():
        try:
            approval = run_in_transaction(db.session(), lambda: booking_service.approve_booking(
                db.session(), current_user, booking.id, now()))
        except BookingConflict as exc:
            flash(gettext("Onaylanamadı: %(why)s", why=exc.message), "error")
        except DomainError as exc:
            flash(str(exc.message), "error")
        else:
            rejected = [rival.title for rival in approval.auto_rejected]
            flash(gettext("“%(title)s” onaylandı.", title=booking.title), "ok")
            if rejected:
                # They leave the queue: say so, or they seem to vanish.
                flash(ngettext("Çakışan %(num)d talep otomatik reddedildi: %(titles)s.",
                               "Çakışan %(num)d talep otomatik reddedildi: %(titles)s.",
                               len(rejected), titles=", ".join(f"“{t}”" for t in rejected)),
                      "ok")
    return redirect(url_for("staff.queue"))


@bp.post("/bookings/<int:booking_id>/reject")
@staff_required
def reject(booking_id: int) -> Any:
    booking = _managed_booking(booking_id)
    form = RejectForm()
    if form.validate_on_submit():
        if act(lambda: booking_service.reject_booking(db.session(), current_user, booking.id,
                                                      form.reason.data, now()),
               lambda _: gettext("“%(title)s” reddedildi.", title=booking.title)):
            return redirect(url_for("staff.queue"))
    elif form.reason.data and form.reason.data.strip():
        flash_form_errors(form, gettext("Reddedilmedi."))
    else:
        flash(gettext("Reddetmek için bir gerekçe yazın."), "error")
    return redirect(url_for("staff.queue") + f"#booking-{booking.id}")


# --- organisations -------------------------------------------------------------


ORGANIZATIONS_PER_PAGE = 50


def _inbox_args() -> dict[str, Any]:
    """The filter, search and page a verification came from, to return to."""
    return {key: value for key in ("status", "q", "page")
            if (value := request.args.get(key, "").strip())}


@bp.get("/organizations")
@staff_required
def organizations() -> str:
    """The verification inbox: those awaiting verification (the default while
    any are), the verified ones or all; searched by Turkish rules, paged."""
    query = request.args.get("q", "").strip()
    instant = now()
    counts = verification.counts(db.session(), instant)
    g.awaiting_verification = counts.awaiting  # the menu's count: no second query
    status = verification.chosen_status(request.args.get("status"), counts)
    page = page_of_list(verification.inbox(db.session(), status, query, instant),
                        ORGANIZATIONS_PER_PAGE)
    privacy.viewed_contacts(row.first_member for row in page.items)
    no_shows = no_shows_by_organization(db.session(), [r.organization for r in page.items], now())
    return render_template("staff/organizations.html", page=page, query=query, status=status,
                           counts=counts, statuses=verification.Status,
                           verify_form=VerifyForm(), no_shows=no_shows,
                           no_show_days=NO_SHOW_DAYS, now=instant,
                           due_before=verification_records.due_before(instant),
                           lapsed=verification_lapsed, registry_label=registry.label,
                           registry_problem=registry.missing_or_malformed)


@bp.post("/organizations/<int:organization_id>/verify")
@staff_required
def verify(organization_id: int) -> Any:
    """Verify (or renew) one, saying how; back to the same filtered, searched
    page (the next one to verify). A missing method is said in a message."""
    form = VerifyForm()
    if form.validate_on_submit():
        try:
            record = run_in_transaction(db.session(), lambda: verification_records.verify(
                db.session(), current_user, organization_id, method=form.method.data,
                note=form.note.data, now=now(),
                valid_days=int(current_app.config["VERIFICATION_VALID_DAYS"])))
        except RuleViolation as exc:
            flash(first_message(exc), "error")
        except DomainError:
            abort(404)
        else:
            flash(gettext("%(name)s doğrulandı; üyeleri artık salon talep edebilir. Doğrulama "
                          "%(day)s tarihine kadar geçerli.",
                          name=record.organization.name, day=list_day(record.expires_at)), "ok")
    return redirect(url_for("staff.organizations", **_inbox_args()))


# --- attendance ----------------------------------------------------------------


def _attendance_page(error: tuple[Booking, str, str] | None = None) -> tuple[str, int]:
    """Approved events of the last weeks that have started; unrecorded ones first.
    ``error`` (booking, message, what was typed) shows a refused entry on its row."""
    instant = now()
    rows = list(db.session.scalars(
        scope_bookings(select(Booking), current_user)
        .where(Booking.status == BookingStatus.APPROVED, Booking.start_at <= instant,
               Booking.start_at > instant - timedelta(days=ATTENDANCE_DAYS))
        .order_by(Booking.actual_attendees.is_not(None), Booking.start_at.desc(), Booking.id)
        .limit(ATTENDANCE_ROWS)))
    if error is not None and error[0] not in rows:
        rows.insert(0, error[0])
    return render_template("staff/attendance.html", bookings=rows, error=error,
                           form=AttendanceForm(formdata=None)), 422 if error else 200


@bp.get("/attendance")
@staff_required
def attendance() -> tuple[str, int]:
    return _attendance_page()


@bp.post("/bookings/<int:booking_id>/attendance")
@staff_required
def record_attendance(booking_id: int) -> Any:
    """Record one event's attendance; a refused number comes back on its row,
    as typed, with the reason next to it (not as a message at the top). A
    correction returns to its row; a first count to the next one to record."""
    booking = _managed_booking(booking_id)
    form = AttendanceForm()
    typed = request.form.get("actual_attendees", "")
    correction = booking.actual_attendees is not None
    if not form.validate_on_submit():
        message = next((str(m) for errors in form.errors.values() for m in errors),
                       gettext("Bir tam sayı girin."))
        return _attendance_page((booking, message, typed))
    try:
        run_in_transaction(db.session(), lambda: attendance_service.record_attendance(
            db.session(), current_user, booking.id, validated(form.actual_attendees.data), now()))
    except DomainError as exc:
        message = first_message(exc)
        # Read again after the rollback; it is there, _managed_booking found it (cast: "or None").
        again = cast(Booking, db.session.get(Booking, booking_id))
        return _attendance_page((again, str(message), typed))
    flash(gettext("“%(title)s” için katılım kaydedildi.", title=booking.title), "ok")
    if correction:
        return redirect(url_for("staff.attendance") + f"#booking-{booking.id}")
    # A first count moves its row down among the recorded ones; the page opens
    # at the top instead, where the message sits just above the next event
    # still to record (unrecorded ones come first).
    return redirect(url_for("staff.attendance"))


# --- closures ----------------------------------------------------------------


def _closure_choices(centers: list[Center]) -> list[tuple[int, str]]:
    """A whole center is the negative of its id; a room its own id."""
    choices = []
    for center in centers:
        choices.append((-center.id, gettext("%(center)s — tüm merkez", center=center.name)))
        choices += [(room.id, f"{center.name} — {room.name}")
                    for room in turkish_sorted(center.rooms, key=lambda r: r.name)]
    return choices


# The list shows closures that have not ended or ended less than this long ago.
CLOSURES_SHOWN_AFTER_END = timedelta(days=1)


def closure_span(closure: Closure) -> tuple[str, str]:
    """Start and end as the list shows them, in the center's zone: whole days
    (midnight to midnight) as their first and last date, else date and time."""
    tz = closure.center.tz
    start, end = closure.start_at.astimezone(tz), closure.end_at.astimezone(tz)
    if start.time() == time(0) and end.time() == time(0):
        return list_day(start.date()), list_day(end.date() - timedelta(days=1))
    return local_time(closure.start_at, tz), local_time(closure.end_at, tz)


def _closures_page(form: ClosureForm, import_form: HolidayImportForm, general: list[str],
                   overlapping: list[Booking] | None = None, status: int = 200) -> tuple[str, int]:
    centers = managed_centers()
    instant = now()
    rows = list(db.session.scalars(
        select(Closure).where(Closure.center_id.in_([c.id for c in centers] or [-1]),
                              Closure.end_at > instant - CLOSURES_SHOWN_AFTER_END)
        .order_by(Closure.start_at).limit(300)))
    return render_template("staff/closures.html", form=form, import_form=import_form,
                           centers=centers, closures=[(c, *closure_span(c)) for c in rows],
                           general=general,
                           overlapping=overlapping or [], confirm_form=ConfirmForm()), status


def _closure_form(centers: list[Center]) -> ClosureForm:
    form = ClosureForm()
    form.room_id.choices = choices(_closure_choices(centers))
    return form


@bp.get("/closures")
@staff_required
def closures_page() -> Any:
    centers = managed_centers()
    import_form = HolidayImportForm(formdata=None, year=now().year + 1)
    return _closures_page(_closure_form(centers), import_form, [])


@bp.post("/closures")
@staff_required
def add_closure() -> Any:
    centers = managed_centers()
    form = _closure_form(centers)
    import_form = HolidayImportForm(formdata=None, year=now().year + 1)
    if not form.validate_on_submit():
        return _closures_page(form, import_form, [], status=422)
    target = form.room_id.data or 0
    center = next((c for c in centers if c.id == -target), None)
    room = db.session.get(Room, target) if target > 0 else None
    if center is None and (room is None or room.center not in centers):
        form.room_id.errors = [gettext("Bir salon ya da merkez seçin.")]
        return _closures_page(form, import_form, [], status=422)
    tz = (center or room.center).tz  # type: ignore[union-attr]
    end_day: date = validated(form.end_date.data)
    try:
        # A typed time goes through the one wall-clock rule (a time the clocks
        # skip is refused); a whole day starts at its first instant.
        start_day = validated(form.start_date.data)
        start = wall_clock(start_day, form.start_time.data, tz, "start") \
            if form.start_time.data is not None else datetime.combine(start_day, time(0), tzinfo=tz)
        end = wall_clock(end_day, form.end_time.data, tz, "end") \
            if form.end_time.data is not None \
            else datetime.combine(end_day + timedelta(days=1), time(0), tzinfo=tz)
        result = run_in_transaction(db.session(), lambda: closures.add_closure(
            db.session(), current_user, start=start, end=end, reason=validated(form.reason.data),
            now=now(), center_id=center.id if center else None, room_id=room.id if room else None))
    except RuleViolation as exc:
        general = apply_errors(form, exc.errors, {"start": "start_date", "end": "end_date"})
        return _closures_page(form, import_form, general, status=422)
    except DomainError as exc:
        return _closures_page(form, import_form, [str(exc.message)], status=422)
    if end <= now() - CLOSURES_SHOWN_AFTER_END:
        flash(gettext("Kapanış eklendi. Geçmişte kaldığı için aşağıdaki listede gösterilmez."),
              "ok")
    else:
        flash(gettext("Kapanış eklendi."), "ok")
    if result.overlapping:
        flash(ngettext("Bu kapanış %(num)d onaylı rezervasyonla çakışıyor; kuruluşlarla görüşün.",
                       "Bu kapanış %(num)d onaylı rezervasyonla çakışıyor; kuruluşlarla görüşün.",
                       len(result.overlapping)), "warning")
        return _closures_page(ClosureForm(formdata=None), import_form, [], result.overlapping)
    return redirect(url_for("staff.closures_page"))


@bp.post("/closures/<int:closure_id>/delete")
@staff_required
def delete_closure(closure_id: int) -> Any:
    closure = db.session.get(Closure, closure_id)
    if closure is None or not manages_center(current_user, closure.center_id):
        abort(404)
    if ConfirmForm().validate_on_submit():
        run_in_transaction(db.session(), lambda: closures.delete_closure(
            db.session(), current_user, closure.id, now()))
        flash(gettext("Kapanış silindi."), "ok")
    return redirect(url_for("staff.closures_page"))


@bp.post("/centers/<int:center_id>/holidays")
@staff_required
def import_holidays(center_id: int) -> Any:
    if not manages_center(current_user, center_id) or db.session.get(Center, center_id) is None:
        abort(404)
    form = HolidayImportForm()
    if form.validate_on_submit():
        act(lambda: closures.import_holidays(db.session(), current_user, center_id,
                                             validated(form.year.data), now()),
            lambda added: ngettext("%(num)d resmî tatil kapanış olarak eklendi.",
                                   "%(num)d resmî tatil kapanış olarak eklendi.", len(added)))
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
    return redirect(url_for("staff.closures_page"))
