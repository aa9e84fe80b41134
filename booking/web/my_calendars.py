"""The "My calendars" page (/profile/calendars): the person's own private
calendar link (create, regenerate, revoke; the secret shown once), an
organisation link left from before personal links (revocable), and the public
feeds of the places they use, each as webcal, https and a download."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, session, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from booking.extensions import db
from booking.forms import ConfirmForm
from booking.services import feed_tokens, my_calendars
from booking.web.common import act, base_url, now, signed_in

bp = Blueprint("calendars", __name__, url_prefix="/profile/calendars")
NEW_SECRET = "new_feed_token"  # noqa: S105 - the session key that carries a new link, once


@bp.get("")
@signed_in
def page() -> str:
    content = my_calendars.my_calendars(db.session(), current_user, now())
    secret = session.pop(NEW_SECRET, None)
    new_url = base_url() + url_for("feeds.private_calendar", token=secret) if secret else None
    return render_template("auth/calendars.html", content=content, new_url=new_url)


@bp.post("/personal")
@signed_in
def issue_personal() -> Response:
    """Create the person's link, or replace it: only their own old link stops."""
    if ConfirmForm().validate_on_submit():
        had_one = feed_tokens.personal_link(db.session(), current_user) is not None

        def done(issued: feed_tokens.IssuedToken) -> str:
            session[NEW_SECRET] = issued.token
            if had_one:
                return gettext("Yeni takvim bağlantınız hazır; eski bağlantınız artık çalışmaz. "
                               "Kuruluşunuzdaki diğer kişilerin bağlantıları etkilenmez.")
            return gettext("Takvim bağlantınız hazır. Adresi kopyalayıp takvim uygulamanıza "
                           "ekleyin.")

        act(lambda: feed_tokens.issue_personal(db.session(), current_user, now()), done)
    return redirect(url_for("calendars.page") + "#personal")


@bp.post("/personal/revoke")
@signed_in
def revoke_personal() -> Response:
    if ConfirmForm().validate_on_submit():
        act(lambda: feed_tokens.revoke_personal(db.session(), current_user, now()),
            lambda _count: gettext("Kişisel takvim bağlantınız iptal edildi."))
    return redirect(url_for("calendars.page") + "#personal")


@bp.post("/organization/revoke")
@signed_in
def revoke_organization() -> Response:
    """Stop the organisation's shared link (members' personal links go on)."""
    if ConfirmForm().validate_on_submit() and current_user.organization_id is not None:
        organization_id = current_user.organization_id
        act(lambda: feed_tokens.revoke_tokens(db.session(), current_user,
                                              organization_id=organization_id, now=now()),
            lambda _count: gettext("Kuruluşun ortak takvim bağlantısı iptal edildi."))
    return redirect(url_for("calendars.page") + "#organization-link")
