"""Verifications (SPEC §9): the one service that verifies an organisation
(first time or renewal) and records who, when, how and why; the
verifications due; and the reminders a month before one runs out.

Whether an organisation may request is ``rules.verification_lapsed``,
computed from ``now`` and ``Organization.verification_expires_at``, which
``verify`` keeps equal to the latest record's ``expires_at`` (no job flips a
flag: the rule holds whether or not the reminder job ran).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, and_, exists, select, update
from sqlalchemy.orm import Session, aliased

from booking.database import reads_under_lock
from booking.models import (
    Organization,
    OrganizationVerification,
    User,
    VerificationMethod,
)
from booking.notifications import events as notify
from booking.notifications import kinds
from booking.notifications.outbox import enqueue
from booking.services import audit
from booking.services.errors import FieldError, NotFound, RuleViolation

DEFAULT_VALID_DAYS = 365
# Staff see a verification as due this many days before it runs out, and the
# representatives are reminded then.
DUE_WITHIN_DAYS = 30
MAX_NOTE = 2000
# The methods staff choose from (LEGACY only describes migrated rows).
CHOSEN_METHODS = (VerificationMethod.DOCUMENT_SEEN, VerificationMethod.REGISTRY_CHECKED)


def _checked_input(method: str | None, note: str | None) -> tuple[VerificationMethod, str | None]:
    errors: list[FieldError] = []
    try:
        chosen = VerificationMethod(method or "")
    except ValueError:
        chosen = VerificationMethod.LEGACY
    if chosen not in CHOSEN_METHODS:
        errors.append(FieldError("method", _l(
            "Nasıl doğruladığınızı seçin: belge görüldü ya da sicil kaydı kontrol edildi.")))
    text = (note or "").strip() or None
    if text is not None and "\x00" in text:
        errors.append(FieldError("note", _l("Not görünmeyen denetim karakterleri içeremez.")))
    elif text is not None and len(text) > MAX_NOTE:
        errors.append(FieldError("note", _l("En fazla %(n)d karakter olabilir.", n=MAX_NOTE)))
    if errors:
        raise RuleViolation(errors)
    return chosen, text


def _locked_organization(session: Session, organization_id: int) -> Organization | None:
    """The organisation, its row locked (PostgreSQL; SQLite's BEGIN IMMEDIATE
    already serialises writers) and read again, so two staff verifying at once
    write one after the other and the second sees the first's verification."""
    query = select(Organization).where(Organization.id == organization_id)
    if reads_under_lock(session):
        query = query.with_for_update()
    return session.scalar(query.execution_options(populate_existing=True))


def verify(session: Session, actor: User, organization_id: int, *, method: str | None,
           note: str | None, now: datetime,
           valid_days: int = DEFAULT_VALID_DAYS) -> OrganizationVerification:
    """Staff or an admin vouches for an organisation (or renews its
    verification): a new record valid ``valid_days`` from ``now``; the
    organisation's flags follow it. Its members hear of a first verification
    (or one after a lapse: they may request again) by e-mail."""
    if actor is None or not actor.is_active or not actor.is_staff:
        raise NotFound(_l("Kuruluş bulunamadı."))
    chosen, text = _checked_input(method, note)
    organization = _locked_organization(session, organization_id)
    if organization is None:
        raise NotFound(_l("Kuruluş bulunamadı."))
    could_request = organization.is_verified and not _lapsed(organization, now)
    record = OrganizationVerification(
        organization_id=organization.id, verified_by_id=actor.id, verified_at=now, method=chosen,
        note=text, expires_at=now + timedelta(days=valid_days))
    session.add(record)
    first = not organization.is_verified
    organization.is_verified = True
    organization.verified_at = now
    organization.verification_expires_at = record.expires_at
    session.flush()
    audit.record(session, actor, "organization", organization.id,
                 "verify" if first else "renew_verification", at=now,
                 details={"method": chosen.value, "expires_at": record.expires_at.isoformat()})
    if not could_request:
        notify.on_organization_verified(session, organization, now)
    return record


