"""Change a booking: its title and details, or its time and room.

A move is checked as a new request would be (the rules, then the overlap),
may send a member's booking back to pending or approve a pending one, and is
told to the people concerned. The caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from booking.i18n.text import one_line
from booking.models import (
    HOLDING_TIME,
    Booking,
    BookingKind,
    BookingStatus,
    Category,
    Role,
    Room,
    User,
)
from booking.notifications import events as notify
from booking.services import assembly_dates, audit, booking_services, feeds, quotas
from booking.services.access import (
    CHANGEABLE,
    get_visible_booking,
    manages_center,
    require_owner_or_staff,
)
from booking.services.booking_steps import (
    flush_or_conflict,
    hold,
    parse_enum,
    raise_conflict,
    reject_overlapping_pending,
)
from booking.services.conflicts import find_conflicts
from booking.services.errors import FieldError, InvalidTransition, NotAllowed, RuleViolation
from booking.services.rules import check_request_fields, check_times
from booking.services.waitlist_offers import offer_freed_booking

TRACKED = ("title", "start", "end", "room_id", "expected_attendees")  # kept in the audit trail


@dataclass
class BookingChanges:
    """Fields to change; None leaves a field as it is."""

    title: str | None = None
    description: str | None = None
    kind: BookingKind | str | None = None
    category: Category | str | None = None
    is_public: bool | None = None
    expected_attendees: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    room_id: int | None = None
    quota_reason: str | None = None  # staff moving a booking past a quota say why


@dataclass
class _Target:
    """The booking as it would be after the change."""

    room: Room
    start: datetime
    end: datetime
    title: str
    attendees: int
    kind: BookingKind
    category: Category
    moved: bool


def change_booking(session: Session, actor: User, booking_id: int, changes: BookingChanges,
                   now: datetime) -> Booking:
    """Change a pending or approved booking that has not started. A new time or
    room on a room that needs approval sends a member's booking back to pending;
    a pending request moved to a room that needs none is approved, as a new
    request there would be."""
    booking = get_visible_booking(session, actor, booking_id)
    require_owner_or_staff(actor, booking)
    new_room = _new_room(session, actor, booking, changes.room_id)
    hold(session, booking, *([new_room.id] if new_room is not None else []))
    if booking.status not in CHANGEABLE:
        raise InvalidTransition(_l("Yalnızca bekleyen ya da onaylı rezervasyonlar değiştirilebilir."))
    if booking.start_at <= now:
        raise RuleViolation.single("start", _l("Başlamış bir rezervasyon değiştirilemez."))
    target = _checked_target(booking, new_room, changes, actor, now)
    if target.moved:  # a general assembly's date keeps its gap to the other (SPEC §9)
        gap = assembly_dates.move_errors(session, booking, target.room, target.start)
        if gap:
            raise RuleViolation(gap)
    status = _status_after(booking, target, actor)
    if target.moved:
        conflicts = find_conflicts(session, target.room, target.start, target.end, [booking.id])
        if conflicts:
            raise_conflict(session, target.room, target.start, target.end, target.attendees, now,
                           conflicts, [booking.id])
        booking_services.check_holding(session, booking, target.room, target.start,  # SPEC §9
                                       target.end, holding=status in HOLDING_TIME)
    override = quotas.check(
        session, actor, booking.organization, target.room, [(target.start, target.end)],
        pending=status == BookingStatus.PENDING and booking.status != BookingStatus.PENDING,
        now=now, override_reason=changes.quota_reason, excluding=[booking.id],
    ) if target.moved else None
    before, previous, left = _tracked(booking), booking.status, booking.room
    freed = (booking.room_id, booking.start_at, booking.block_end)
    _apply(booking, target, changes, status, now)
    booking_services.follow_status(booking, now, actor)
    if left.id != booking.room_id or (previous, status) == (BookingStatus.APPROVED,
                                                             BookingStatus.PENDING):
        feeds.booking_left(session, left, now)
    flush_or_conflict(session, target.room, target.start, target.end, target.attendees, now,
                      [booking.id])
    after = _tracked(booking)
    changed = {k: {"from": before[k], "to": after[k]} for k in TRACKED if before[k] != after[k]}
    audit.record(session, actor, "booking", booking.id, "change", booking_id=booking.id,
                 from_status=previous.value, to_status=booking.status.value,
                 details=changed or None, at=now)
    quotas.record_override(session, actor, [booking.id], override, now)
    if target.moved:
        _tell_about_move(session, booking, previous, actor, now)
        # The old interval may now be free for the waitlist (its room is locked).
        offer_freed_booking(session, booking, now, room_id=freed[0], start=freed[1],
                            block_end=freed[2])
    return booking


def _new_room(session: Session, actor: User, booking: Booking, room_id: int | None) -> Room | None:
    """The room the booking moves to, if another one is asked for and allowed."""
    if room_id is None or room_id == booking.room_id:
        return None
    room = session.get(Room, room_id)
    if room is None:
        raise RuleViolation.single("room_id", _l("Salon bulunamadı."))
    if actor.role == Role.STAFF and not manages_center(actor, room.center_id):
        raise NotAllowed(_l("Yalnızca görevli olduğunuz merkezlerin salonlarını seçebilirsiniz."))
    return room


def _checked_target(booking: Booking, new_room: Room | None, changes: BookingChanges,
                    actor: User, now: datetime) -> _Target:
    """The changed values, checked by the rules a new request keeps; else RuleViolation."""
    errors: list[FieldError] = []
    room = new_room if new_room is not None else booking.room
    start, end = changes.start or booking.start_at, changes.end or booking.end_at
    target = _Target(
        room=room, start=start, end=end,
        title=changes.title if changes.title is not None else booking.title,
        attendees=changes.expected_attendees if changes.expected_attendees is not None
        else booking.expected_attendees,
        kind=parse_enum(changes.kind, BookingKind, "kind", errors)
        if changes.kind is not None else booking.kind,
        category=parse_enum(changes.category, Category, "category", errors)
        if changes.category is not None else booking.category,
        moved=(start, end, room.id) != (booking.start_at, booking.end_at, booking.room_id),
    )
    errors += check_request_fields(room, target.title, target.attendees, booking.organization,
                                   actor)
    errors += assembly_dates.kind_errors(booking.kind, target.kind)
    if target.moved:
        errors += check_times(room, start, end, now, override=actor.is_staff)
    if errors:
        raise RuleViolation(errors)
    return target


def _status_after(booking: Booking, target: _Target, actor: User) -> BookingStatus:
    status = booking.status
    if not target.moved:
        return status
    if status == BookingStatus.APPROVED and target.room.requires_approval and not actor.is_staff:
        return BookingStatus.PENDING
    if status == BookingStatus.PENDING and not target.room.requires_approval:
        return BookingStatus.APPROVED  # as a new request for that room would be
    return status


def _apply(booking: Booking, target: _Target, changes: BookingChanges, status: BookingStatus,
           now: datetime) -> None:
    booking.title = one_line(target.title)
    if changes.description is not None:
        booking.description = changes.description.strip() or None
    if changes.is_public is not None:
        booking.is_public = bool(changes.is_public)
    booking.kind, booking.category = target.kind, target.category
    booking.expected_attendees = target.attendees
    if target.moved:
        booking.room = target.room
        booking.room_id = target.room.id
        booking.start_at, booking.end_at = target.start, target.end
        booking.block_end = target.end + timedelta(minutes=target.room.buffer_minutes)
        booking.sequence += 1
        if status != booking.status:
            booking.status = status
            booking.status_reason = None
    booking.updated_at = now


def _tracked(booking: Booking) -> dict[str, Any]:
    return {"title": booking.title, "start": booking.start_at.isoformat(),
            "end": booking.end_at.isoformat(), "room_id": booking.room_id,
            "expected_attendees": booking.expected_attendees}


def _tell_about_move(session: Session, booking: Booking, previous: BookingStatus, actor: User,
                     now: datetime) -> None:
    """The moved booking's notices: the move, a new request to approve, or an
    approval; an approved booking turns down the requests it now overlaps."""
    notify.on_booking_moved(session, booking, now, previous)
    if booking.status == BookingStatus.PENDING and previous == BookingStatus.APPROVED:
        notify.on_booking_created(session, [booking], now)
    if booking.status == BookingStatus.APPROVED and previous == BookingStatus.PENDING:
        notify.on_status_changed(session, booking, previous, now)
    if booking.status == BookingStatus.APPROVED:
        reject_overlapping_pending(session, booking, actor, now)
