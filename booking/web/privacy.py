"""KVKK pages for everyone (SPEC §10): the public aydınlatma metni, the
acknowledgement asked at the first sign-in after a new version, and on the
profile a person's own data as JSON and their request for deletion.

Signing in with a version not yet acknowledged puts that version in the
session (``PENDING``); until it is acknowledged every page but this one,
signing out and the static files sends the person here. The check costs no
query on other requests."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, gettext
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from booking.database import run_in_transaction
from booking.extensions import db
from booking.i18n.dates import heading_day
from booking.services import access_log, deletion, personal_data, privacy_notice
from booking.services.errors import RuleViolation, first_message
from booking.web.common import now, safe_next, signed_in
from booking.web.privacy_forms import AcknowledgeForm, DeletionRequestForm

bp = Blueprint("privacy", __name__)
PENDING = "notice_pending"
# Where a person with a notice to acknowledge may still go.
OPEN_ENDPOINTS = frozenset({"privacy.notice", "privacy.acknowledge", "auth.logout", "static",
                            "auth.set_language", "public.healthz"})


bp.add_app_template_global(privacy_notice.paragraphs, "paragraphs")


def language() -> str:
    return str(get_locale() or "tr")[:2]


@bp.get("/privacy")
def notice() -> str:
    """The current notice in the reader's language, with its version and date."""
    current = privacy_notice.current(db.session())
    db.session.rollback()
    return render_template("privacy/notice.html", notice=current, language=language(),
                           published=_day(current.published_at) if current else None)


def remember_pending(user: Any) -> None:
    """At sign-in: the version ``user`` still has to acknowledge, if any."""
    pending = privacy_notice.pending_for(db.session(), user)
    db.session.rollback()
    if pending is not None:
        session[PENDING] = pending.version


@bp.before_app_request
def ask_for_acknowledgement() -> WerkzeugResponse | None:
    if PENDING not in session or request.endpoint in OPEN_ENDPOINTS:
        return None
    if request.endpoint is None or request.blueprint == "api" or request.path.startswith("/api/"):
        return None
    if not current_user.is_authenticated:
        session.pop(PENDING, None)
        return None
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("privacy.acknowledge", next=target))


@bp.route("/privacy/acknowledge", methods=["GET", "POST"])
@signed_in
def acknowledge() -> Any:
    """The current text, what changed since the version the person saw last,
    and one button; an older version sent from a stale page is refused."""
    user = current_user._get_current_object()
    form = AcknowledgeForm()
    current = privacy_notice.current(db.session())
    if current is None:
        session.pop(PENDING, None)
        return redirect(url_for("public.home"))
    error = None
    if form.validate_on_submit():
        shown = (form.version.data or "").strip()
        version = int(shown) if shown.isdigit() and len(shown) < 9 else None
        try:
            run_in_transaction(db.session(), lambda: privacy_notice.acknowledge(
                db.session(), user, version, now()))
        except RuleViolation as exc:
            error = str(first_message(exc))
        else:
            session.pop(PENDING, None)
            flash(gettext("Teşekkürler: aydınlatma metnini onayladınız."), "ok")
            return redirect(safe_next(form.next.data) or url_for("public.home"))
    elif request.method == "GET":
        form.next.data = request.args.get("next", "")
    form.version.data = str(current.version)
    returning = privacy_notice.previously_acknowledged(db.session(), user)
    db.session.rollback()
    status = 422 if error else 200
    return render_template("privacy/acknowledge.html", notice=current, form=form, error=error,
                           returning=returning, language=language()), status


@bp.get("/profile/data.json")
@signed_in
def download() -> Response:
    """Verilerimi indir: everything held about the person, as a JSON file."""
    user = current_user._get_current_object()
    data = personal_data.export(db.session(), user, now())
    db.session.rollback()
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="verilerim-{user.id}.json"',
        "Cache-Control": "no-store"})


@bp.post("/profile/deletion-request")
@signed_in
def ask_for_deletion() -> WerkzeugResponse:
    """Verilerimin silinmesini iste: recorded, with its 30-day deadline."""
    form = DeletionRequestForm()
    if not form.validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    try:
        row = run_in_transaction(db.session(), lambda: deletion.request_deletion(
            db.session(), user, form.reason.data, now()))
    except RuleViolation as exc:
        flash(str(first_message(exc)), "error")
    else:
        flash(gettext("Silme talebiniz alındı. En geç %(day)s tarihine kadar yerine getirilir; "
                      "size e-posta ile bilgi verilmez, çünkü adresiniz de silinecek.",
                      day=_day(row.due_at)), "ok")
    return redirect(url_for("auth.profile") + "#privacy")


def _day(moment: datetime) -> str:
    zone = ZoneInfo(str(current_app.config["DEFAULT_TIMEZONE"]))
    return heading_day(moment.astimezone(zone).date())


def viewed_contacts(users: Any) -> None:
    """Staff or an admin is shown these people's contact details: logged (SPEC §10)."""
    viewer = current_user._get_current_object()
    shown = [u for u in users if u is not None]
    run_in_transaction(db.session(), lambda: access_log.record_contacts(
        db.session(), viewer, shown, now()))


def viewed_members(organization_id: int) -> None:
    """Staff or an admin is shown an organisation's member list: logged (SPEC §10)."""
    viewer = current_user._get_current_object()
    run_in_transaction(db.session(), lambda: access_log.record_member_list(
        db.session(), viewer, organization_id, now()))
