"""The demo's waitlist (SPEC §8): a few organisations waiting for taken hours
of the coming weeks, and one open offer to accept or decline.

Deterministic for a database and ``now``: the taken hours are the earliest
approved bookings starting more than two days ahead, the waiting
organisations the first verified ones (by id) other than the holder. The
offer is a cancellation, as it happens: the first of those bookings is
cancelled by its organisation, and the first waiting entry holds its time
for WAITLIST_HOLD_MINUTES. Rows are written directly, like the rest of the
demo, with their audit trail; no e-mail is queued.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.models import (
    AuditEntry,
    Booking,
    BookingStatus,
    Organization,
    Role,
    User,
    WaitlistEntry,
    WaitlistState,
)
from booking.services.waitlist_offers import offer_deadline

TAKEN_HOURS = 4  # bookings someone waits for; the first one is then cancelled
WAITING_PER_HOUR = 2
CANCEL_REASON = "Etkinlik ertelendi."


def _members(session: Session) -> list[tuple[int, int]]:
    """(organisation id, its first member's id) of the verified organisations."""
    return list(session.execute(
        select(Organization.id, func.min(User.id))
        .join(User, User.organization_id == Organization.id)
        .where(Organization.is_verified.is_(True), User.role == Role.MEMBER,
               User.is_active.is_(True))
        .group_by(Organization.id).order_by(Organization.id)).all())


def _entry(booking: Booking, organization_id: int, member_id: int,
           created_at: datetime) -> WaitlistEntry:
    return WaitlistEntry(
        room_id=booking.room_id, organization_id=organization_id, created_by_id=member_id,
        title="Gönüllü buluşması", start_at=booking.start_at, end_at=booking.end_at,
        expected_attendees=min(booking.expected_attendees, 10), state=WaitlistState.WAITING,
        created_at=created_at)


def _offer_for(session: Session, taken: Booking, entry: WaitlistEntry, now: datetime) -> Booking:
    """The cancellation of ``taken`` and the offer of its time to ``entry``."""
    taken.status, taken.status_reason = BookingStatus.CANCELLED, CANCEL_REASON
    taken.sequence += 1
    taken.updated_at = now
    session.add(AuditEntry(at=now, actor_id=taken.created_by_id, entity="booking",
                           entity_id=taken.id, booking_id=taken.id, action="cancel",
                           from_status="approved", to_status="cancelled", reason=CANCEL_REASON))
    session.flush()
    offer = Booking(
        room_id=entry.room_id, organization_id=entry.organization_id,
        created_by_id=entry.created_by_id, title=entry.title, start_at=entry.start_at,
        end_at=entry.end_at, block_end=taken.block_end, expected_attendees=entry.expected_attendees,
        status=BookingStatus.OFFERED, offer_expires_at=offer_deadline(entry.start_at, now),
        sequence=0, created_at=now, updated_at=now)
    session.add(offer)
    session.flush()
    entry.state, entry.booking_id = WaitlistState.OFFERED, offer.id
    session.add(AuditEntry(at=now, entity="booking", entity_id=offer.id, booking_id=offer.id,
                           action="create", to_status="offered",
                           details={"waitlist_entry_id": entry.id}))
    return offer


def seed_waitlist(session: Session, now: datetime) -> dict[str, int]:
    """Waiting entries and one open offer, once (nothing when entries exist)."""
    if session.scalar(select(func.count(WaitlistEntry.id))):
        return {}
    taken = list(session.scalars(
        select(Booking).where(Booking.status == BookingStatus.APPROVED,
                              Booking.organization_id.is_not(None),
                              Booking.start_at > now + timedelta(days=2))
        .order_by(Booking.start_at, Booking.room_id).limit(TAKEN_HOURS)))
    members = _members(session)
    entries: list[WaitlistEntry] = []
    for number, booking in enumerate(taken):
        others = [pair for pair in members if pair[0] != booking.organization_id]
        for rank, (organization_id, member_id) in enumerate(others[:WAITING_PER_HOUR]):
            created = now - timedelta(days=3, hours=number, minutes=10 * (WAITING_PER_HOUR - rank))
            entries.append(_entry(booking, organization_id, member_id, created))
    if not entries:
        return {}
    session.add_all(entries)
    session.flush()
    for entry in entries:
        session.add(AuditEntry(at=entry.created_at, actor_id=entry.created_by_id,
                               entity="waitlist", entity_id=entry.id, action="join"))
    _offer_for(session, taken[0], entries[0], now)
    session.flush()
    return {"entries": len(entries), "offers": 1}
