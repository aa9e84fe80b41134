"""The demo's registry identity (SPEC §9): identifiers of the right shape for
each kind, and a verification record for every verified organisation, a few
of them running out within the month so that the staff's list of
verifications due is not empty. Drawn from their own random sequence, so the
city's (and the year's report figures) stay exactly as they were."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from booking.models import (
    Organization,
    OrganizationKind,
    OrganizationVerification,
    User,
    VerificationMethod,
)
from booking.services.verification_records import DEFAULT_VALID_DAYS

REGISTRY_SEED = 3509
# Days before now of the verifications: most older than a month, a share
# (DUE_SHARE) so old that they run out within 30 days (never already out: the
# demo's own requests go through the rules).
DUE_SHARE = 0.05
DUE_DAYS_LEFT = (5, 28)


def identifier(kind: OrganizationKind, number: int, drawn: tuple[int, int] | None) -> str | None:
    """The demo organisation ``number``'s identifier: a DERBİS kütük numarası
    in İzmir (35) for associations, a VGM kayıt numarası for foundations, a
    MERSİS numarası for cooperatives; none for the other kinds."""
    if kind == OrganizationKind.ASSOCIATION and drawn is not None:
        return f"35-{drawn[0]:03d}-{drawn[1]:03d}"
    if kind == OrganizationKind.FOUNDATION:
        return str(4000 + number)
    if kind == OrganizationKind.COOPERATIVE:
        return f"0{7350000000 + number * 1237:010d}00015"
    return None


def seed_verifications(session: Session, now: datetime, verifier_id: int | None) -> int:
    """A verification for each verified organisation that has none (so a
    second run adds nothing); returns how many were added."""
    recorded = select(OrganizationVerification.organization_id)
    organizations = list(session.execute(
        select(Organization.id, Organization.kind)
        .where(Organization.is_verified.is_(True), Organization.id.not_in(recorded))
        .order_by(Organization.id)))
    rng = random.Random(REGISTRY_SEED)
    rows = []
    for index, (org_id, kind) in enumerate(organizations):
        if index == 0 or rng.random() < DUE_SHARE:
            left = rng.randint(*DUE_DAYS_LEFT)
        else:
            left = rng.randint(35, DEFAULT_VALID_DAYS - 1)
        verified_at = now - timedelta(days=DEFAULT_VALID_DAYS - left, hours=rng.randint(1, 8))
        method = VerificationMethod.REGISTRY_CHECKED if kind in (
            OrganizationKind.ASSOCIATION, OrganizationKind.COOPERATIVE) and rng.random() < 0.6 \
            else VerificationMethod.DOCUMENT_SEEN
        rows.append({"organization_id": org_id, "verified_by_id": verifier_id,
                     "verified_at": verified_at, "method": method, "note": None,
                     "expires_at": verified_at + timedelta(days=DEFAULT_VALID_DAYS)})
    if not rows:
        return 0
    session.execute(insert(OrganizationVerification), rows)
    session.execute(update(Organization), [
        {"id": row["organization_id"], "verified_at": row["verified_at"],
         "verification_expires_at": row["expires_at"]} for row in rows])
    return len(rows)


def first_staff_id(session: Session, ids: list[int]) -> int | None:
    """The staff member who verified the demo's organisations."""
    return session.scalar(select(User.id).where(User.id.in_(ids)).order_by(User.id).limit(1))
