"""The organisation's people (SPEC §9; docs/representatives.md): the members
page of representatives (roles, the invite form, pending invitations, remove,
promote and demote), leaving, and the page an invitation link opens."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from booking.database import run_in_transaction
from booking.extensions import db
from booking.forms import (
    BAD_EMAIL,
    PASSWORDS_DIFFER,
    REQUIRED,
    ConfirmForm,
    Form,
    choices,
    password_field,
)
from booking.forms import validated as validated
from booking.models import OrganizationRole, User
from booking.notifications import direct
from booking.services import invitations, memberships, privacy_notice
from booking.services.access import represents
from booking.services.errors import NotFound, RuleViolation
from booking.web import privacy
from booking.web.accounts import start_session
from booking.web.common import _guard, act, apply_errors, base_url, now, signed_in, submit
from booking.web.registration import _language

bp = Blueprint("members", __name__)
representative_required = _guard(lambda user: represents(user, user.organization_id))
ROLE_CHOICES = [(OrganizationRole.MEMBER.value, _l("Üye")),
                (OrganizationRole.REPRESENTATIVE.value, _l("Temsilci"))]


class InviteForm(Form):
    email = EmailField(_l("E-posta adresi"), validators=[DataRequired(REQUIRED), Email(BAD_EMAIL),
                                                        Length(max=254)])
    role = SelectField(_l("Rol"), choices=choices(ROLE_CHOICES),
                       default=OrganizationRole.MEMBER.value)


class ContactsForm(Form):
    email = EmailField(_l("Kuruluşun e-posta adresi"),
                       validators=[DataRequired(REQUIRED), Email(BAD_EMAIL), Length(max=254)])
    phone = StringField(_l("Kuruluşun telefonu (isteğe bağlı)"),
                        validators=[Optional(), Length(max=40)])


class AcceptForm(Form):
    name = StringField(_l("Adınız soyadınız"), validators=[DataRequired(REQUIRED), Length(max=200)])
    password = password_field(_l("Parola"))
    password_confirm = PasswordField(_l("Parola (tekrar)"), validators=[
        DataRequired(REQUIRED), EqualTo("password", PASSWORDS_DIFFER)])
    notice_version = HiddenField()
    notice_ack = BooleanField(_l("Aydınlatma metnini okudum"))


def _actor() -> User:
    return current_user._get_current_object()


@bp.get("/organization/members")
@representative_required
def page(form: InviteForm | None = None, general: list[str] | None = None,
         contacts: ContactsForm | None = None) -> str:
    """Members with their roles, the invite form, the pending invitations and
    the organisation's contacts."""
    actor = _actor()
    people = memberships.members(db.session(), actor)
    pending = invitations.pending(db.session(), actor, now())
    privacy.viewed_members(actor.organization_id)  # type: ignore[arg-type]
    return render_template("auth/members.html", people=people, pending=pending,
                           form=form or InviteForm(), general=general or [],
                           contacts=contacts or ContactsForm(obj=actor.organization),
                           organization=actor.organization, roles=OrganizationRole)


@bp.post("/organization/contacts")
@representative_required
def contacts() -> Any:
    form = ContactsForm()
    if form.validate_on_submit():
        outcome = submit(form, lambda: memberships.update_contacts(
            db.session(), _actor(), email=validated(form.email.data), phone=form.phone.data,
            now=now()))
        if outcome.done:
            flash(gettext("Kuruluşun iletişim bilgileri kaydedildi."), "ok")
            return redirect(url_for("members.page") + "#contacts")
        if outcome.general:
            flash(" ".join(outcome.general), "error")
    return page(contacts=form), 422


@bp.post("/organization/members/invite")
@representative_required
def invite() -> Any:
    form = InviteForm()
    actor = _actor()
    if not form.validate_on_submit():
        return page(form), 422
    days = int(current_app.config["INVITATION_VALID_DAYS"])
    outcome = submit(form, lambda: invitations.invite(
        db.session(), actor, validated(form.email.data), form.role.data, now(), days))
    if not outcome.done or outcome.result is None:
        return page(form, outcome.general), 422
    send_invitation(outcome.result, actor)
    flash(gettext("%(email)s adresine davet gönderildi.", email=outcome.result.invitation.email),
          "ok")
    return redirect(url_for("members.page"))


