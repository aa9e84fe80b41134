"""Users and organisations: creation, sign-in checks, verification."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from booking.i18n.text import one_line, turkish_casefold
from booking.models import (
    Center,
    Organization,
    OrganizationKind,
    OrganizationRole,
    Role,
    User,
    utcnow,
)
from booking.services import audit, privacy_notice, registry, sessions, verification_records
from booking.services.errors import FieldError, NotAllowed, RuleViolation, claiming

MIN_PASSWORD_LENGTH = 8
# Longer is refused before any hashing: a megabyte "password" costs seconds of CPU.
MAX_PASSWORD_LENGTH = 1024
ORGANIZATION_NAME_TAKEN = _l("Bu adla kayıtlı bir kuruluş var.")
EMAIL_TAKEN = _l("Bu e-posta adresiyle bir hesap zaten var.")
# A hash to compare against when the e-mail is unknown, so timing does not tell.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def normalize_email(email: str) -> str:
    """Lower-case and trim; e-mail addresses are compared case-insensitively."""
    return (email or "").strip().lower()


def check_email(field_name: str, email: str, errors: list[FieldError]) -> str:
    """Validate the syntax of an address, adding a field error when it is wrong."""
    email = normalize_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        errors.append(FieldError(field_name, _l("Geçerli bir e-posta adresi girin.")))
    return email


LONG_PASSWORD = _l("Parola en fazla %(n)d karakter olabilir.", n=MAX_PASSWORD_LENGTH)


def check_password(field_name: str, password: str, errors: list[FieldError]) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors.append(
            FieldError(field_name, _l("Parola en az %(n)d karakter olmalı.", n=MIN_PASSWORD_LENGTH))
        )
    elif len(password) > MAX_PASSWORD_LENGTH:
        errors.append(FieldError(field_name, LONG_PASSWORD))


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalize_email(email)))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None."""
    if len(password or "") > MAX_PASSWORD_LENGTH:
        return None  # never hashed: no password is that long
    user = find_user_by_email(session, email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.is_active:
        return None
    return user


def create_user(
    session: Session,
    actor: User | None,
    *,
    email: str,
    name: str,
    password: str,
    role: Role | str = Role.MEMBER,
    organization_id: int | None = None,
    center_ids: Iterable[int] = (),
    language: str = "tr",
) -> User:
    """Add a user. ``actor`` None means the command line (trusted)."""
    if actor is not None and not actor.is_admin:
        raise NotAllowed(_l("Yalnızca yöneticiler kullanıcı ekleyebilir."))
    errors: list[FieldError] = []
    email = check_email("email", email, errors)
    check_password("password", password, errors)
    name = one_line(name)
    if not name:
        errors.append(FieldError("name", _l("Ad gerekli.")))
    try:
        role = Role(role)
    except ValueError:
        errors.append(FieldError("role", _l("Rol member, staff ya da admin olmalı.")))
        role = Role.MEMBER
    if role == Role.MEMBER and organization_id is None:
        errors.append(FieldError("organization_id", _l("Üye bir kuruluşa bağlı olmalı.")))
    if organization_id is not None and session.get(Organization, organization_id) is None:
        errors.append(FieldError("organization_id", _l("Kuruluş bulunamadı.")))
    centers = []
    for center_id in center_ids:
        center = session.get(Center, center_id)
        if center is None:
            errors.append(FieldError("center_ids", _l("Merkez bulunamadı.")))
        else:
            centers.append(center)
    if role == Role.STAFF and not list(center_ids):
        errors.append(FieldError("center_ids", STAFF_NEED_A_CENTER))
    if find_user_by_email(session, email) is not None:
        errors.append(FieldError("email", EMAIL_TAKEN))
    if errors:
        raise RuleViolation(errors)
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password),
        role=role,
        organization_id=organization_id,
        language=language if language in ("tr", "en") else "tr",
        centers=centers,
    )
    session.add(user)
    with claiming({"uq_users_email": FieldError("email", EMAIL_TAKEN)}):
        session.flush()
    audit.record(session, actor, "user", user.id, "create", details={"role": role.value})
    return user


