"""The staff's verification inbox: how many organisations await verification
(one COUNT, for the menu), and the organisations of one status with what staff
need to decide (their first member), searched and sorted by Turkish rules."""
from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from booking.i18n.text import matches, turkish_sort_key
from booking.models import Organization, User


class Status(enum.StrEnum):
    """The inbox's filter (``?status=``)."""

    AWAITING = "awaiting"
    VERIFIED = "verified"
    ALL = "all"


@dataclass(frozen=True)
class Counts:
    awaiting: int
    verified: int

    @property
    def all(self) -> int:
        return self.awaiting + self.verified


@dataclass(frozen=True)
class Row:
    organization: Organization
    first_member: User | None  # the one who registered it (the earliest account)


def with_verified(stmt: Select[Organization], verified: bool | None) -> Select[Organization]:
    """``stmt`` narrowed to (un)verified organisations; None keeps them all."""
    return stmt if verified is None else stmt.where(Organization.is_verified.is_(verified))


def awaiting_count(session: Session) -> int:
    """Organisations awaiting verification: one COUNT."""
    return session.scalar(select(func.count()).select_from(Organization)
                          .where(Organization.is_verified.is_(False))) or 0


def counts(session: Session) -> Counts:
    """Awaiting and verified organisations: one grouped COUNT."""
    found: dict[bool, int] = dict(session.execute(
        select(Organization.is_verified, func.count()).group_by(Organization.is_verified)).all())
    return Counts(awaiting=found.get(False, 0), verified=found.get(True, 0))


def chosen_status(asked: str | None, counts: Counts) -> Status:
    """The filter asked for; by default those awaiting, when any are (else all)."""
    try:
        return Status(asked or "")
    except ValueError:
        return Status.AWAITING if counts.awaiting else Status.ALL


def inbox(session: Session, status: Status, query: str = "") -> list[Row]:
    """Organisations of ``status`` matching ``query`` (name, e-mail, registry
    number or a member's name or e-mail). Awaiting ones come oldest registration
    first (the next one to verify on top); otherwise by Turkish name order,
    unverified first. Members come in one more query, not one per row."""
    verified = {Status.AWAITING: False, Status.VERIFIED: True}.get(status)
    organizations = session.scalars(with_verified(
        select(Organization).options(selectinload(Organization.members)), verified))
    rows = []
    for organization in organizations:
        members = sorted(organization.members, key=lambda m: m.id)
        if query and not matches(query, organization.name, organization.email,
                                 organization.registry_number,
                                 *(text for m in members for text in (m.name, m.email))):
            continue
        rows.append(Row(organization, members[0] if members else None))
    if status == Status.AWAITING:
        rows.sort(key=lambda r: (r.organization.created_at, r.organization.id))
    else:
        rows.sort(key=lambda r: (r.organization.is_verified,
                                 turkish_sort_key(r.organization.name)))
    return rows