def send_invitation(issued: invitations.IssuedInvitation, inviter: User) -> None:
    """Mail the link (the API's invitations too), in the invitee's language
    when they have an account, else the inviter's."""
    invitation = issued.invitation
    known = db.session.scalar(db.select(User.language).where(User.email == invitation.email))
    link = base_url() + url_for("members.accept", token=issued.secret)
    direct.send_invitation(invitation.email, known or inviter.language or "tr",
                           invitation.organization.name, inviter.name, link,
                           int(current_app.config["INVITATION_VALID_DAYS"]), current_app.config)


@bp.post("/organization/invitations/<int:invitation_id>/revoke")
@representative_required
def revoke(invitation_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        act(lambda: invitations.revoke(db.session(), _actor(), invitation_id, now()),
            lambda row: gettext("%(email)s adresine gönderilen davet iptal edildi.",
                                email=row.email))
    return redirect(url_for("members.page"))


@bp.post("/organization/members/<int:user_id>/<any(representative, member):role>")
@representative_required
def set_role(user_id: int, role: str) -> Response:
    if ConfirmForm().validate_on_submit():
        act(lambda: memberships.set_role(db.session(), _actor(), user_id, role, now()),
            lambda user: gettext("%(name)s artık kuruluşun temsilcisi.", name=user.name)
            if user.is_representative else gettext("%(name)s artık üye.", name=user.name))
    return redirect(url_for("members.page"))


@bp.post("/organization/members/<int:user_id>/remove")
@representative_required
def remove(user_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        if user_id == current_user.id:
            return leave()
        act(lambda: memberships.remove_member(db.session(), _actor(), user_id, now()),
            lambda user: gettext("%(name)s kuruluştan çıkarıldı; hesabı kapatıldı.",
                                 name=user.name))
    return redirect(url_for("members.page"))


@bp.post("/organization/leave")
@signed_in
def leave() -> Response:
    """A member leaves: their account is closed and they are signed out."""
    if ConfirmForm().validate_on_submit() and act(
            lambda: memberships.leave(db.session(), _actor(), now()),
            lambda _user: gettext("Kuruluştan ayrıldınız; hesabınız kapatıldı.")):
        return redirect(url_for("public.home"))
    return redirect(url_for("auth.profile"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept(token: str) -> Any:
    """The mailed link: the invited person registers (name, password, the
    notice) and is signed in; a signed-in person is told why they cannot join."""
    try:
        invitation = invitations.check(db.session(), token, now())
        if current_user.is_authenticated:
            invitations.refuse_signed_in(db.session(), token, _actor(), now())
        invitations.refuse_an_account(db.session(), invitation)
    except NotFound as exc:
        db.session.rollback()
        return render_template("auth/link_invalid.html", message=str(exc.message),
                               invitation=True), 404
    except RuleViolation as exc:
        db.session.rollback()
        return render_template("auth/link_invalid.html", message=str(exc.errors[0].message),
                               invitation=True), 409
    form = AcceptForm()
    general: list[str] = []
    if form.validate_on_submit():
        notice_version = _notice_version(form)
        try:
            user = run_in_transaction(db.session(), lambda: invitations.accept(
                db.session(), token, name=validated(form.name.data),
                password=validated(form.password.data), notice_version=notice_version,
                language=_language(),
                now=now()))
        except NotFound as exc:
            return render_template("auth/link_invalid.html", message=str(exc.message),
                               invitation=True), 404
        except RuleViolation as exc:
            general = apply_errors(form, exc.errors, {"user.name": "name",
                                                      "user.password": "password",
                                                      "notice_version": "notice_ack"})
        else:
            start_session(user)
            flash(gettext("Hoş geldiniz! Artık %(organization)s kuruluşunun üyesisiniz.",
                          organization=user.organization.name if user.organization else ""), "ok")
            return redirect(url_for("bookings.mine"))
    notice = privacy_notice.current(db.session())
    if notice is not None:
        form.notice_version.data = str(notice.version)
    invitation = invitations.check(db.session(), token, now()) if general else invitation
    return render_template("auth/accept_invitation.html", form=form, general=general,
                           notice=notice, invitation=invitation), (422 if general else 200)


def _notice_version(form: AcceptForm) -> int | None:
    shown = (form.notice_version.data or "").strip()
    return int(shown) if form.notice_ack.data and shown.isdigit() and len(shown) < 9 else None
