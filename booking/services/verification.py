"""The staff's verification inbox: how many organisations await verification
(one COUNT, for the menu), and the organisations of one status with what staff
need to decide (their first member), searched and sorted by Turkish rules.
"Due" (SPEC §9) are the verified ones whose verification ran out or runs out
within 30 days (services/verification_records.py), soonest first."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, selectinload

from booking.i18n.text import matches, turkish_sort_key
from booking.models import Organization, User, utcnow
from booking.services.verification_records import due_before


class Status(enum.StrEnum):
    """The inbox's filter (``?status=``)."""

    AWAITING = "awaiting"
    DUE = "due"
    VERIFIED = "verified"
    ALL = "all"


@dataclass(frozen=True)
class Counts:
    awaiting: int
    verified: int
    due: int = 0

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


def _due(now: datetime) -> ColumnElement[bool]:
    return Organization.is_verified.is_(True) & (
        Organization.verification_expires_at < due_before(now))


def counts(session: Session, now: datetime) -> Counts:
    """Awaiting, verified and due organisations: one grouped COUNT."""
    # Grouped over a subquery: PostgreSQL would not see two renderings of the
    # expression (each with its own parameter) as one grouping column.
    rows = select(Organization.is_verified.label("verified"),
                  _due(now).label("due")).subquery()
    found: dict[tuple[bool, bool], int] = {
        (bool(verified), bool(due)): n for verified, due, n in session.execute(
            select(rows.c.verified, rows.c.due, func.count())
            .group_by(rows.c.verified, rows.c.due)).all()}
    return Counts(awaiting=found.get((False, False), 0),
                  verified=found.get((True, False), 0) + found.get((True, True), 0),
                  due=found.get((True, True), 0))


def chosen_status(asked: str | None, counts: Counts) -> Status:
    """The filter asked for; by default those awaiting, when any are (else all)."""
    try:
        return Status(asked or "")
    except ValueError:
        return Status.AWAITING if counts.awaiting else Status.ALL


def inbox(session: Session, status: Status, query: str = "",
          now: datetime | None = None) -> list[Row]:
    """Organisations of ``status`` matching ``query`` (name, e-mail, registry
    number or a member's name or e-mail). Awaiting ones come oldest registration
    first (the next one to verify on top); otherwise by Turkish name order,
    unverified first. Members come in one more query, not one per row."""
    verified = {Status.AWAITING: False, Status.VERIFIED: True, Status.DUE: True}.get(status)
    stmt = with_verified(select(Organization).options(selectinload(Organization.members)),
                         verified)
    if status == Status.DUE:
        stmt = stmt.where(_due(now or utcnow()))
    organizations = session.scalars(stmt)
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
    elif status == Status.DUE:
        rows.sort(key=lambda r: (r.organization.verification_expires_at, r.organization.id))
    else:
        rows.sort(key=lambda r: (r.organization.is_verified,
                                 turkish_sort_key(r.organization.name)))
    return rows