def _lapsed(organization: Organization, now: datetime) -> bool:
    from booking.services.rules import verification_lapsed

    return verification_lapsed(organization, now)


def latest(session: Session, organization_id: int) -> OrganizationVerification | None:
    """The organisation's latest verification, if any was recorded."""
    return session.scalar(select(OrganizationVerification)
                          .where(OrganizationVerification.organization_id == organization_id)
                          .order_by(OrganizationVerification.id.desc()).limit(1))


def history(session: Session, organization_id: int) -> list[OrganizationVerification]:
    """Every verification of the organisation, the latest first."""
    return list(session.scalars(
        select(OrganizationVerification)
        .where(OrganizationVerification.organization_id == organization_id)
        .order_by(OrganizationVerification.id.desc())))


def due_before(now: datetime) -> datetime:
    """Verifications running out before this instant are due (expired ones included)."""
    return now + timedelta(days=DUE_WITHIN_DAYS)


def ends_soon(organization: Organization | None, now: datetime) -> tuple[datetime, bool] | None:
    """When the organisation's verification runs out and whether it already
    has, if that is within DUE_WITHIN_DAYS (its members' bookings page says so)."""
    if organization is None or not organization.is_verified:
        return None
    expires = organization.verification_expires_at
    if expires is None or expires >= due_before(now):
        return None
    return expires, expires <= now


def reminder_recipients(session: Session, organization: Organization) -> list[User]:
    """Who hears that the organisation's verification runs out: its active
    representatives (services/memberships.py), who renew it."""
    # Imported here: memberships needs accounts, which verifies through this module.
    from booking.services.memberships import representatives

    return representatives(session, organization.id)


def _reminders_due(session: Session, now: datetime) -> list[OrganizationVerification]:
    """The latest verification of each verified organisation that runs out
    within the reminder window, not yet reminded."""
    newer = aliased(OrganizationVerification)
    return list(session.scalars(
        select(OrganizationVerification)
        .join(Organization, Organization.id == OrganizationVerification.organization_id)
        .where(Organization.is_verified.is_(True),
               OrganizationVerification.reminder_sent_at.is_(None),
               OrganizationVerification.expires_at > now,
               OrganizationVerification.expires_at <= due_before(now),
               ~exists().where(and_(newer.organization_id == OrganizationVerification.organization_id,
                                    newer.id > OrganizationVerification.id)))
        .order_by(OrganizationVerification.expires_at, OrganizationVerification.id)))


def send_reminders(session: Session, now: datetime) -> int:
    """E-mail each due verification's recipients once, in their language;
    returns how many verifications were reminded. The guarded UPDATE of
    ``reminder_sent_at`` makes a second run (or a second scheduler) find
    nothing: of two at once, one sets it and enqueues, the other's UPDATE
    matches no row."""
    reminded = 0
    for record in _reminders_due(session, now):
        claimed = cast("CursorResult[Any]", session.execute(
            update(OrganizationVerification)
            .where(OrganizationVerification.id == record.id,
                   OrganizationVerification.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)
            .execution_options(synchronize_session=False))).rowcount
        if not claimed:
            continue
        reminded += 1
        for person in reminder_recipients(session, record.organization):
            enqueue(session, kind=kinds.VERIFICATION_DUE, recipient=person, due_at=now,
                    context={"organization_id": record.organization_id,
                             "expires_at": record.expires_at.isoformat()})
    return reminded


def method_label(method: VerificationMethod) -> str:
    """The method in words."""
    return str({
        VerificationMethod.DOCUMENT_SEEN: _l("Belge görüldü"),
        VerificationMethod.REGISTRY_CHECKED: _l("Sicil kaydı kontrol edildi"),
        VerificationMethod.LEGACY: _l("Önceki sürümde doğrulandı (yöntem kayıtlı değil)"),
    }[method])