def change_password(session: Session, user: User, new_password: str,
                    now: datetime | None = None, *, keep: str | None = None,
                    why: str = "password_change") -> None:
    """Set a new password, end every session of the user but ``keep`` (the
    browser that changed it, if any) and revoke their API tokens and personal
    calendar links: whoever knew the old password loses what it gave them."""
    errors: list[FieldError] = []
    check_password("password", new_password, errors)
    if errors:
        raise RuleViolation(errors)
    user.password_hash = hash_password(new_password)
    audit.record(session, user, "user", user.id, "password_change")
    sessions.end_everything(session, user, now or utcnow(), keep=keep, why=why)


def set_calendar_invitations(session: Session, actor: User, enabled: bool,
                             now: datetime) -> User:
    """The actor's own choice whether booking e-mails carry calendar
    invitations (iTIP); the plain .ics attachment comes either way."""
    enabled = bool(enabled)
    if actor.calendar_invitations != enabled:
        actor.calendar_invitations = enabled
        audit.record(session, actor, "user", actor.id, "calendar_invitations",
                     details={"enabled": enabled}, at=now)
    return actor


class AddressTaken(RuleViolation):
    """A registration names an address that already has an account. The
    entry points do not say so (that would tell anyone which addresses have
    an account): they answer as for a new registration and mail the owner.
    ``others`` are the registration's other broken rules, which they show."""

    def __init__(self, email: str, others: list[FieldError]) -> None:
        super().__init__([*others, FieldError("user.email", EMAIL_TAKEN)])
        self.email = email
        self.others = others


@dataclass
class Registration:
    organization: Organization
    user: User


# A staff member without a center could do nothing at all.
STAFF_NEED_A_CENTER = _l("Merkez görevlisi en az bir merkeze bağlı olmalı.")


def organization_name_taken(session: Session, name: str, except_id: int | None = None) -> bool:
    """Whether an organisation (other than ``except_id``) has this name,
    compared by Turkish rules: "izmir derneği" and "İZMİR DERNEĞİ" are the
    same name, "IZMIR" is not. SQL's lower() folds İ/I the English way (and
    SQLite's only ASCII), so the few hundred names are compared here."""
    folded = turkish_casefold(one_line(name))
    query = select(Organization.name)
    if except_id is not None:
        query = query.where(Organization.id != except_id)
    return any(turkish_casefold(one_line(other)) == folded for other in session.scalars(query))


def _checked_organization_name(session: Session, name: str, errors: list[FieldError]) -> str:
    name = one_line(name)
    if not name:
        errors.append(FieldError("organization.name", _l("Kuruluş adı gerekli.")))
    elif organization_name_taken(session, name):
        errors.append(FieldError("organization.name", ORGANIZATION_NAME_TAKEN))
    return name


def register_organization(
    session: Session,
    *,
    org_name: str,
    kind: str,
    org_email: str,
    user_name: str,
    user_email: str,
    password: str,
    phone: str | None = None,
    registry_number: str | None = None,
    language: str = "tr",
    notice_version: int | None = None,
    now: datetime | None = None,
) -> Registration:
    """An NGO signs up: the organisation starts unverified, with its first
    member, whose address is unconfirmed until they open the mailed link.

    An address that already has an account is AddressTaken (a RuleViolation on
    ``user.email``), after the same work as a registration, password hashing
    included, so that the time taken does not tell either."""
    errors: list[FieldError] = []
    org_name = _checked_organization_name(session, org_name, errors)
    try:
        org_kind = OrganizationKind(kind)
    except ValueError:
        errors.append(FieldError("organization.kind", _l("Geçersiz kuruluş türü.")))
        org_kind = OrganizationKind.OTHER
    org_email = check_email("organization.email", org_email, errors)
    registry_number = registry.check(session, "organization.registry_number", org_kind,
                                     registry_number, errors)
    user_email, user_name, notice = _checked_person(session, user_email, user_name, password,
                                                    notice_version, errors)
    owner = find_user_by_email(session, user_email) if user_email else None
    if owner is not None:
        hash_password(password)  # the work a registration does, so no answer is quicker
        raise AddressTaken(user_email, errors)
    if errors:
        raise RuleViolation(errors)
    organization = Organization(name=org_name, kind=org_kind, email=org_email,
                                phone=(phone or "").strip() or None,
                                registry_number=registry_number, is_verified=False)
    session.add(organization)
    with claiming({"uq_organizations_name": FieldError("organization.name",
                                                       ORGANIZATION_NAME_TAKEN),
                   registry.UNIQUE_INDEX: FieldError("organization.registry_number",
                                                     registry.TAKEN)}):
        session.flush()
    # The registering person is the organisation's first representative.
    user = _insert_person(session, organization, user_email, user_name, password, language,
                          OrganizationRole.REPRESENTATIVE)
    if notice is not None:
        privacy_notice.acknowledge(session, user, notice.version, now or utcnow())
    audit.record(session, user, "organization", organization.id, "register")
    return Registration(organization, user)


