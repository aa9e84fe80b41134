"""The demo's people inside organisations (SPEC §9): each organisation's
first person is its representative (as a registration makes them); the first
two also have a plain member, and the first a pending invitation."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from booking.demo.city import NGO_DOMAIN, OrgPlan
from booking.models import Invitation, OrganizationRole, Role, User, new_session_nonce
from booking.services.hashing import hash_secret, new_secret

MEMBERS = (("Selin Aksoy", "uye001-2"), ("Burak Yılmaz", "uye002-2"))
INVITED = f"davetli@{NGO_DOMAIN}"


def member_logins(orgs: list[OrgPlan]) -> list[tuple[str, str]]:
    return [(f"{local}@{NGO_DOMAIN}", f"üye, temsilci değil (member): {plan.name}")
            for (_name, local), plan in zip(MEMBERS, orgs, strict=False)]


def add_people(session: Session, orgs: list[OrgPlan], password_hash: str,
               now: datetime) -> None:
    """The representatives first, so each organisation's lowest user id (who
    the demo's bookings are by) is its representative; then the members."""
    session.execute(insert(User), [
        {"email": o.member_email, "name": o.member_name, "password_hash": password_hash,
         "role": Role.MEMBER, "organization_id": o.id, "language": "tr",
         "session_nonce": new_session_nonce(), "created_at": now}
        for o in orgs
    ])
    session.execute(insert(User), [
        {"email": f"{local}@{NGO_DOMAIN}", "name": name, "password_hash": password_hash,
         "role": Role.MEMBER, "organization_id": plan.id, "language": "tr",
         "organization_role": OrganizationRole.MEMBER, "session_nonce": new_session_nonce(),
         "created_at": now}
        for (name, local), plan in zip(MEMBERS, orgs, strict=False)
    ])
    first = orgs[0]
    inviter = session.scalar(select(User.id).where(User.email == first.member_email))
    session.add(Invitation(organization_id=first.id, email=INVITED,
                           role=OrganizationRole.MEMBER, token_hash=hash_secret(new_secret()),
                           invited_by_id=inviter, created_at=now,
                           expires_at=now + timedelta(days=7)))
