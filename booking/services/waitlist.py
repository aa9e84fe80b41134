"""The waitlist (SPEC §8): join, list and leave; accept or decline an offer;
expire offers nobody answered. The web pages and the API call these; each
takes the session, the actor and ``now`` and leaves the commit to the caller.
Offers themselves are made by ``waitlist_offers.offer_freed``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from booking.database import lock_rooms
from booking.i18n.text import one_line
from booking.models import (
    OPEN_STATES,
    Booking,
    BookingStatus,
    Role,
    Room,
    User,
    WaitlistEntry,
    WaitlistState,
)
from booking.notifications import events as notify
from booking.services import audit, quotas
from booking.services.access import (
    get_visible_booking,
    manages_center,
    owns,
    require_owner_or_staff,
)
from booking.services.booking_steps import (
    flush_or_conflict,
    hold,
    raise_conflict,
    reject_overlapping_pending,
    set_status,
)
from booking.services.conflicts import find_conflicts
from booking.services.errors import FieldError, InvalidTransition, NotAllowed, NotFound, RuleViolation
from booking.services.intervals import ConflictKind
from booking.services.rules import check_request_fields, check_times
from booking.services.waitlist_offers import drop_entry, offer_freed_booking

NOT_AN_OFFER = _l("Bu rezervasyon bir bekleme listesi teklifi değil.")
OFFER_GONE = _l("Bu teklifin süresi doldu; saat sırada bekleyen varsa ona sunuldu.")


@dataclass
class WaitlistRequest:
    """What a member asks to wait for; ``start``/``end`` are aware datetimes."""

    room_id: int
    title: str
    start: datetime
    end: datetime
    expected_attendees: int


# --- join, list, leave -------------------------------------------------------


def _refusal_of_free_time(conflicts: list) -> None:
    """Only a taken interval can be waited for: a free one is booked; a closed
    one (a holiday, maintenance) will not free up by a cancellation."""
    if any(c.kind == ConflictKind.CLOSURE for c in conflicts):
        raise RuleViolation.single("start", _l(
            "Salon bu zaman aralığında kapalı; kapalı bir saat için sıraya girilemez."))
    if not any(c.kind == ConflictKind.BOOKING for c in conflicts):
        raise RuleViolation.single("start", _l(
            "Bu zaman aralığı boş: sıraya girmenize gerek yok, doğrudan rezervasyon yapın."))


def join(session: Session, actor: User, request: WaitlistRequest, now: datetime) -> WaitlistEntry:
    """A member of a verified organisation waits for a taken interval of a room."""
    if actor is None or not actor.is_active:
        raise NotAllowed(_l("Sıraya girmek için giriş yapın."))
    if actor.role != Role.MEMBER or actor.organization is None:
        raise NotAllowed(_l("Bekleme listesine yalnızca kuruluş üyeleri girebilir; görevliler "
                            "doğrudan rezervasyon yapar."))
    room = session.get(Room, request.room_id)
    if room is None or not room.center.is_active:
        raise RuleViolation.single("room_id", _l("Salon bulunamadı."))
    organization = actor.organization
    errors = check_request_fields(room, request.title, request.expected_attendees, organization,
                                  actor, now)
    errors += check_times(room, request.start, request.end, now)
    if errors:
        raise RuleViolation(errors)
    lock_rooms(session, [room.id])  # an offer being made for this room waits, or we do
    _refusal_of_free_time(find_conflicts(session, room, request.start, request.end))
    twin = session.scalar(select(WaitlistEntry.id).where(
        WaitlistEntry.room_id == room.id, WaitlistEntry.organization_id == organization.id,
        WaitlistEntry.state.in_(OPEN_STATES), WaitlistEntry.start_at == request.start,
        WaitlistEntry.end_at == request.end))
    if twin is not None:
        raise RuleViolation([FieldError("start", _l(
            "Kuruluşunuz bu salon ve saat için zaten sırada."))])
    entry = WaitlistEntry(
        room=room, organization=organization, created_by=actor, title=one_line(request.title),
        start_at=request.start, end_at=request.end, expected_attendees=request.expected_attendees,
        state=WaitlistState.WAITING, created_at=now)
    session.add(entry)
    session.flush()
    audit.record(session, actor, "waitlist", entry.id, "join", at=now,
                 details={"room_id": room.id, "start": request.start.isoformat(),
                          "end": request.end.isoformat()})
    return entry


def scope_entries(query: Select, actor: User | None) -> Select:
    """Limit a ``select(WaitlistEntry)`` to what the actor may see: members
    their organisation's, staff their centers', admins all."""
    if actor is None:
        return query.where(false())
    if actor.role == Role.ADMIN:
        return query
    if actor.role == Role.STAFF:
        return query.join(WaitlistEntry.room).where(Room.center_id.in_(actor.center_ids or [-1]))
    return query.where(WaitlistEntry.organization_id == (actor.organization_id or -1))


def list_entries(session: Session, actor: User, now: datetime, *,
                 open_only: bool = True) -> list[WaitlistEntry]:
    """The entries the actor may see, by start; open ones (waiting or offered)
    still ahead unless ``open_only`` is False."""
    query = scope_entries(select(WaitlistEntry), actor)
    if open_only:
        query = query.where(WaitlistEntry.state.in_(OPEN_STATES), WaitlistEntry.end_at > now)
    return list(session.scalars(query.order_by(WaitlistEntry.start_at, WaitlistEntry.id)))


def visible_entry(session: Session, actor: User | None, entry_id: int) -> WaitlistEntry:
    entry = session.get(WaitlistEntry, entry_id)
    if entry is None or actor is None or not (
            (actor.role == Role.MEMBER and entry.organization_id == actor.organization_id)
            or manages_center(actor, entry.room.center_id)):
        raise NotFound(_l("Bekleme listesi kaydı bulunamadı."))
    return entry


def leave(session: Session, actor: User, entry_id: int, now: datetime) -> WaitlistEntry:
    """The organisation (or staff of the center) takes an entry off the list;
    an open offer of it is declined, so the next entry gets the time."""
    entry = visible_entry(session, actor, entry_id)
    lock_rooms(session, [entry.room_id])
    session.refresh(entry)
    if not entry.is_open:
        raise InvalidTransition(_l("Bu kayıt artık sırada değil."))
    if entry.state == WaitlistState.OFFERED and entry.booking is not None:
        _end_offer(session, actor, entry.booking, entry, now, declined=True)
    entry.state = WaitlistState.LEFT
    entry.closed_at = now
    audit.record(session, actor, "waitlist", entry.id, "leave", at=now)
    return entry


# --- answering an offer ------------------------------------------------------


def _entry_of(session: Session, booking: Booking) -> WaitlistEntry | None:
    return session.scalar(select(WaitlistEntry).where(WaitlistEntry.booking_id == booking.id))


def _open_offer(session: Session, actor: User, booking_id: int, now: datetime) -> Booking:
    """The actor's offer, locked and read again; 409 when it is no offer (any
    more) or its time ran out."""
    booking = get_visible_booking(session, actor, booking_id)
    require_owner_or_staff(actor, booking)
    hold(session, booking)
    if booking.status == BookingStatus.EXPIRED:
        raise InvalidTransition(OFFER_GONE)
    if booking.status != BookingStatus.OFFERED:
        raise InvalidTransition(NOT_AN_OFFER)
    if booking.offer_expires_at is not None and booking.offer_expires_at <= now:
        raise InvalidTransition(OFFER_GONE)
    return booking


def accept_offer(session: Session, actor: User, booking_id: int, now: datetime) -> Booking:
    """The organisation takes the offered time: the booking becomes a request
    as a new one would (pending where the room needs approval, approved
    otherwise or when staff accept), with the quota checked like a request's."""
    booking = _open_offer(session, actor, booking_id, now)
    if not (owns(actor, booking) or actor.is_staff):
        raise NotAllowed(_l("Teklifi yalnızca kuruluşunuz kabul edebilir."))
    room = booking.room
    status = BookingStatus.APPROVED if (actor.is_staff or not room.requires_approval) \
        else BookingStatus.PENDING
    conflicts = find_conflicts(session, room, booking.start_at, booking.end_at, [booking.id])
    if conflicts:  # a closure added after the offer was made
        raise_conflict(session, room, booking.start_at, booking.end_at,
                       booking.expected_attendees, now, conflicts, [booking.id])
    override = quotas.check(session, actor, booking.organization, room,
                            [(booking.start_at, booking.end_at)],
                            pending=status == BookingStatus.PENDING, now=now,
                            excluding=[booking.id])
    previous = set_status(booking, status, None, now)
    booking.offer_expires_at = None
    flush_or_conflict(session, room, booking.start_at, booking.end_at, booking.expected_attendees,
                      now, [booking.id])
    entry = _entry_of(session, booking)
    if entry is not None:
        entry.state, entry.closed_at = WaitlistState.ACCEPTED, now
    audit.record(session, actor, "booking", booking.id, "accept_offer", booking_id=booking.id,
                 from_status=previous.value, to_status=status.value, at=now,
                 details={"waitlist_entry_id": entry.id if entry else None})
    quotas.record_override(session, actor, [booking.id], override, now)
    notify.on_booking_created(session, [booking], now)
    if status == BookingStatus.APPROVED:
        reject_overlapping_pending(session, booking, actor, now)
    return booking