def register_member(session: Session, organization: Organization, *, user_name: str,
                    user_email: str, password: str, role: OrganizationRole,
                    language: str = "tr", notice_version: int | None = None,
                    now: datetime) -> User:
    """A person joins an existing organisation by registering from an
    invitation (services/memberships.accept_invitation): the same checks as
    a registration (name, password, the current notice acknowledged), and the
    address counts as confirmed, since the invitation was mailed to it."""
    errors: list[FieldError] = []
    user_email, user_name, notice = _checked_person(session, user_email, user_name, password,
                                                    notice_version, errors)
    if find_user_by_email(session, user_email) is not None:
        errors.append(FieldError("user.email", EMAIL_TAKEN))
    if errors:
        raise RuleViolation(errors)
    user = _insert_person(session, organization, user_email, user_name, password, language, role)
    user.email_confirmed_at = now
    if notice is not None:
        privacy_notice.acknowledge(session, user, notice.version, now)
    audit.record(session, user, "user", user.id, "register_from_invitation", at=now,
                 details={"organization_id": organization.id, "organization_role": role.value})
    return user


def _checked_person(session: Session, email: str, name: str, password: str,
                    notice_version: int | None,
                    errors: list[FieldError]) -> tuple[str, str, Any]:
    """The person's part of a registration: address, password, name, notice."""
    email = check_email("user.email", email, errors)
    check_password("user.password", password, errors)
    notice = privacy_notice.required_version(session, notice_version, errors)
    name = one_line(name)
    if not name:
        errors.append(FieldError("user.name", _l("Ad gerekli.")))
    return email, name, notice


def _insert_person(session: Session, organization: Organization, email: str, name: str,
                   password: str, language: str, role: OrganizationRole) -> User:
    """A member of ``organization``, written, address unconfirmed; an address
    that another request took meanwhile is the same error as one taken before."""
    user = User(email=email, name=name, password_hash=hash_password(password), role=Role.MEMBER,
                organization=organization, organization_role=role,
                language=language if language in ("tr", "en") else "tr")
    session.add(user)
    try:
        with claiming({"uq_users_email": FieldError("user.email", EMAIL_TAKEN)}):
            session.flush()
    except RuleViolation:
        raise AddressTaken(email, []) from None
    # Unconfirmed until the mailed link is opened (None would take the column's
    # default, "confirmed now", at the INSERT: set after it).
    user.email_confirmed_at = None
    return user


def verify_organization(session: Session, actor: User, organization_id: int, *,
                        method: str | None, note: str | None = None,
                        now: datetime | None = None,
                        valid_days: int = verification_records.DEFAULT_VALID_DAYS) -> Organization:
    """Staff or an admin vouches for an organisation (or renews its
    verification), saying how; its members may then book
    (services/verification_records.verify, the one place that verifies)."""
    record = verification_records.verify(session, actor, organization_id, method=method,
                                         note=note, now=now or utcnow(), valid_days=valid_days)
    return record.organization
