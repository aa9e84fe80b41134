"""KVKK pages for staff and admins (SPEC §10): deletion requests with their
30-day deadline and the confirmation that carries one out; for admins the
notice versions and a form publishing a new one, the destruction log and the
special-category access log."""
from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from booking.database import run_in_transaction
from booking.extensions import db
from booking.forms import choices
from booking.models import User
from booking.services import access_log, deletion, memberships, privacy_notice, retention
from booking.services.errors import NotFound, RuleViolation, first_message
from booking.web import privacy
from booking.web.admin import _form_page
from booking.web.common import admin_required, now, staff_required
from booking.web.privacy_forms import AccessLogFilter, CarryOutForm, NoticeForm

bp = Blueprint("kvkk", __name__)


@bp.get("/staff/deletion-requests")
@staff_required
def requests() -> str:
    """Open requests, the nearest deadline first; overdue ones are flagged."""
    rows = deletion.open_requests(db.session(), current_user)
    privacy.viewed_contacts(r.user for r in rows)
    return render_template("privacy/requests.html", rows=rows, now=now())


@bp.route("/staff/deletion-requests/<int:request_id>", methods=["GET", "POST"])
@staff_required
def carry_out(request_id: int) -> Any:
    """What carrying out will do (the person's future bookings stay with the
    organisation, and who hears about them from then on), and the button; for
    an organisation's last representative, the choice of a successor or closing."""
    actor = current_user._get_current_object()
    try:
        row = deletion.get_request(db.session(), actor, request_id)
    except NotFound:
        abort(404)
    form = CarryOutForm()
    error = None
    if form.validate_on_submit():
        chosen = (form.successor.data or "").strip()
        successor_id = int(chosen) if chosen.isdigit() and len(chosen) < 10 else None
        try:
            done = run_in_transaction(db.session(), lambda: deletion.carry_out(
                db.session(), actor, request_id, now(), successor_id=successor_id,
                close=chosen == "close"))
        except RuleViolation as exc:
            error = str(first_message(exc))
        else:
            flash(gettext("Kişinin verileri anonimleştirildi: artık “%(name)s” olarak görünüyor.",
                          name=done.pseudonym), "ok")
            return redirect(url_for("kvkk.requests"))
        row = deletion.get_request(db.session(), actor, request_id)
    ahead = deletion.future_bookings(db.session(), row.user, now())
    last = row.state.value == "open" and memberships.is_last_representative(db.session(), row.user)
    candidates = memberships.successor_candidates(db.session(), row.user) if last else []
    form.successor.choices = choices([("", gettext("Seçin")),
                                      *[(str(u.id), f"{u.name} <{u.email}>") for u in candidates],
                                      ("close", gettext("Kuruluşu kapat"))])
    privacy.viewed_contacts([row.user, *candidates])
    return render_template("privacy/carry_out.html", row=row, form=form, ahead=ahead,
                           error=error, now=now(), last_representative=last,
                           candidates=candidates), (422 if error else 200)


@bp.route("/admin/privacy", methods=["GET", "POST"])
@admin_required
def notices() -> Any:
    """Every published version with its acknowledgements, and a new version."""
    form = NoticeForm()
    current = privacy_notice.current(db.session())
    if request.method == "GET" and current is not None:
        form.text_tr.data, form.text_en.data = current.text_tr, current.text_en
    actor = current_user._get_current_object()
    return _form_page(
        form, lambda: privacy_notice.publish(
            db.session(), actor, form.text_tr.data, form.text_en.data, form.changes_tr.data,
            form.changes_en.data, now()),
        lambda notice: gettext("Aydınlatma metninin %(version)s. sürümü yayımlandı.",
                               version=notice.version),
        url_for("kvkk.notices"), "admin/privacy.html",
        versions=privacy_notice.versions(db.session()),
        counts=privacy_notice.acknowledgement_counts(db.session()))


@bp.get("/admin/privacy/destructions")
@admin_required
def destructions() -> str | Response:
    """The destruction log (kept three years), as a page or as CSV."""
    rows = retention.destruction_log(db.session())
    if request.args.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["at", "what", "pseudonym", "reason", "count", "actor"])
        for r in rows:
            writer.writerow([r.at.isoformat(), r.what, r.pseudonym or "", r.reason, r.count,
                             r.actor.email if r.actor else ""])
        return Response(out.getvalue(), mimetype="text/csv", headers={
            "Content-Disposition": 'attachment; filename="imha-kayitlari.csv"'})
    return render_template("admin/destructions.html", rows=rows)


def _user_id(email: str | None) -> int | None:
    if not email:
        return None
    found = db.session.scalar(select(User.id).where(User.email == email.strip().lower()))
    return found if found is not None else -1


@bp.get("/admin/privacy/access-log")
@admin_required
def access() -> str:
    """Who viewed member lists and contact details, newest first, filtered."""
    form = AccessLogFilter(request.args)
    chosen = access_log.AccessFilter()
    if form.validate():
        chosen = access_log.AccessFilter(
            viewer_id=_user_id(form.viewer.data), subject_user_id=_user_id(form.subject.data),
            organization_id=form.organization_id.data, what=form.what.data or None)
    rows = access_log.entries(db.session(), current_user, chosen)
    return render_template("admin/access_log.html", rows=rows, form=form)
