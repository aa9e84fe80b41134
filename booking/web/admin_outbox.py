"""Admin page of the e-mail outbox: recent, pending and failed messages, and a
retry button for failed ones. Anyone but an admin gets a 404."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from booking.extensions import db
from booking.models import OutboxMessage, OutboxStatus, utcnow
from booking.notifications import outbox

bp = Blueprint("admin_outbox", __name__, url_prefix="/admin/outbox")
FILTERS = ("all", "pending", "failed", "sent", "skipped")
PAGE_SIZE = 100


@bp.before_request
def admins_only() -> None:
    if not (getattr(current_user, "is_authenticated", False) and current_user.is_admin):
        abort(404)


@bp.get("/")
def index() -> str:
    """The newest messages of one status (or all), with counts per status."""
    shown = request.args.get("status", "all")
    if shown not in FILTERS:
        shown = "all"
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if shown != "all":
        query = query.where(OutboxMessage.status == OutboxStatus(shown))
    messages = db.session.scalars(query.limit(PAGE_SIZE)).all()
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    return render_template(
        "admin/outbox.html",
        messages=messages,
        shown=shown,
        filters=FILTERS,
        counts={status.value: counts.get(status, 0) for status in OutboxStatus},
        now=utcnow(),
    )


@bp.post("/<int:message_id>/retry")
def retry(message_id: int) -> Response:
    """Queue a failed message again (CSRF-protected form post)."""
    if outbox.retry(db.session, message_id, utcnow()):
        db.session.commit()
        flash(gettext("İleti yeniden gönderilmek üzere sıraya alındı."), "ok")
    else:
        db.session.rollback()
        flash(gettext("Yalnızca başarısız iletiler yeniden denenebilir."), "error")
    return redirect(url_for("admin_outbox.index", status="failed"))
