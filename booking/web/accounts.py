"""Accounts: register an NGO, sign in and out, reset a forgotten password,
the profile (language, password, API tokens, private calendar link) and the
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

from booking.calendar import ical
from booking.extensions import db, limiter
from booking.forms import (
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    TokenForm,
    validated,
)
from booking.i18n import SESSION_KEY, select_locale
from booking.models import Role
from booking.notifications.password_reset import send_reset_link
from booking.services import accounts, feed_tokens, passwords, tokens
from booking.services.errors import NotFound, RuleViolation
from booking.web.common import apply_errors, base_url, now, safe_next, signed_in

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)

REGISTER_FIELDS = {
    "organization.name": "org_name", "organization.kind": "org_kind",
    "organization.email": "org_email", "user.name": "user_name",
    "user.email": "user_email", "user.password": "password",
    "organization.registry_number": "registry_number",
}


def _start_session(user: accounts.User) -> None:
    """A fresh session on sign-in: nothing from the anonymous one survives
    except the chosen language (no session fixation)."""
    language = session.get(SESSION_KEY)
    session.clear()
    if language:
        # A language chosen just before signing in becomes the user's setting.
        session[SESSION_KEY] = language
        user.language = language
    login_user(user)
    user.last_login_at = now()
    db.session.commit()


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response:
    """An NGO signs up with its first member; staff verify it before it can book."""
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    form = RegisterForm()
    general: list[str] = []
    if form.validate_on_submit():
        try:
            registration = accounts.register_organization(
                db.session(), org_name=validated(form.org_name.data), kind=form.org_kind.data,
                org_email=validated(form.org_email.data), user_name=validated(form.user_name.data),
                user_email=validated(form.user_email.data), password=validated(form.password.data),
                phone=form.org_phone.data, registry_number=form.registry_number.data,
                language=str(request.accept_languages.best_match(["tr", "en"]) or "tr")
                if SESSION_KEY not in session else session[SESSION_KEY],
            )
        except RuleViolation as exc:
            db.session.rollback()
            general = apply_errors(form, exc.errors, REGISTER_FIELDS)
        else:
            db.session.commit()
            _start_session(registration.user)
            flash(gettext("Kaydınız alındı. Kuruluşunuz merkez görevlilerince doğrulandıktan "
                          "sonra salon talep edebilirsiniz."), "ok")
            return redirect(url_for("bookings.mine"))
    return render_template("auth/register.html", form=form, general=general)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def login() -> str | Response:
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = accounts.authenticate(db.session(), validated(form.email.data),
                                     validated(form.password.data))
        if user is None:
            db.session.rollback()
            form.password.errors = [gettext("E-posta adresi ya da parola yanlış.")]
        else:
            _start_session(user)
            # The page after this one speaks the user's language; so does the flash
            # (this request's locale was chosen before anyone was signed in).
            with force_locale(select_locale()):
                flash(gettext("Hoş geldiniz, %(name)s.", name=user.name), "ok")
            return redirect(safe_next(form.next.data) or _home_for(user))
    return render_template("auth/login.html", form=form)


def _home_for(user: accounts.User) -> str:
    if user.is_staff:
        return url_for("staff.queue")
    return url_for("bookings.mine")


@bp.post("/logout")
def logout() -> Response:
    form = ConfirmForm()
    if form.validate_on_submit():
        language = session.get(SESSION_KEY)
        logout_user()
        session.clear()
        if language:
            session[SESSION_KEY] = language
        flash(gettext("Çıkış yaptınız."), "ok")
    return redirect(url_for("public.home"))


@bp.post("/language")
def set_language() -> Response:
    """The language switcher: kept in the session, and on the user when signed in."""
    form = LanguageForm()
    target = safe_next(form.next.data) or url_for("public.home")
    if form.validate_on_submit():
        session[SESSION_KEY] = form.language.data
        if current_user.is_authenticated:
            current_user.language = form.language.data
            db.session.commit()
    return redirect(target)


# --- password reset ----------------------------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        issued = passwords.request_reset(db.session(), validated(form.email.data), now())
        db.session.commit()
        if issued is not None:
            link = base_url() + url_for("auth.reset_password", token=issued.secret)
            send_reset_link(issued, link, current_app.config)
        flash(gettext("Bu adresle bir hesap varsa, parola sıfırlama bağlantısı gönderdik. "
                      "Bağlantı bir saat geçerlidir."), "ok")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response | tuple[str, int]:
    try:
        passwords.check_reset(db.session(), token, now())
    except NotFound as exc:
        db.session.rollback()
        return render_template("auth/reset_invalid.html", message=str(exc.message)), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            passwords.reset_password(db.session(), token, validated(form.password.data), now())
        except RuleViolation as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            logout_user()
            flash(gettext("Parolanız değişti. Yeni parolanızla giriş yapabilirsiniz."), "ok")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


# --- profile -------------------------------------------------------------------


def _feed_owner() -> dict[str, int]:
    if current_user.role == Role.MEMBER:
        return {"organization_id": current_user.organization_id}
    return {"user_id": current_user.id}


@bp.get("/profile")
@signed_in
def profile() -> str:
    language_form = LanguageForm(language=current_user.language, next=url_for("auth.profile"))
    feed_token = feed_tokens.live_token(db.session(), current_user, **_feed_owner())
    new_feed = session.pop("new_feed_token", None)
    new_api = session.pop("new_api_token", None)
    feed_url = base_url() + url_for("feeds.private_calendar", token=new_feed) if new_feed else None
    return render_template(
        "auth/profile.html",
        language_form=language_form,
        password_form=ChangePasswordForm(),
        token_form=TokenForm(),
        confirm_form=ConfirmForm(),
        api_tokens=tokens.list_tokens(db.session(), current_user),
        feed_token=feed_token,
        feed_url=feed_url,
        webcal=ical.webcal_url(feed_url)
        if feed_url else None,
        new_api_token=new_api,
    )


@bp.post("/profile/password")
@signed_in
def change_password() -> str | Response | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if accounts.authenticate(db.session(), current_user.email,
                                 validated(form.current_password.data)) is None:
            form.current_password.errors = [gettext("Şu anki parola yanlış.")]
        else:
            try:
                accounts.change_password(db.session(), current_user, validated(form.password.data))
            except RuleViolation as exc:
                db.session.rollback()
                apply_errors(form, exc.errors)
            else:
                db.session.commit()
                # The nonce changed: sign this browser in again, every other session ends.
                login_user(current_user._get_current_object())
                flash(gettext("Parolanız değişti; diğer oturumlarınız kapatıldı."), "ok")
                return redirect(url_for("auth.profile"))
    db.session.rollback()
    flash(gettext("Parola değiştirilemedi; aşağıdaki hataları düzeltin."), "error")
    return _profile_with(password_form=form)


def _profile_with(**forms: object) -> tuple[str, int]:
    feed_token = feed_tokens.live_token(db.session(), current_user, **_feed_owner())
    context = {
        "language_form": LanguageForm(language=current_user.language, next=url_for("auth.profile")),
        "password_form": ChangePasswordForm(formdata=None),
        "token_form": TokenForm(formdata=None),
        "confirm_form": ConfirmForm(),
        "api_tokens": tokens.list_tokens(db.session(), current_user),
        "feed_token": feed_token, "feed_url": None, "webcal": None, "new_api_token": None,
    }
    context.update(forms)
    return render_template("auth/profile.html", **context), 422


@bp.post("/profile/tokens")
@signed_in
def create_token() -> str | Response | tuple[str, int]:
    form = TokenForm()
    if form.validate_on_submit():
        try:
            issued = tokens.create_token(db.session(), current_user, form.name.data, now())
        except RuleViolation as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            session["new_api_token"] = issued.secret
            flash(gettext("API anahtarı oluşturuldu. Şimdi kopyalayın: bir daha gösterilmeyecek."),
                  "ok")
            return redirect(url_for("auth.profile") + "#api-tokens")
    return _profile_with(token_form=form)


@bp.post("/profile/tokens/<int:token_id>/revoke")
@signed_in
def revoke_token(token_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        try:
            tokens.revoke_token(db.session(), current_user, token_id, now())
        except NotFound:
            db.session.rollback()
            return redirect(url_for("auth.profile"))
        db.session.commit()
        flash(gettext("API anahtarı iptal edildi."), "ok")
    return redirect(url_for("auth.profile") + "#api-tokens")


@bp.post("/profile/feed")
@signed_in
def regenerate_feed() -> Response:
    """Create the private calendar link, or replace it (the old link stops working)."""
    if ConfirmForm().validate_on_submit():
        had_one = feed_tokens.live_token(db.session(), current_user, **_feed_owner()) is not None
        issued = feed_tokens.issue_token(db.session(), current_user, now=now(), **_feed_owner())
        db.session.commit()
        session["new_feed_token"] = issued.token
        if had_one:
            flash(gettext("Yeni takvim bağlantınız hazır; eski bağlantı artık çalışmaz."), "ok")
        else:
            # A first link replaces nothing: no talk of an old one that never was.
            flash(gettext("Takvim bağlantınız hazır. Adresi kopyalayıp takvim uygulamanıza "
                          "ekleyin."), "ok")
    return redirect(url_for("auth.profile") + "#feed")
