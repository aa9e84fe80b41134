"""Representatives and members of an organisation (SPEC §9; docs/representatives.md).

A member of an organisation is a *representative* or a *member*.
Representatives invite people (services/invitations.py), remove members,
change a member's role, revoke the organisation's calendar link and cancel
any of its bookings; members request bookings and change or cancel their
own. The permission predicates are in services/access.py.

Representatives also change the organisation's contact address and phone
(``update_contacts``). An organisation always keeps at least one active
representative: the last one cannot leave, be removed or demoted (nor be
deactivated or moved by an admin: services/users.update_user). The check and the change run under
the organisation's row lock on PostgreSQL (SQLite's BEGIN IMMEDIATE already
serialises writers), so two representatives demoting each other at once
leave one of them a representative.

Removing a member (or a member leaving) closes their account: it signs in
no more, its sessions, API tokens and personal calendar links end. Their
bookings stay with the organisation.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from booking.database import reads_under_lock
from booking.i18n.text import turkish_sort_key
from booking.models import (
    Booking,
    BookingStatus,
    Organization,
    OrganizationRole,
    Role,
    User,
)
from booking.services import audit
from booking.services.access import represents
from booking.services.accounts import check_email
from booking.services.errors import FieldError, NotAllowed, NotFound, RuleViolation
from booking.services.sessions import end_everything

NOT_FOUND = _l("Kişi bulunamadı.")
LAST_REPRESENTATIVE = _l(
    "Kuruluşun en az bir temsilcisi olmalı. Önce başka bir üyeyi temsilci yapın.")
ONLY_REPRESENTATIVES = _l("Bunu yalnızca kuruluşun temsilcileri yapabilir.")
CLOSED = _l("Bu kuruluş kapatıldı.")


def _active_members(organization_id: int) -> Select[User]:
    return select(User).where(User.organization_id == organization_id,
                              User.role == Role.MEMBER, User.is_active.is_(True),
                              User.anonymised_at.is_(None))


def representatives(session: Session, organization_id: int) -> list[User]:
    """The organisation's active representatives (not anonymised), by id."""
    return list(session.scalars(_active_members(organization_id).where(
        User.organization_role == OrganizationRole.REPRESENTATIVE).order_by(User.id)))


def members(session: Session, actor: User) -> list[User]:
    """The actor's organisation's active people, representatives first, by
    name in Turkish order; for its representatives only."""
    organization = require_representative(session, actor)
    people = session.scalars(_active_members(organization.id))
    return sorted(people, key=lambda u: (u.organization_role != OrganizationRole.REPRESENTATIVE,
                                         turkish_sort_key(u.name)))


def require_representative(session: Session, actor: User | None) -> Organization:
    """The organisation the actor represents; NotAllowed for anyone else."""
    if actor is None or actor.organization_id is None or not represents(actor,
                                                                        actor.organization_id):
        raise NotAllowed(ONLY_REPRESENTATIVES)
    organization = session.get(Organization, actor.organization_id)
    if organization is None:
        raise NotFound(_l("Kuruluş bulunamadı."))
    return organization


def lock_organization(session: Session, organization_id: int) -> None:
    """Serialise changes of one organisation's people (PostgreSQL: its row)."""
    if reads_under_lock(session):
        session.execute(select(Organization.id).where(Organization.id == organization_id)
                        .with_for_update())


def _count_representatives(session: Session, organization_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(
        _active_members(organization_id).where(
            User.organization_role == OrganizationRole.REPRESENTATIVE).subquery())) or 0)


def is_last_representative(session: Session, user: User) -> bool:
    """Whether ``user`` is the only active representative of an open organisation."""
    if not user.is_representative or user.organization_id is None or not user.is_active:
        return False
    organization = session.get(Organization, user.organization_id)
    if organization is None or organization.closed_at is not None:
        return False
    return _count_representatives(session, user.organization_id) <= 1


