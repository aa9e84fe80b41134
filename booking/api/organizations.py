"""Organisations (registration, verification, lists) and users."""
from __future__ import annotations

from flask import Response, current_app
from flask_babel import gettext as _
from sqlalchemy import select

from booking.api import schemas as s
from booking.api import serialize
from booking.api.auth import auth_rate_limit, require_admin, require_user
from booking.api.errors import ApiProblem
from booking.api.registry import operation, page_of_query, reply, write
from booking.extensions import db
from booking.limits import refused
from booking.models import Organization, Role, User, utcnow
from booking.services import accounts, verification
from booking.services.errors import NotFound, RuleViolation
from booking.web.registration import send_confirmation, tell_owner


def _visible_organization(user: User, organization_id: int) -> Organization:
    """Staff and admins see every organisation; a member only their own."""
    organization = db.session.get(Organization, organization_id)
    if organization is None or (not user.is_staff and user.organization_id != organization.id):
        raise NotFound(_("Kuruluş bulunamadı."))
    return organization


@operation("POST", "/organizations/register", summary="Register an organisation",
           tag="Organisations", access="anyone", status=202, response=s.RegistrationAccepted,
           body=s.RegistrationIn, errors=(422, 429), rate_limit=auth_rate_limit)
def register(body: s.RegistrationIn) -> Response:
    """An NGO signs up with its first member. The answer is 202 whether or not
    the address already has an account: a new registrant is mailed a link that
    confirms the address (tokens can be made once it is opened), the owner of
    a taken address a message saying someone tried. The organisation starts
    unverified: its members can sign in but not book until staff verify it.
    Rate limited per client address."""
    org, person = body.organization, body.user
    try:
        registration = write(lambda: accounts.register_organization(
            db.session(), org_name=org.name, kind=org.kind.value, org_email=org.email,
            user_name=person.name, user_email=person.email, password=person.password,
            phone=org.phone, registry_number=org.registry_number, language=person.language,
            notice_version=body.notice_version, now=utcnow(),
        ))
    except accounts.AddressTaken as exc:
        if exc.others:
            raise RuleViolation(exc.others) from None
        refused("address-taken", exc.email)
        tell_owner(exc.email)
    else:
        send_confirmation(registration.user)
    return reply(s.RegistrationAccepted(detail=_(
        "Yazdığınız adrese bir e-posta gönderdik. Kaydı tamamlamak için içindeki bağlantıyı "
        "açın; bağlantı iki gün geçerlidir.")), 202)


@operation("POST", "/organizations/{organization_id}/verify", summary="Verify an organisation",
           tag="Organisations", access="staff, admin", response=s.OrganizationOut,
           body=s.VerificationIn, errors=(401, 403, 404, 422))
def verify(organization_id: int, body: s.VerificationIn) -> Response:
    """Vouch for an organisation, saying how, or renew its verification; its
    members may then book until `verification_expires_at`
    (VERIFICATION_VALID_DAYS later). Each call is recorded (who, when, how,
    the note); verifying again renews."""
    user = require_user()
    organization = _visible_organization(user, organization_id)
    if not user.is_staff:
        raise ApiProblem(403, "forbidden", _("Kuruluşları yalnızca merkez görevlileri ve "
                                              "yöneticiler doğrulayabilir."))
    valid_days = int(current_app.config["VERIFICATION_VALID_DAYS"])
    organization = write(lambda: accounts.verify_organization(
        db.session(), user, organization.id, method=body.method, note=body.note, now=utcnow(),
        valid_days=valid_days))
    return reply(serialize.organization(organization))


@operation("GET", "/organizations", summary="List organisations", tag="Organisations",
           access="staff, admin; a member sees their own", response=s.OrganizationPage,
           query=s.OrganizationQuery, errors=(401,))
def list_organizations(query: s.OrganizationQuery) -> Response:
    """Organisations by name, optionally only (un)verified ones."""
    user = require_user()
    stmt = select(Organization).order_by(Organization.name, Organization.id)
    if not user.is_staff:
        stmt = stmt.where(Organization.id == user.organization_id)
    stmt = verification.with_verified(stmt, query.verified)
    rows, total, per_page = page_of_query(db.session(), stmt, query.page, query.per_page)
    return reply(s.OrganizationPage(items=[serialize.organization(o) for o in rows],
                                    page=query.page, per_page=per_page, total=total))


@operation("GET", "/organizations/{organization_id}", summary="Get an organisation",
           tag="Organisations", access="staff, admin; a member their own",
           response=s.OrganizationOut, errors=(401, 404))
def get_organization(organization_id: int) -> Response:
    """One organisation."""
    user = require_user()
    return reply(serialize.organization(_visible_organization(user, organization_id)))


@operation("POST", "/users", summary="Create a user", tag="People", access="admin", status=201,
           response=s.UserOut, body=s.UserCreate, errors=(401, 403, 422))
def create_user(body: s.UserCreate) -> Response:
    """Add a member (with `organization_id`), staff (with `center_ids`) or an admin."""
    admin = require_admin()
    created = write(lambda: accounts.create_user(
        db.session(), admin, email=body.email, name=body.name, password=body.password,
        role=Role(body.role), organization_id=body.organization_id,
        center_ids=list(dict.fromkeys(body.center_ids)), language=body.language,
    ))
    return reply(serialize.user(created), 201)
