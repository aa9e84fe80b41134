"""Admin page of the e-mail outbox: recent, pending and failed messages, and a
retry button for failed ones. Anonymous visitors are sent to sign in, anyone
else but an admin gets a 404 (as on every other admin page)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from booking.database import run_in_transaction
from booking.extensions import db, login_manager
from booking.models import OutboxMessage, OutboxStatus, utcnow
from booking.notifications import kinds, outbox

bp = Blueprint("admin_outbox", __name__, url_prefix="/admin/outbox")
FILTERS = ("all", "pending", "failed", "sent", "skipped")
PAGE_SIZE = 100
KIND_LABELS = {
    kinds.REQUEST_RECEIVED: _l("Talep alındı"),
    kinds.NEW_REQUEST: _l("Yeni talep (görevlilere)"),
    kinds.APPROVED: _l("Onaylandı"),
    kinds.REJECTED: _l("Reddedildi"),
    kinds.AUTO_REJECTED: _l("Çakışma nedeniyle reddedildi"),
    kinds.CANCELLED: _l("İptal edildi"),
    kinds.CHANGED: _l("Değiştirildi"),
    kinds.INVITATION: _l("Takvim daveti"),
    kinds.REMINDER: _l("Hatırlatma"),
    kinds.DIGEST: _l("Günlük özet"),
    kinds.ESCALATION: _l("Yaklaşan bekleyen talep"),
    kinds.ORGANIZATION_VERIFIED: _l("Kuruluş doğrulandı"),
    kinds.VERIFICATION_DUE: _l("Doğrulamanın süresi doluyor"),
    kinds.RETENTION_NOTICE: _l("Anonimleştirme uyarısı"),
    kinds.NO_SHOW: _l("Gelinmedi, salon serbest bırakıldı"),
    kinds.WAITLIST_OFFER: _l("Bekleme listesi teklifi"),
    kinds.OFFER_DECLINED: _l("Teklif geri çevrildi"),
    kinds.OFFER_EXPIRED: _l("Teklifin süresi doldu"),
}


def kind_label(code: str) -> str:
    """The message kind in the visitor's language (the code itself if unknown)."""
    return str(KIND_LABELS[code]) if code in KIND_LABELS else code


@bp.before_request
def admins_only() -> Response | None:
    if not getattr(current_user, "is_authenticated", False):
        return login_manager.unauthorized()
    if not current_user.is_admin:
        abort(404)
    return None


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
        kind_label=kind_label,
    )


@bp.post("/<int:message_id>/retry")
def retry(message_id: int) -> Response:
    """Queue a failed message again (CSRF-protected form post)."""
    if run_in_transaction(db.session(), lambda: outbox.retry(db.session(), message_id, utcnow())):
        flash(gettext("İleti yeniden gönderilmek üzere sıraya alındı."), "ok")
    else:
        flash(gettext("Yalnızca başarısız iletiler yeniden denenebilir."), "error")
    return redirect(url_for("admin_outbox.index", status="failed"))