def _member_of(session: Session, organization_id: int, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.organization_id != organization_id or user.role != Role.MEMBER \
            or not user.is_active or user.anonymised_at is not None:
        raise NotFound(NOT_FOUND)
    session.refresh(user, ["organization_role", "is_active"])  # current, after the lock
    return user


def set_role(session: Session, actor: User, user_id: int, role: OrganizationRole | str,
             now: datetime) -> User:
    """A representative makes a member a representative, or a representative
    (themselves too) a member; never the last representative."""
    organization = require_representative(session, actor)
    try:
        role = OrganizationRole(role)
    except ValueError:
        raise RuleViolation.single("role", _l("Rol representative ya da member olmalı.")) from None
    lock_organization(session, organization.id)
    user = _member_of(session, organization.id, user_id)
    if user.organization_role == role:
        return user
    if role == OrganizationRole.MEMBER and is_last_representative(session, user):
        raise RuleViolation.single("role", LAST_REPRESENTATIVE)
    previous = user.organization_role
    user.organization_role = role
    audit.record(session, actor, "user", user.id, "organization_role", at=now,
                 details={"organization_id": organization.id, "from": previous.value,
                          "to": role.value})
    return user


def remove_member(session: Session, actor: User, user_id: int, now: datetime) -> User:
    """A representative removes a member (or themselves: leaving); their
    account is closed. Never the last representative."""
    if actor.id == user_id:
        return leave(session, actor, now)
    organization = require_representative(session, actor)
    lock_organization(session, organization.id)
    user = _member_of(session, organization.id, user_id)
    return _close_account(session, actor, user, now, why="removed")


def leave(session: Session, actor: User, now: datetime) -> User:
    """A member (representative or not) leaves their organisation; the last
    representative cannot."""
    if actor.role != Role.MEMBER or actor.organization_id is None:
        raise NotAllowed(_l("Bir kuruluşun üyesi değilsiniz."))
    lock_organization(session, actor.organization_id)
    user = _member_of(session, actor.organization_id, actor.id)
    return _close_account(session, actor, user, now, why="left")


def _close_account(session: Session, actor: User, user: User, now: datetime, *,
                   why: str) -> User:
    if is_last_representative(session, user):
        raise RuleViolation.single("user", LAST_REPRESENTATIVE)
    end_everything(session, user, now, why=why)
    user.is_active = False
    audit.record(session, actor, "user", user.id, why, at=now,
                 details={"organization_id": user.organization_id})
    return user


def name_successor(session: Session, actor: User | None, leaving: User, successor_id: int,
                   now: datetime) -> User:
    """Staff (deleting ``leaving``'s data) or the retention run make another
    active member of the same organisation a representative."""
    if leaving.organization_id is None:
        raise NotFound(NOT_FOUND)
    lock_organization(session, leaving.organization_id)
    try:
        successor = _member_of(session, leaving.organization_id, successor_id)
    except NotFound:
        raise RuleViolation.single("successor_id", _l(
            "Halef, kuruluşun etkin üyelerinden biri olmalı.")) from None
    if successor.id == leaving.id:
        raise RuleViolation.single("successor_id", _l("Halef, silinecek kişiden başkası olmalı."))
    if successor.organization_role != OrganizationRole.REPRESENTATIVE:
        successor.organization_role = OrganizationRole.REPRESENTATIVE
        audit.record(session, actor, "user", successor.id, "organization_role", at=now,
                     details={"organization_id": leaving.organization_id,
                              "from": OrganizationRole.MEMBER.value,
                              "to": OrganizationRole.REPRESENTATIVE.value,
                              "successor_of": leaving.id})
    return successor


def successor_candidates(session: Session, leaving: User) -> list[User]:
    """The other active members of ``leaving``'s organisation, earliest first."""
    if leaving.organization_id is None:
        return []
    return list(session.scalars(_active_members(leaving.organization_id)
                                .where(User.id != leaving.id).order_by(User.created_at, User.id)))


def close_organization(session: Session, actor: User | None, organization_id: int,
                       now: datetime) -> int:
    """Close an organisation: it requests nothing more (services/rules.py) and
    its bookings still ahead are cancelled through the cancel service, each
    telling whom it tells. Returns how many were cancelled."""
    from booking.services.bookings import cancel_loaded  # bookings imports access, not us

    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound(_l("Kuruluş bulunamadı."))
    lock_organization(session, organization_id)
    if organization.closed_at is not None:
        return 0
    organization.closed_at = now
    ahead = list(session.scalars(select(Booking).where(
        Booking.organization_id == organization_id, Booking.start_at > now,
        Booking.status.in_([BookingStatus.PENDING, BookingStatus.APPROVED]))
        .order_by(Booking.start_at, Booking.id)))
    reason = str(_l("Kuruluş kapatıldı."))
    for booking in ahead:
        cancel_loaded(session, actor, booking, reason, now)  # type: ignore[arg-type]
    audit.record(session, actor, "organization", organization_id, "close", at=now,
                 details={"cancelled_bookings": len(ahead)})
    return len(ahead)


def update_contacts(session: Session, actor: User, *, email: str, phone: str | None,
                    now: datetime) -> Organization:
    """A representative changes the organisation's contact address and phone.
    Its name, kind and registry number are what staff verified: admins
    correct those (services/users.update_organization)."""
    organization = require_representative(session, actor)
    errors: list[FieldError] = []
    email = check_email("email", email, errors)
    phone = (phone or "").strip() or None
    if phone is not None and len(phone) > 40:
        errors.append(FieldError("phone", _l("En fazla %(n)d karakter olabilir.", n=40)))
    if errors:
        raise RuleViolation(errors)
    changed = {key: {"from": getattr(organization, key), "to": value}
               for key, value in (("email", email), ("phone", phone))
               if getattr(organization, key) != value}
    if changed:
        organization.email, organization.phone = email, phone
        organization.updated_at = now
        audit.record(session, actor, "organization", organization.id, "update", at=now,
                     details=changed)
    return organization
