"""Services with bookings for staff (SPEC §9): the day's tasks per center
("Görevler"), each marked done with one button."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from booking.database import run_in_transaction
from booking.extensions import db
from booking.forms import ConfirmForm, record_id
from booking.services import service_tasks
from booking.services.errors import DomainError, NotFound, first_message
from booking.web.common import flash_form_errors, now, staff_required
from booking.web.staff import managed_centers

bp = Blueprint("services", __name__)


def _day(centers: list[Any]) -> date:
    """The asked day (YYYY-MM-DD), else today on the first center's clock."""
    try:
        return date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        tz = centers[0].tz if centers else None
        return now().astimezone(tz).date()


@bp.get("/staff/tasks")
@staff_required
def tasks() -> str:
    """The tasks of a day in the staff member's centers (or the chosen one)."""
    centers = managed_centers()
    chosen = request.args.get("center_id", type=record_id)
    shown = [c for c in centers if chosen in (None, c.id)]
    day = _day(shown or centers)
    days = [(center, service_tasks.center_tasks(db.session(), current_user, center.id, day))
            for center in shown]
    return render_template("services/tasks.html", days=days, day=day, centers=centers,
                           center_id=chosen, form=ConfirmForm())


@bp.post("/staff/tasks/<int:row_id>/done")
@staff_required
def mark_done(row_id: int) -> Any:
    """The "Yapıldı" button: staff of another center get a 404, like a member."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash_form_errors(form, gettext("İşaretlenmedi."))
    else:
        try:
            row = run_in_transaction(db.session(), lambda: service_tasks.mark_done(
                db.session(), current_user, row_id, now()))
        except NotFound:
            abort(404)
        except DomainError as exc:
            flash(str(first_message(exc)), "error")
        else:
            flash(gettext("“%(item)s” yapıldı olarak işaretlendi.", item=row.item.name), "ok")
    return redirect(url_for("services.tasks", center_id=request.args.get("center_id"),
                            day=request.args.get("day")) + f"#task-{row_id}")
