"""Who viewed special-category data (SPEC §10): membership of an association
is special-category personal data under KVKK art. 6, so each time staff or an
admin is shown an organisation's member list or a person's contact details,
one row says who, whose and when. A person viewing their own data is never
recorded. Admins review and filter the log; the retention run purges entries
older than three years."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, joinedload

from booking.models import PersonalDataAccess, Role, User
from booking.services.errors import NotAllowed

MEMBER_LIST = "member_list"
CONTACT_DETAILS = "contact_details"
WHAT = (MEMBER_LIST, CONTACT_DETAILS)


def record_contacts(session: Session, viewer: User | None, users: Iterable[User | None],
                    now: datetime) -> int:
    """``viewer`` was shown the contact details of ``users`` (one row each, in
    one statement); nothing when the viewer is no staff member or sees only
    themselves."""
    if viewer is None or not viewer.is_staff:
        return 0
    ids = sorted({u.id for u in users if u is not None and u.id != viewer.id})
    if ids:
        session.execute(insert(PersonalDataAccess), [
            {"at": now, "viewer_id": viewer.id, "subject_user_id": user_id,
             "what": CONTACT_DETAILS} for user_id in ids])
    return len(ids)


def record_member_list(session: Session, viewer: User | None, organization_id: int,
                       now: datetime) -> bool:
    """``viewer`` was shown the members of an organisation."""
    if viewer is None or not viewer.is_staff or viewer.organization_id == organization_id:
        return False
    session.add(PersonalDataAccess(at=now, viewer_id=viewer.id,
                                   subject_organization_id=organization_id, what=MEMBER_LIST))
    return True


@dataclass(frozen=True)
class AccessFilter:
    viewer_id: int | None = None
    subject_user_id: int | None = None
    organization_id: int | None = None
    what: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def entries(session: Session, actor: User | None, chosen: AccessFilter,
            limit: int = 200) -> list[PersonalDataAccess]:
    """The newest entries matching ``chosen`` (admins only)."""
    if actor is None or actor.role != Role.ADMIN:
        raise NotAllowed("admins only")
    query = (select(PersonalDataAccess)
             .options(joinedload(PersonalDataAccess.viewer),
                      joinedload(PersonalDataAccess.subject_user),
                      joinedload(PersonalDataAccess.subject_organization))
             .order_by(PersonalDataAccess.at.desc(), PersonalDataAccess.id.desc()).limit(limit))
    if chosen.viewer_id:
        query = query.where(PersonalDataAccess.viewer_id == chosen.viewer_id)
    if chosen.subject_user_id:
        query = query.where(PersonalDataAccess.subject_user_id == chosen.subject_user_id)
    if chosen.organization_id:
        query = query.where(PersonalDataAccess.subject_organization_id == chosen.organization_id)
    if chosen.what in WHAT:
        query = query.where(PersonalDataAccess.what == chosen.what)
    if chosen.since:
        query = query.where(PersonalDataAccess.at >= chosen.since)
    if chosen.until:
        query = query.where(PersonalDataAccess.at < chosen.until)
    return list(session.scalars(query))