def _end_offer(session: Session, actor: User | None, booking: Booking,
               entry: WaitlistEntry | None, now: datetime, *, declined: bool) -> list[Booking]:
    """An offer declined or run out: expired, audited, told; the next entry
    is offered the time (those offers are returned)."""
    previous = set_status(booking, BookingStatus.EXPIRED,
                          "declined" if declined else "offer expired", now)
    if entry is not None:
        entry.state = WaitlistState.DECLINED if declined else WaitlistState.EXPIRED
        entry.closed_at = now
    audit.record(session, actor, "booking", booking.id,
                 "decline_offer" if declined else "expire_offer", booking_id=booking.id,
                 from_status=previous.value, to_status=booking.status.value, at=now,
                 details={"waitlist_entry_id": entry.id if entry else None})
    notify.on_offer_ended(session, booking, now, declined=declined)
    return offer_freed_booking(session, booking, now)


def decline_offer(session: Session, actor: User, booking_id: int, now: datetime) -> Booking:
    """The organisation gives the offered time up; the next entry is offered it."""
    booking = _open_offer(session, actor, booking_id, now)
    _end_offer(session, actor, booking, _entry_of(session, booking), now, declined=True)
    return booking


# --- the job -----------------------------------------------------------------


@dataclass
class ExpiryReport:
    expired: list[int]
    offered: list[int]
    dropped: list[int]

    def __str__(self) -> str:
        return (f"expired {len(self.expired)}, offered {len(self.offered)}, "
                f"dropped {len(self.dropped)}")


