"""Accounts: register an NGO, sign in and out, reset a forgotten password,
the profile (language, password, API tokens; calendar links are in my_calendars) and the
language switcher."""
from __future__ import annotations

import logging

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale, gettext
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from booking.database import run_in_transaction
from booking.extensions import db
from booking.forms import (
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    InvitationsForm,
    LanguageForm,
    LoginForm,
    ResetPasswordForm,
    TokenForm,
    validated,
)
from booking.i18n import SESSION_KEY, select_locale
from booking.limits import mark_failed, per_account, per_address, refused
from booking.notifications.direct import in_background, send_reset_link
from booking.services import (
    accounts,
    confirmation,
    deletion,
    passwords,
    retention,
    sessions,
    tokens,
)
from booking.services.errors import NotFound
from booking.web import privacy
from booking.web.common import base_url, now, safe_next, signed_in, submit
from booking.web.login import SESSION_ID
from booking.web.privacy_forms import DeletionRequestForm

bp = Blueprint("auth", __name__)
TOKEN_SLOT = "TOKEN-SLOT"  # noqa: S105 - where a link built in the request gets its secret later
log = logging.getLogger(__name__)

def start_session(user: accounts.User) -> None:
    """A fresh session on sign-in: nothing from the anonymous one survives
    except the chosen language (no session fixation), and a new sign-in
    session row on the server that signing out ends."""
    language = session.get(SESSION_KEY)
    session.clear()

    def sign_in() -> str:
        if language:
            # A language chosen just before signing in becomes the user's setting.
            user.language = language
        user.last_login_at = now()
        retention.cancel_notice(user)  # active again: no anonymisation for inactivity
        return sessions.start_session(db.session(), user, now())

    session_id = run_in_transaction(db.session(), sign_in)
    if language:
        session[SESSION_KEY] = language
    session[SESSION_ID] = session_id
    login_user(user)
    privacy.remember_pending(user)  # a new aydınlatma metni is acknowledged first


def _end_session() -> None:
    """Sign this browser out: its session row ends, its cookie is emptied."""
    run_in_transaction(db.session(), lambda: sessions.end_session(
        db.session(), session.get(SESSION_ID), now()))
    language = session.get(SESSION_KEY)
    logout_user()
    session.clear()
    if language:
        session[SESSION_KEY] = language


@bp.route("/login", methods=["GET", "POST"])
@per_address("SIGN_IN_RATE_LIMIT")
@per_account("SIGN_IN_ACCOUNT_RATE_LIMIT")
def login() -> str | Response:
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    unconfirmed = False
    if form.validate_on_submit():
        user = accounts.authenticate(db.session(), validated(form.email.data),
                                     validated(form.password.data))
        db.session.rollback()
        if user is None:
            mark_failed()
            refused("wrong-password")
            form.password.errors = [gettext("E-posta adresi ya da parola yanlış.")]
        elif confirmation.needs_confirmation(user):
            refused("unconfirmed")
            unconfirmed = True
        else:
            start_session(user)
            # The page after this one speaks the user's language; so does the flash
            # (this request's locale was chosen before anyone was signed in).
            with force_locale(select_locale()):
                flash(gettext("Hoş geldiniz, %(name)s.", name=user.name), "ok")
            return redirect(safe_next(form.next.data) or _home_for(user))
    elif request.method == "POST":
        refused("form-errors")
    return render_template("auth/login.html", form=form, unconfirmed=unconfirmed)


def _home_for(user: accounts.User) -> str:
    if user.is_staff:
        return url_for("staff.queue")
    return url_for("bookings.mine")


@bp.post("/logout")
def logout() -> Response:
    form = ConfirmForm()
    if form.validate_on_submit():
        _end_session()
        flash(gettext("Çıkış yaptınız."), "ok")
    return redirect(url_for("public.home"))


@bp.post("/profile/sign-out-everywhere")
@signed_in
def sign_out_everywhere() -> Response:
    """End every session of the person (this browser's too), revoke their API
    tokens and personal calendar links: for a lost phone or a shared computer."""
    if ConfirmForm().validate_on_submit():
        user = current_user._get_current_object()
        ended = run_in_transaction(db.session(), lambda: sessions.end_everything(
            db.session(), user, now()))
        _end_session()
        flash(gettext("Bütün oturumlarınız kapatıldı (%(sessions)d); API anahtarlarınız ve "
                      "kişisel takvim bağlantınız iptal edildi. Yeniden giriş yapın.",
                      sessions=ended.sessions), "ok")
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.profile"))


@bp.post("/language")
def set_language() -> Response:
    """The language switcher: kept in the session, and on the user when signed in."""
    form = LanguageForm()
    target = safe_next(form.next.data) or url_for("public.home")
    if form.validate_on_submit():
        session[SESSION_KEY] = form.language.data
        if current_user.is_authenticated:
            user = current_user._get_current_object()
            run_in_transaction(db.session(), lambda: setattr(user, "language", form.language.data))
    return redirect(target)


