"""The admin page for days every centre closes (services/leave_days.py): the
public holidays and half-day eves of a year for all centres in one step,
administrative leave (idari izin) declared for all centres, the bridge days
suggested for it, and the leave days declared so far."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired, Length, Optional

from booking.extensions import db
from booking.form_fields import Date
from booking.forms import REQUIRED, ConfirmForm, Form, HolidayImportForm, validated
from booking.models import Booking
from booking.services import leave_days
from booking.web.common import admin_required, now, submit

bp = Blueprint("leave", __name__, url_prefix="/admin/holidays")


class LeaveForm(Form):
    first_day = Date(_l("İlk gün"), validators=[InputRequired(REQUIRED)])
    last_day = Date(_l("Son gün"), validators=[Optional()])
    half_day = BooleanField(_l("Yarım gün: 13:00'ten itibaren kapalı"))
    reason = StringField(_l("Neden"), validators=[Optional(), Length(max=300)])


def _page(import_form: HolidayImportForm, leave_form: LeaveForm, general: list[str],
          overlapping: list[Booking] | None = None, status: int = 200) -> tuple[str, int]:
    today = now().date()
    suggestions = [day for year in (today.year, today.year + 1)
                   for day in leave_days.bridge_days(year) if day >= today]
    declared = leave_days.declared(db.session(), now())
    taken = {row.day for row in declared}
    return render_template("admin/leave_days.html", import_form=import_form,
                           leave_form=leave_form, general=general, overlapping=overlapping or [],
                           suggestions=[d for d in suggestions if d not in taken],
                           declared=declared, confirm_form=ConfirmForm()), status


def _blank_import() -> HolidayImportForm:
    return HolidayImportForm(formdata=None, year=now().year + 1)


@bp.get("")
@admin_required
def page() -> Any:
    return _page(_blank_import(), LeaveForm(formdata=None), [])


@bp.post("/import")
@admin_required
def import_all() -> Any:
    form = HolidayImportForm()
    if not form.validate_on_submit():
        return _page(form, LeaveForm(formdata=None), [], status=422)
    outcome = submit(form, lambda: leave_days.import_holidays_everywhere(
        db.session(), current_user, validated(form.year.data), now()))
    if not outcome.done:
        return _page(form, LeaveForm(formdata=None), outcome.general, status=422)
    flash(ngettext("%(num)d resmî tatil kapanışı bütün merkezlere eklendi.",
                   "%(num)d resmî tatil kapanışı bütün merkezlere eklendi.", outcome.result),
          "ok")
    return redirect(url_for("leave.page"))


@bp.post("/leave")
@admin_required
def add_leave() -> Any:
    form = LeaveForm()
    if not form.validate_on_submit():
        return _page(_blank_import(), form, [], status=422)
    first: date = validated(form.first_day.data)
    outcome = submit(form, lambda: leave_days.add_leave_days(
        db.session(), current_user, first, form.last_day.data, now(),
        half_day=bool(form.half_day.data), reason=form.reason.data))
    result = outcome.result
    if result is None:
        return _page(_blank_import(), form, outcome.general, status=422)
    if result.added:
        flash(ngettext("İdari izin eklendi: %(num)d merkez kapanışı.",
                       "İdari izin eklendi: %(num)d merkez kapanışı.", result.added), "ok")
    else:
        flash(gettext("Bu günler bütün merkezlerde zaten kapalı; yeni kapanış eklenmedi."), "ok")
    if result.overlapping:
        flash(ngettext("İzin %(num)d onaylı rezervasyonla çakışıyor; kuruluşlarla görüşün.",
                       "İzin %(num)d onaylı rezervasyonla çakışıyor; kuruluşlarla görüşün.",
                       len(result.overlapping)), "warning")
        return _page(_blank_import(), LeaveForm(formdata=None), [], result.overlapping)
    return redirect(url_for("leave.page"))


@bp.post("/leave/<day>/delete")
@admin_required
def remove_leave(day: str) -> Any:
    try:
        chosen = date.fromisoformat(day)
    except ValueError:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        outcome = submit(form, lambda: leave_days.remove_leave_day(
            db.session(), current_user, chosen, now()))
        if outcome.done and not outcome.result:
            abort(404)
        if outcome.done:
            flash(gettext("İdari izin kaldırıldı; merkezler o gün yeniden açık."), "ok")
    return redirect(url_for("leave.page"))
