"""Registering an NGO and confirming the address.

The answer to a registration is the same whether or not the address already
has an account: "we sent you a link". A new registrant gets the link that
confirms the address and signs in; the owner of an address that is taken gets
a message saying someone tried (with links to sign in or reset the password),
and nothing is created. The work done (password hashing, rendering, handing a
message to the mail threads) is the same both ways, so the time taken is too.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from booking.database import run_in_transaction
from booking.extensions import db
from booking.forms import ConfirmForm, ForgotPasswordForm, RegisterForm, validated
from booking.i18n import SESSION_KEY
from booking.limits import per_address, refused
from booking.models import User
from booking.notifications import direct
from booking.services import accounts, confirmation, privacy_notice
from booking.services.errors import NotFound, RuleViolation
from booking.web.accounts import TOKEN_SLOT, start_session
from booking.web.common import apply_errors, base_url, now

bp = Blueprint("registration", __name__)

REGISTER_FIELDS = {
    "organization.name": "org_name", "organization.kind": "org_kind",
    "organization.email": "org_email", "user.name": "user_name",
    "user.email": "user_email", "user.password": "password",
    "organization.registry_number": "registry_number", "notice_version": "notice_ack",
}


def _notice_version(form: RegisterForm) -> int | None:
    """The notice version the person acknowledged with the form, if they did."""
    shown = (form.notice_version.data or "").strip()
    return int(shown) if form.notice_ack.data and shown.isdigit() and len(shown) < 9 else None


def _language() -> str:
    if SESSION_KEY in session:
        return str(session[SESSION_KEY])
    return str(request.accept_languages.best_match(["tr", "en"]) or "tr")


def send_confirmation(user: User) -> None:
    """Mail the link that confirms ``user``'s address (the API's registration too)."""
    token = confirmation.confirmation_token(user, current_app.config["SECRET_KEY"])
    link = base_url() + url_for("registration.confirm", token=token)
    direct.send_confirmation_link(user, link, current_app.config)


def tell_owner(email: str) -> None:
    """Tell the owner of ``email`` that someone tried to register with it."""
    owner = accounts.find_user_by_email(db.session(), email)
    if owner is not None and owner.is_active:
        direct.send_registration_attempt(owner, base_url() + url_for("auth.login"),
                                         base_url() + url_for("auth.forgot_password"),
                                         current_app.config)


@bp.route("/register", methods=["GET", "POST"])
@per_address("REGISTER_RATE_LIMIT")
def register() -> str | Response:
    """An NGO signs up with its first member; staff verify it before it can book."""
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    form = RegisterForm()
    general: list[str] = []
    if form.validate_on_submit():
        try:
            registration = run_in_transaction(db.session(), lambda: accounts.register_organization(
                db.session(), org_name=validated(form.org_name.data), kind=form.org_kind.data,
                org_email=validated(form.org_email.data), user_name=validated(form.user_name.data),
                user_email=validated(form.user_email.data), password=validated(form.password.data),
                phone=form.org_phone.data, registry_number=form.registry_number.data,
                language=_language(), notice_version=_notice_version(form), now=now()))
        except accounts.AddressTaken as exc:
            if exc.others:
                general = apply_errors(form, exc.others, REGISTER_FIELDS)
            else:
                refused("address-taken", exc.email)
                tell_owner(exc.email)
                return _sent()
        except RuleViolation as exc:
            general = apply_errors(form, exc.errors, REGISTER_FIELDS)
        else:
            send_confirmation(registration.user)
            return _sent()
    notice = privacy_notice.current(db.session())
    if notice is not None:
        form.notice_version.data = str(notice.version)
    return render_template("auth/register.html", form=form, general=general, notice=notice)


def _sent() -> Response:
    """The one answer to a registration or a request for a new link."""
    flash(gettext("Yazdığınız adrese bir e-posta gönderdik. Kaydı tamamlamak için içindeki "
                  "bağlantıyı açın; bağlantı iki gün geçerlidir."), "ok")
    return redirect(url_for("registration.sent"))


@bp.get("/register/sent")
def sent() -> str:
    return render_template("auth/register_sent.html")


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> str | Response | tuple[str, int]:
    """The mailed link: a page with one button (a link checker opening the
    link confirms nothing), which confirms the address and signs in."""
    secret = current_app.config["SECRET_KEY"]
    try:
        user = confirmation.check_link(db.session(), token, secret)
    except NotFound as exc:
        db.session.rollback()
        return render_template("auth/link_invalid.html", message=str(exc.message),
                               confirmation=True), 404
    form = ConfirmForm()
    if form.validate_on_submit():
        user = run_in_transaction(db.session(), lambda: confirmation.confirm_address(
            db.session(), token, secret, now()))
        start_session(user)
        flash(gettext("Adresiniz doğrulandı, kaydınız tamamlandı. Kuruluşunuz merkez "
                      "görevlilerince doğrulandıktan sonra salon talep edebilirsiniz."), "ok")
        return redirect(url_for("bookings.mine"))
    db.session.rollback()
    return render_template("auth/confirm.html", form=form, user=user)


@bp.route("/register/resend", methods=["GET", "POST"])
@per_address("RESET_RATE_LIMIT")
def resend() -> str | Response:
    """A new confirmation link, for an address whose account is not confirmed
    yet; the answer is the same for every address."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = validated(form.email.data)
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        link = base_url() + url_for("registration.confirm", token=TOKEN_SLOT)

        def look_up_and_send() -> None:
            user = accounts.find_user_by_email(db.session(), email)
            if user is not None and user.is_active and confirmation.needs_confirmation(user):
                token = confirmation.confirmation_token(user, app.config["SECRET_KEY"])
                direct.send_confirmation_link(user, link.replace(TOKEN_SLOT, token), app.config)

        direct.in_background(app, look_up_and_send, "confirmation link request")
        return _sent()
    return render_template(
        "auth/email_request.html", form=form, action=url_for("registration.resend"),
        heading=gettext("Yeni doğrulama bağlantısı"), lead=gettext(
            "Kayıt olurken yazdığınız e-posta adresini yazın; hesabınız henüz doğrulanmadıysa "
            "size yeni bir bağlantı gönderelim."))
