"""The steps every booking operation is made of: hold the room and read the
booking again, check a status change, set a status, flush with the database's
refusal of an overlap turned into a conflict (with suggestions), and reject the
pending requests an approval takes the time of. services/bookings.py and
services/series.py are built from these.
"""
from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from booking.database import is_overlap_violation, lock_rooms, reads_under_lock
from booking.i18n import force_language
from booking.models import (
    ALLOWED_TRANSITIONS,
    Booking,
    BookingStatus,
    Organization,
    Role,
    Room,
    User,
)
from booking.notifications import events as notify
from booking.services import audit, booking_services
from booking.services.conflicts import find_conflicts, pending_blocks_meeting, suggest
from booking.services.errors import (
    BookingConflict,
    FieldError,
    Interval,
    InvalidTransition,
    RuleViolation,
)
from booking.services.intervals import ConflictKind

MAX_REASON = 2000


def parse_enum(value: Any, enum_cls: type[Enum], field_name: str, errors: list[FieldError]) -> Any:
    try:
        return enum_cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_cls)
        errors.append(FieldError(field_name, _l("Geçerli değerler: %(values)s", values=allowed)))
        return None


def conflict_message(conflicts: list[Interval]) -> Any:
    if any(c.kind == ConflictKind.CLOSURE for c in conflicts):
        return _l("Salon bu zaman aralığında kapalı.")
    return _l("Bu zaman aralığında salon dolu.")


def raise_conflict(session: Session, room: Room, start: datetime, end: datetime,
                    attendees: int, now: datetime, conflicts: list[Interval],
                    exclude: list[int] | None = None) -> None:
    raise BookingConflict(
        conflict_message(conflicts),
        conflicts,
        suggest(session, room, start, end, attendees, now, exclude or []),
    )


def flush_or_conflict(session: Session, room: Room, start: datetime, end: datetime,
           attendees: int, now: datetime, exclude: list[int] | None = None) -> None:
    """Flush; the database's own refusal of an overlap becomes a BookingConflict."""
    try:
        session.flush()
    except IntegrityError as exc:
        if not is_overlap_violation(exc):
            raise
        session.rollback()
        conflicts = find_conflicts(session, room, start, end, exclude or [])
        raise_conflict(session, room, start, end, attendees, now, conflicts, exclude)


def hold(session: Session, booking: Booking, *also: int) -> None:
    """Lock the booking's room (and the rooms in ``also``) and read the booking
    again as it is now. Every change of a booking starts here, so two changes of
    one booking run one after the other and the second sees what the first did:
    an approval and a rejection racing each other cannot both see "pending",
    nor can two cancellations. Rooms are locked in id order in one statement;
    if the booking was moved to another room meanwhile, that room is locked too."""
    locked: set[int] = set()
    while booking.room_id not in locked:
        rooms = {booking.room_id, *also} - locked
        lock_rooms(session, rooms)
        locked |= rooms
        if not reads_under_lock(session):
            return
        session.refresh(booking)


def ensure_transition(booking: Booking, target: BookingStatus) -> None:
    if target not in ALLOWED_TRANSITIONS[booking.status]:
        raise InvalidTransition(_l(
            "Durumu “%(current)s” olan bir rezervasyon “%(target)s” yapılamaz.",
            current=booking.status.value, target=target.value,
        ))


def set_status(booking: Booking, status: BookingStatus, reason: str | None,
                now: datetime) -> BookingStatus:
    previous = booking.status
    booking.status = status
    booking.status_reason = reason
    booking.sequence += 1
    booking.updated_at = now
    booking_services.follow_status(booking, now)  # its services follow (SPEC §9)
    return previous


def clean_reason(reason: str | None, *, required: bool) -> str | None:
    reason = (reason or "").strip()
    if required and not reason:
        raise RuleViolation.single("reason", _l("Bir gerekçe yazın."))
    if len(reason) > MAX_REASON:
        raise RuleViolation.single("reason", _l("Gerekçe en fazla %(n)d karakter olabilir.",
                                                n=MAX_REASON))
    return reason or None


def resolve_organization(session: Session, actor: User,
                          organization_id: int | None) -> Organization | None:
    """Members book for their own organisation; staff and admins for any, or none."""
    if actor.role == Role.MEMBER:
        if organization_id not in (None, actor.organization_id):
            raise RuleViolation.single(
                "organization_id", _l("Yalnızca kendi kuruluşunuz adına rezervasyon yapabilirsiniz.")
            )
        return actor.organization
    if organization_id is None:
        return None
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise RuleViolation.single("organization_id", _l("Kuruluş bulunamadı."))
    return organization


def group_errors(per_date: list[tuple[str, list[FieldError]]], total: int) -> list[FieldError]:
    """One error per distinct rule, naming the dates it failed on unless it failed on all."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for day, errors in per_date:
        for error in errors:
            grouped.setdefault((error.field, str(error.message)), []).append(day)
    result = []
    for (field_name, message), days in grouped.items():
        if len(days) < total:
            shown = ", ".join(days[:5]) + (" …" if len(days) > 5 else "")
            message = f"{message} ({shown})"
        result.append(FieldError(field_name, message))
    return result


def auto_reject_reason(booking: Booking) -> str:
    language = booking.created_by.language if booking.created_by else "tr"
    with force_language(language):
        # No id of the approved booking: it is usually another organisation's,
        # which the requester may not open (the audit entry keeps the id).
        return gettext("Aynı salon ve saat için başka bir talep onaylandı.")


def reject_overlapping_pending(session: Session, approved: Booking, actor: User,
                                now: datetime) -> list[Booking]:
    """Approving a booking rejects the pending requests it collides with."""
    rivals = session.scalars(
        select(Booking).where(*pending_blocks_meeting(approved)).order_by(Booking.start_at,
                                                                          Booking.id)
    ).all()
    for rival in rivals:
        previous = set_status(rival, BookingStatus.REJECTED, auto_reject_reason(rival), now)
        audit.record(session, actor, "booking", rival.id, "auto_reject", booking_id=rival.id,
                     from_status=previous.value, to_status=rival.status.value,
                     reason=rival.status_reason, details={"approved_booking_id": approved.id},
                     at=now)
        notify.on_status_changed(session, rival, previous, now, automatic=True)
    return list(rivals)
