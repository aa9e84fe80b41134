"""The periodic destruction run (SPEC §10; the KVKK deletion regulation asks
for one at most six months apart). Each run:

1. warns, by e-mail, members inactive for ``RETENTION_INACTIVE_DAYS`` minus
   ``NOTICE_DAYS`` that their data will be anonymised (signing in again
   cancels it: see ``cancel_notice``);
2. anonymises members warned at least ``NOTICE_DAYS`` ago who have not signed
   in since (services/deletion.anonymise); an organisation's last
   representative is first succeeded by its earliest other active member,
   or, with nobody left, the organisation is closed;
3. clears the descriptions of bookings that ended more than
   ``RETENTION_BOOKING_DAYS`` ago (titles, times and counts stay: the reports
   need them);
4. purges destruction-log and access-log entries older than three years.

Every destruction is written to the destruction log. A second runner at the
same time does each thing once: people are taken with ``SKIP LOCKED`` on
PostgreSQL (SQLite has one writer), and each step finds only what is left.
Staff and admin accounts are the municipality's and never expire here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, delete, func, or_, select, update
from sqlalchemy.orm import Session

from booking.models import (
    Booking,
    DestructionRecord,
    PersonalDataAccess,
    Role,
    User,
)
from booking.notifications import kinds
from booking.notifications.outbox import enqueue
from booking.services import memberships
from booking.services.deletion import anonymise, keep_represented

NOTICE_DAYS = 14
LOG_KEPT = timedelta(days=3 * 365 + 1)


@dataclass(frozen=True)
class RetentionReport:
    warned: int
    anonymised: int
    descriptions_cleared: int
    log_purged: int

    def line(self) -> str:
        return (f"warned {self.warned}, anonymised {self.anonymised}, "
                f"descriptions cleared {self.descriptions_cleared}, "
                f"log entries purged {self.log_purged}")


def _last_seen() -> ColumnElement[datetime]:
    return func.coalesce(User.last_login_at, User.created_at)


def _members(session: Session, *conditions: ColumnElement[bool]) -> list[User]:
    query = (select(User).where(User.role == Role.MEMBER, User.anonymised_at.is_(None),
                                *conditions).order_by(User.id))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def run(session: Session, now: datetime, inactive_days: int, booking_days: int) -> RetentionReport:
    """One destruction run at ``now`` (the caller commits)."""
    limit = now - timedelta(days=inactive_days)
    warned = 0
    for user in _members(session, User.retention_notice_at.is_(None),
                         _last_seen() < limit + timedelta(days=NOTICE_DAYS)):
        enqueue(session, kind=kinds.RETENTION_NOTICE, recipient=user, due_at=now,
                context={"on": (now + timedelta(days=NOTICE_DAYS)).date().isoformat()})
        user.retention_notice_at = now
        warned += 1
    anonymised = 0
    for user in _members(session, User.retention_notice_at <= now - timedelta(days=NOTICE_DAYS),
                         or_(User.last_login_at.is_(None),
                             User.last_login_at < User.retention_notice_at)):
        _keep_represented(session, user, now)
        anonymise(session, user, now, reason="inactive", actor=None)
        anonymised += 1
    cleared = _count(session.execute(
        update(Booking).where(Booking.end_at < now - timedelta(days=booking_days),
                              Booking.description.is_not(None))
        .values(description=None)))
    if cleared:
        session.add(DestructionRecord(at=now, what="booking_descriptions", reason="old_bookings",
                                      count=cleared, details={"older_than_days": booking_days}))
    purged = _count(session.execute(delete(DestructionRecord).where(
        DestructionRecord.at < now - LOG_KEPT))) + _count(session.execute(
            delete(PersonalDataAccess).where(PersonalDataAccess.at < now - LOG_KEPT)))
    session.flush()
    return RetentionReport(warned, anonymised, cleared, purged)


def _keep_represented(session: Session, user: User, now: datetime) -> None:
    """An inactive last representative: the organisation's earliest other
    active member becomes its representative; with nobody left, the
    organisation is closed (docs/representatives.md)."""
    if not memberships.is_last_representative(session, user):
        return
    others = memberships.successor_candidates(session, user)
    keep_represented(session, None, user, now,
                     successor_id=others[0].id if others else None, close=not others)


def _count(result: Any) -> int:
    return int(cast("CursorResult[Any]", result).rowcount or 0)


def cancel_notice(user: User) -> None:
    """Signing in: the person is active again, so a pending notice no longer holds."""
    user.retention_notice_at = None


def destruction_log(session: Session, limit: int = 500) -> list[DestructionRecord]:
    return list(session.scalars(select(DestructionRecord)
                                .order_by(DestructionRecord.at.desc(), DestructionRecord.id.desc())
                                .limit(limit)))