# --- password reset ----------------------------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
@per_address("RESET_RATE_LIMIT")
def forgot_password() -> str | Response:
    """The answer, and its time, are the same whether or not the address has an
    account: the mail is handed to the mail threads, not sent while it waits."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = validated(form.email.data)
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        link = base_url() + url_for("auth.reset_password", token=TOKEN_SLOT)

        def issue_and_send() -> None:
            issued = run_in_transaction(db.session(), lambda: passwords.request_reset(
                db.session(), email, now()))
            if issued is not None:
                send_reset_link(issued, link.replace(TOKEN_SLOT, issued.secret), app.config)

        in_background(app, issue_and_send, "password reset request")
        flash(gettext("Bu adresle bir hesap varsa, parola sıfırlama bağlantısı gönderdik. "
                      "Bağlantı bir saat geçerlidir."), "ok")
        return redirect(url_for("auth.login"))
    return render_template(
        "auth/email_request.html", form=form, action=url_for("auth.forgot_password"),
        heading=gettext("Parolamı unuttum"), lead=gettext(
            "Hesabınızın e-posta adresini yazın; size parolanızı sıfırlamanız için bir "
            "bağlantı gönderelim."))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response | tuple[str, int]:
    try:
        passwords.check_reset(db.session(), token, now())
    except NotFound as exc:
        db.session.rollback()
        return render_template("auth/link_invalid.html", message=str(exc.message)), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        outcome = submit(form, lambda: passwords.reset_password(
            db.session(), token, validated(form.password.data), now()))
        if outcome.done:
            logout_user()
            session.pop(SESSION_ID, None)
            flash(gettext("Parolanız değişti; bütün oturumlarınız kapatıldı, API anahtarlarınız "
                          "iptal edildi. Yeni parolanızla giriş yapabilirsiniz."), "ok")
            return redirect(url_for("auth.login"))
        if outcome.general:
            flash(" ".join(outcome.general), "error")
    return render_template("auth/reset.html", form=form)


# --- profile -------------------------------------------------------------------


@bp.get("/profile")
@signed_in
def profile() -> str:
    context = _profile_context(new_api_token=session.pop("new_api_token", None))
    return render_template("auth/profile.html", **context)


@bp.post("/profile/invitations")
@signed_in
def set_invitations() -> Response:
    """Calendar invitations in the booking e-mails: on or off (a checkbox)."""
    form = InvitationsForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        enabled = bool(form.calendar_invitations.data)
        run_in_transaction(db.session(), lambda: accounts.set_calendar_invitations(
            db.session(), user, enabled, now()))
        flash(gettext("Takvim davetleri açıldı.") if enabled
              else gettext("Takvim davetleri kapatıldı."), "ok")
    return redirect(url_for("auth.profile") + "#invitations")


@bp.post("/profile/password")
@signed_in
def change_password() -> str | Response | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if accounts.authenticate(db.session(), current_user.email,
                                 validated(form.current_password.data)) is None:
            form.current_password.errors = [gettext("Şu anki parola yanlış.")]
        else:
            user = current_user._get_current_object()
            outcome = submit(form, lambda: accounts.change_password(
                db.session(), user, validated(form.password.data), now(),
                keep=session.get(SESSION_ID)))
            if outcome.done:
                # The nonce changed: this browser signs in again; every other session ended.
                login_user(user)
                flash(gettext("Parolanız değişti; diğer oturumlarınız kapatıldı, API "
                              "anahtarlarınız iptal edildi."), "ok")
                return redirect(url_for("auth.profile"))
    db.session.rollback()
    flash(gettext("Parola değiştirilemedi; aşağıdaki hataları düzeltin."), "error")
    return _profile_with(password_form=form)


def _invitations_form() -> InvitationsForm:
    return InvitationsForm(formdata=None,
                           calendar_invitations=current_user.calendar_invitations)


def _profile_with(**forms: object) -> tuple[str, int]:
    """The profile again with a form's errors (the other forms empty)."""
    return render_template("auth/profile.html", **_profile_context(**forms)), 422


def _profile_context(**forms: object) -> dict[str, object]:
    context = {
        "language_form": LanguageForm(language=current_user.language, next=url_for("auth.profile")),
        "invitations_form": _invitations_form(),
        "password_form": ChangePasswordForm(formdata=None),
        "token_form": TokenForm(formdata=None),
        "confirm_form": ConfirmForm(),
        "api_tokens": tokens.list_tokens(db.session(), current_user),
        "new_api_token": None,
        "deletion_form": DeletionRequestForm(formdata=None),
        "deletion_request": deletion.open_request_of(db.session(), current_user),
    }
    context.update(forms)
    return context


@bp.post("/profile/tokens")
@signed_in
def create_token() -> str | Response | tuple[str, int]:
    form = TokenForm()
    if form.validate_on_submit():
        outcome = submit(form, lambda: tokens.create_token(db.session(), current_user,
                                                           form.name.data, now()))
        if outcome.done and outcome.result is not None:
            session["new_api_token"] = outcome.result.secret
            flash(gettext("API anahtarı oluşturuldu. Şimdi kopyalayın: bir daha gösterilmeyecek."),
                  "ok")
            return redirect(url_for("auth.profile") + "#api-tokens")
    return _profile_with(token_form=form)


@bp.post("/profile/tokens/<int:token_id>/revoke")
@signed_in
def revoke_token(token_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        try:
            run_in_transaction(db.session(), lambda: tokens.revoke_token(
                db.session(), current_user, token_id, now()))
        except NotFound:
            return redirect(url_for("auth.profile"))
        flash(gettext("API anahtarı iptal edildi."), "ok")
    return redirect(url_for("auth.profile") + "#api-tokens")
