"""The demo's general assemblies (genel kurul, SPEC §9): two associations
with a first and a second date in the coming weeks, one approved and one
waiting in the staff queue.

Deterministic for a database and ``now``: the first two verified associations
(by id) with a member, in the largest rooms where both dates (10:00–13:00,
the second 14 days after the first) are free of any booking, request and
closure and keep the room's rules. Rows are written directly, like the rest
of the demo, with their audit trail; no e-mail is queued. Nothing is written
when assemblies exist, and nothing of it lies in the demo's report year.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.models import (
    AuditEntry,
    Booking,
    BookingKind,
    BookingStatus,
    Category,
    GeneralAssembly,
    Organization,
    OrganizationKind,
    Role,
    Room,
    User,
)
from booking.services.conflicts import closures_for
from booking.services.rules import check_times

GAP_DAYS = 14
# (days until the first date, its status): the approved one is past the 15-day notice.
PLANS = ((38, BookingStatus.APPROVED), (24, BookingStatus.PENDING))
TITLE = "Olağan Genel Kurul Toplantısı"
ATTENDEES = 40


def _associations(session: Session) -> list[tuple[int, int]]:
    return list(session.execute(
        select(Organization.id, func.min(User.id))
        .join(User, User.organization_id == Organization.id)
        .where(Organization.is_verified.is_(True), Organization.kind == OrganizationKind.ASSOCIATION,
               User.role == Role.MEMBER, User.is_active.is_(True))
        .group_by(Organization.id).order_by(Organization.id).limit(len(PLANS))).all())


def _free(session: Session, room: Room, start: datetime, end: datetime, now: datetime) -> bool:
    block_end = end + timedelta(minutes=room.buffer_minutes)
    taken = session.scalar(select(func.count(Booking.id)).where(
        Booking.room_id == room.id, Booking.start_at < block_end, Booking.block_end > start,
        Booking.status.in_([BookingStatus.APPROVED, BookingStatus.PENDING, BookingStatus.OFFERED])))
    return not taken and not closures_for(session, room, start, block_end) \
        and not check_times(room, start, end, now)


def _slot(session: Session, rooms: list[Room], days: int,
          now: datetime) -> tuple[Room, datetime, datetime] | None:
    """A room and a first date (the second follows GAP_DAYS later), both free."""
    for room in rooms:
        tz = room.center.tz
        for extra in range(14):
            day = now.astimezone(tz).date() + timedelta(days=days + extra)
            first = datetime.combine(day, time(10), tzinfo=tz)
            second = first + timedelta(days=GAP_DAYS)
            if all(_free(session, room, s, s + timedelta(hours=3), now) for s in (first, second)):
                return room, first, second
    return None


def _date(session: Session, room: Room, start: datetime, organization_id: int, member_id: int,
          status: BookingStatus, now: datetime) -> Booking:
    created = now - timedelta(hours=3)
    end = start + timedelta(hours=3)
    booking = Booking(
        room_id=room.id, organization_id=organization_id, created_by_id=member_id, title=TITLE,
        kind=BookingKind.GENERAL_ASSEMBLY, category=Category.OTHER, start_at=start, end_at=end,
        block_end=end + timedelta(minutes=room.buffer_minutes), expected_attendees=ATTENDEES,
        status=status, is_public=True, sequence=0 if status == BookingStatus.PENDING else 1,
        created_at=created, updated_at=now - timedelta(hours=1))
    session.add(booking)
    session.flush()
    session.add(AuditEntry(at=created, actor_id=member_id, entity="booking", entity_id=booking.id,
                           booking_id=booking.id, action="create", to_status="pending"))
    if status == BookingStatus.APPROVED:
        staff = room.center.staff[0].id if room.center.staff else None
        session.add(AuditEntry(at=now - timedelta(hours=1), actor_id=staff, entity="booking",
                               entity_id=booking.id, booking_id=booking.id, action="approve",
                               from_status="pending", to_status="approved"))
    return booking


def seed_assemblies(session: Session, now: datetime) -> dict[str, int]:
    """Two general assemblies, once (nothing when any exists)."""
    if session.scalar(select(func.count(GeneralAssembly.id))):
        return {}
    rooms = list(session.scalars(select(Room).where(Room.is_active.is_(True),
                                                    Room.capacity >= ATTENDEES)
                                 .order_by(Room.capacity.desc(), Room.id).limit(6)))
    written = 0
    for (organization_id, member_id), (days, status) in zip(_associations(session), PLANS,
                                                             strict=False):
        found = _slot(session, rooms, days, now)
        if found is None:
            continue
        room, first_start, second_start = found
        first = _date(session, room, first_start, organization_id, member_id, status, now)
        second = _date(session, room, second_start, organization_id, member_id, status, now)
        session.add(GeneralAssembly(organization_id=organization_id, first_booking_id=first.id,
                                    second_booking_id=second.id, created_at=first.created_at))
        session.flush()
        written += 1
    return {"assemblies": written} if written else {}
