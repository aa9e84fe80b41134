"""Invitations into an organisation (SPEC §9; docs/representatives.md).

A representative invites an address with a role (member or representative);
the mailed link carries a secret of which only the SHA-256 is stored. It is
single use and expires after ``INVITATION_VALID_DAYS``. Accepting it:

- a person without an account registers from the link (name, password, the
  notice acknowledged: accounts.register_member, the one registration of a
  person), and their address counts as confirmed;
- an address that has an account is told to sign in; a signed-in person who
  already belongs to an organisation (members always do) or is staff is told
  they cannot join, and the link stays unused.

The link is spent by one guarded ``UPDATE … WHERE used_at IS NULL AND
revoked_at IS NULL AND expires_at > now`` before anything is written, so of
two acceptances at once exactly one joins; the other is told the link is no
longer valid. Joining an existing organisation takes an invitation: nobody can
pick an organisation at registration.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from booking.models import Invitation, OrganizationRole, User
from booking.services import accounts, audit
from booking.services.errors import NotFound, RuleViolation
from booking.services.hashing import hash_secret, new_secret
from booking.services.memberships import CLOSED, lock_organization, require_representative

DEFAULT_VALID_DAYS = 7
INVALID = _l("Bu davet bağlantısı geçersiz, kullanılmış ya da süresi dolmuş.")
HAS_ACCOUNT = _l("Bu adresle bir hesap zaten var. Bir kuruluşun üyesi olan ya da merkez "
                 "görevlisi olan bir hesap başka bir kuruluşa katılamaz; hesabınız yoksa "
                 "kuruluşun temsilcisinden yeni bir davet isteyin.")
ALREADY_MEMBER = _l("Bu adres zaten kuruluşunuzun üyesi.")


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    secret: str  # goes into the mailed link, never into the database


def invite(session: Session, actor: User, email: str, role: OrganizationRole | str,
           now: datetime, valid_days: int = DEFAULT_VALID_DAYS) -> IssuedInvitation:
    """A representative invites ``email``; an open invitation of the same
    address is revoked (the new link replaces it)."""
    organization = require_representative(session, actor)
    errors: list[Any] = []
    email = accounts.check_email("email", email, errors)
    try:
        role = OrganizationRole(role)
    except ValueError:
        raise RuleViolation.single("role", _l("Rol representative ya da member olmalı.")) from None
    if errors:
        raise RuleViolation(errors)
    if organization.closed_at is not None:
        raise RuleViolation.single("email", CLOSED)
    lock_organization(session, organization.id)
    existing = accounts.find_user_by_email(session, email)
    if existing is not None and existing.organization_id == organization.id \
            and existing.is_active:
        raise RuleViolation.single("email", ALREADY_MEMBER)
    for old in _open(session, organization.id, now, email):
        old.revoked_at = now
    secret = new_secret()
    invitation = Invitation(organization_id=organization.id, email=email, role=role,
                            token_hash=hash_secret(secret), invited_by_id=actor.id,
                            created_at=now, expires_at=now + timedelta(days=valid_days))
    session.add(invitation)
    session.flush()
    audit.record(session, actor, "invitation", invitation.id, "create", at=now,
                 details={"organization_id": organization.id, "email": email,
                          "role": role.value})
    return IssuedInvitation(invitation, secret)


def _open(session: Session, organization_id: int, now: datetime,
          email: str | None = None) -> list[Invitation]:
    query = select(Invitation).where(
        Invitation.organization_id == organization_id, Invitation.used_at.is_(None),
        Invitation.revoked_at.is_(None), Invitation.expires_at > now)
    if email is not None:
        query = query.where(Invitation.email == email)
    return list(session.scalars(query.order_by(Invitation.created_at, Invitation.id)))


def pending(session: Session, actor: User, now: datetime) -> list[Invitation]:
    """The open invitations of the actor's organisation (representatives only)."""
    return _open(session, require_representative(session, actor).id, now)


def revoke(session: Session, actor: User, invitation_id: int, now: datetime) -> Invitation:
    """A representative revokes an open invitation of their organisation;
    another organisation's is NotFound, a used or expired one is a RuleViolation."""
    organization = require_representative(session, actor)
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.organization_id != organization.id:
        raise NotFound(_l("Davet bulunamadı."))
    if not invitation.is_open(now):
        raise RuleViolation.single("invitation", _l(
            "Bu davet artık açık değil: kullanılmış, iptal edilmiş ya da süresi dolmuş."))
    invitation.revoked_at = now
    audit.record(session, actor, "invitation", invitation.id, "revoke", at=now)
    return invitation


def check(session: Session, secret: str, now: datetime) -> Invitation:
    """The open invitation a link's secret names; NotFound when unknown,
    used, revoked or expired (the same answer for each)."""
    invitation = session.scalar(select(Invitation).where(
        Invitation.token_hash == hash_secret(secret or "")))
    if invitation is None or not invitation.is_open(now) \
            or invitation.organization.closed_at is not None:
        raise NotFound(INVALID)
    return invitation


def _spend(session: Session, invitation: Invitation, now: datetime) -> None:
    spent = cast("CursorResult[Any]", session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None),
               Invitation.revoked_at.is_(None), Invitation.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )).rowcount
    if spent != 1:
        raise NotFound(INVALID)
    set_committed_value(invitation, "used_at", now)


def refuse_signed_in(session: Session, secret: str, actor: User, now: datetime) -> Invitation:
    """A signed-in person opens a link: the reason they cannot join (every
    member already belongs to an organisation; staff and admins join none)."""
    invitation = check(session, secret, now)
    if actor.organization_id == invitation.organization_id:
        raise RuleViolation.single("invitation", _l("Zaten bu kuruluşun üyesisiniz."))
    raise RuleViolation.single("invitation", _l(
        "Hesabınız başka bir kuruluşa ya da merkez görevlilerine bağlı; bu daveti kabul "
        "edemezsiniz. Davet edilen kişi oturum açmadan bağlantıyı açmalı."))


def refuse_an_account(session: Session, invitation: Invitation) -> None:
    """An address that has an account registers nothing from the link."""
    if accounts.find_user_by_email(session, invitation.email) is not None:
        raise RuleViolation.single("invitation", HAS_ACCOUNT)


def accept(session: Session, secret: str, *, name: str, password: str,
           notice_version: int | None, language: str, now: datetime) -> User:
    """Register the invited person from the link (see the module's text)."""
    invitation = check(session, secret, now)
    refuse_an_account(session, invitation)
    _spend(session, invitation, now)
    user = accounts.register_member(
        session, invitation.organization, user_name=name, user_email=invitation.email,
        password=password, role=invitation.role, language=language,
        notice_version=notice_version, now=now)
    invitation.used_by_id = user.id
    audit.record(session, user, "invitation", invitation.id, "accept", at=now,
                 details={"organization_id": invitation.organization_id,
                          "role": invitation.role.value})
    return user
