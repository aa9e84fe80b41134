"""Offers to the waitlist when a room's time frees up (SPEC §8).

``offer_freed`` is the one function every freeing calls (cancel, reject, move,
a closure removed, an offer declined or expired, and the check-in work's
no-show release), inside the caller's transaction with the room locked. It
walks the room's waiting entries oldest first and gives each one whose whole
interval is now free (no approved booking, no offer, no closure, the room's
rules kept) a booking in status ``offered`` that holds the time until
``offer_expires_at``. An offer holds time in the database's own no-overlap
guard, so a later, overlapping entry is never offered the same time: one
offer per piece of time, the oldest entry first.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from booking.config import DEFAULTS
from booking.database import is_overlap_violation, lock_rooms
from booking.models import (
    Booking,
    BookingStatus,
    Room,
    User,
    WaitlistEntry,
    WaitlistState,
)
from booking.notifications import events as notify
from booking.services import audit
from booking.services.conflicts import MAX_BLOCK_SPAN, find_conflicts
from booking.services.freed_time import FreedTime, listen
from booking.services.rules import check_request_fields, check_times


def hold_minutes() -> int:
    """WAITLIST_HOLD_MINUTES: how long an offer holds the time (default 120)."""
    if has_app_context():
        return int(current_app.config.get("WAITLIST_HOLD_MINUTES",
                                          DEFAULTS["WAITLIST_HOLD_MINUTES"]))
    return int(DEFAULTS["WAITLIST_HOLD_MINUTES"])


def offer_deadline(start: datetime, now: datetime) -> datetime:
    """now + the hold, never past the booking's start."""
    return min(now + timedelta(minutes=hold_minutes()), start)


def drop_entry(session: Session, entry: WaitlistEntry, now: datetime) -> None:
    """An entry whose start has passed leaves the queue (audited)."""
    entry.state = WaitlistState.DROPPED
    entry.closed_at = now
    audit.record(session, None, "waitlist", entry.id, "drop", at=now,
                 details={"room_id": entry.room_id, "start": entry.start_at.isoformat()})


def _waiting_meeting(session: Session, room: Room, start: datetime,
                     end: datetime) -> list[WaitlistEntry]:
    """Waiting entries of the room whose interval (plus the room's buffer)
    meets [start, end), oldest first."""
    buffer = timedelta(minutes=room.buffer_minutes)
    rows = session.scalars(
        select(WaitlistEntry)
        .where(WaitlistEntry.room_id == room.id, WaitlistEntry.state == WaitlistState.WAITING,
               WaitlistEntry.start_at < end, WaitlistEntry.start_at > start - MAX_BLOCK_SPAN)
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
    ).all()
    return [entry for entry in rows if entry.end_at + buffer > start]


def _accepted_request_meets(session: Session, entry: WaitlistEntry) -> bool:
    """An offer accepted as a pending request (a room that needs approval)
    holds no time, but it was this queue's turn: until staff decide it, the
    entries behind it are not offered the same time (an offer would stop its
    approval)."""
    buffer = timedelta(minutes=entry.room.buffer_minutes)
    return session.scalar(
        select(Booking.id).join(WaitlistEntry, WaitlistEntry.booking_id == Booking.id)
        .where(Booking.room_id == entry.room_id, Booking.status == BookingStatus.PENDING,
               WaitlistEntry.state == WaitlistState.ACCEPTED,
               Booking.start_at < entry.end_at + buffer, Booking.block_end > entry.start_at)
        .limit(1)) is not None


def is_offerable(session: Session, entry: WaitlistEntry, now: datetime) -> bool:
    """The entry's whole interval is free, the room's rules still allow it
    (inside the opening hours, active room, verified organisation) and no
    accepted offer awaits approval over it."""
    room = entry.room
    creator = entry.created_by
    if creator is None or not creator.is_active:
        return False
    if check_times(room, entry.start_at, entry.end_at, now):
        return False
    if check_request_fields(room, entry.title, entry.expected_attendees, entry.organization,
                            creator, now):
        return False
    if find_conflicts(session, room, entry.start_at, entry.end_at):
        return False
    return not _accepted_request_meets(session, entry)


def make_offer(session: Session, entry: WaitlistEntry, now: datetime) -> Booking | None:
    """Give ``entry`` its offer; None when the database refuses it (the time
    was taken meanwhile: the savepoint keeps the caller's transaction)."""
    room = entry.room
    booking = Booking(
        room=room, organization=entry.organization, created_by=entry.created_by,
        title=entry.title, start_at=entry.start_at, end_at=entry.end_at,
        block_end=entry.end_at + timedelta(minutes=room.buffer_minutes),
        expected_attendees=entry.expected_attendees, status=BookingStatus.OFFERED,
        offer_expires_at=offer_deadline(entry.start_at, now), sequence=0,
        created_at=now, updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(booking)
            session.flush()
    except IntegrityError as exc:
        if not is_overlap_violation(exc):
            raise
        return None
    entry.state = WaitlistState.OFFERED
    entry.booking = booking
    audit.record(session, None, "booking", booking.id, "create", booking_id=booking.id,
                 to_status=BookingStatus.OFFERED.value, at=now,
                 details={"waitlist_entry_id": entry.id,
                          "offer_expires_at": booking.offer_expires_at.isoformat()
                          if booking.offer_expires_at else None})
    notify.on_offer_made(session, booking, now)
    return booking


def offer_freed(session: Session, room_id: int, start: datetime, end: datetime, now: datetime,
                *, actor: User | None = None, room_locked: bool = False) -> list[Booking]:
    """[start, end) of the room may have become free: offer it to the oldest
    waiting entries whose whole interval now is (see the module's doc).
    Entries whose start has passed are dropped. ``room_locked``: the caller
    already holds the room's lock (every booking change does)."""
    del actor  # the offer is the system's doing; the freeing was audited by its caller
    room = session.get(Room, room_id)
    if room is None:
        return []
    if not room_locked:
        lock_rooms(session, [room_id])
    offers: list[Booking] = []
    entries = _waiting_meeting(session, room, start, end)
    if entries:
        session.flush()  # the freeing itself must be visible to the conflict look-ups
    for entry in entries:
        if entry.start_at <= now:
            drop_entry(session, entry, now)
            continue
        if not is_offerable(session, entry, now):
            continue
        offer = make_offer(session, entry, now)
        if offer is not None:
            offers.append(offer)
    return offers


def offer_freed_booking(session: Session, booking: Booking, now: datetime, *,
                        start: datetime | None = None, block_end: datetime | None = None,
                        room_id: int | None = None) -> list[Booking]:
    """``offer_freed`` for the time a booking held (its block), by default as
    it is now; a move passes the old room and interval."""
    return offer_freed(session, room_id or booking.room_id, start or booking.start_at,
                       block_end or booking.block_end, now, room_locked=True)


@listen
def offer_released_time(session: Session, freed: FreedTime, now: datetime) -> None:
    """A no-show release freed the rest of a booking's time (services/checkin.py
    announces it under the room's lock, in its transaction): offer it on."""
    offer_freed(session, freed.room_id, freed.start, freed.end, now, room_locked=True)