def expire_offers(session: Session, now: datetime) -> ExpiryReport:
    """Offers past their deadline expire and their time goes to the next
    entry; waiting entries whose start has passed are dropped. Safe to run
    twice at once (two schedulers): each offer is locked and read again, and
    one that another run already ended is left alone."""
    report = ExpiryReport([], [], [])
    due = session.scalars(select(Booking).where(
        Booking.status == BookingStatus.OFFERED, Booking.offer_expires_at <= now)
        .order_by(Booking.offer_expires_at, Booking.id)).all()
    for booking in due:
        hold(session, booking)
        if booking.status != BookingStatus.OFFERED:
            continue
        offers = _end_offer(session, None, booking, _entry_of(session, booking), now,
                            declined=False)
        report.expired.append(booking.id)
        report.offered += [offer.id for offer in offers]
    stale = session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.state == WaitlistState.WAITING, WaitlistEntry.start_at <= now)
        .order_by(WaitlistEntry.id)).all()
    if stale:
        lock_rooms(session, {entry.room_id for entry in stale})
        for entry in stale:
            session.refresh(entry)
            if entry.state == WaitlistState.WAITING:
                drop_entry(session, entry, now)
                report.dropped.append(entry.id)
    return report


def offers_of(session: Session, actor: User, now: datetime) -> list[Booking]:
    """The open offers of the actor's organisation (members), soonest deadline first."""
    if actor.role != Role.MEMBER or actor.organization_id is None:
        return []
    return list(session.scalars(select(Booking).where(
        Booking.organization_id == actor.organization_id, Booking.status == BookingStatus.OFFERED,
        Booking.offer_expires_at > now).order_by(Booking.offer_expires_at)))
