"""Create, approve, reject and cancel bookings (changes: booking_changes.py;
series: series.py; attendance: attendance.py).

These are the only functions that change bookings. Each one checks the
actor's rights and the rules of SPEC §2, changes the rows, writes the audit
trail and enqueues notifications in the caller's transaction (the caller
commits). The database refuses overlapping approved bookings even if two of
these race; that refusal comes back as ``BookingConflict``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from booking.database import lock_rooms
from booking.i18n.text import one_line
from booking.models import (
    Booking,
    BookingKind,
    BookingSeries,
    BookingStatus,
    Category,
    Organization,
    Role,
    Room,
    User,
)
from booking.notifications import events as notify
from booking.services import audit, booking_services, quotas
from booking.services import general_assembly as assembly
from booking.services.access import (
    get_visible_booking,
    manages_center,
    require_center_staff,
    require_owner_or_staff,
)
from booking.services.booking_changes import BookingChanges, change_booking
from booking.services.booking_steps import (
    clean_reason,
    conflict_message,
    ensure_transition,
    flush_or_conflict,
    group_errors,
    hold,
    parse_enum,
    raise_conflict,
    reject_overlapping_pending,
    resolve_organization,
    set_status,
)
from booking.services.conflicts import find_conflicts
from booking.services.errors import FieldError, InvalidTransition, NotAllowed, RuleViolation
from booking.services.intervals import ConflictKind, Interval, SkippedOccurrence
from booking.services.recurrence import Recurrence, expand
from booking.services.rules import check_request_fields, check_times, message_day
from booking.services.waitlist_offers import offer_freed_booking

__all__ = ["BookingChanges", "BookingRequest", "CreateResult", "approve_booking", "cancel_booking",
           "cancel_loaded", "change_booking", "create_booking", "reject_booking"]

ALREADY_REQUESTED = _l("Kuruluşunuzun bu salon ve saat için bekleyen bir talebi zaten var.")


@dataclass
class BookingRequest:
    """What a requester asks for; ``start``/``end`` are aware datetimes."""

    room_id: int
    title: str
    start: datetime
    end: datetime
    expected_attendees: int
    kind: BookingKind | str = BookingKind.MEETING
    category: Category | str = Category.OTHER
    description: str | None = None
    is_public: bool = False
    organization_id: int | None = None
    recurrence: Recurrence | None = None
    skip_conflicts: bool = False
    # Staff and admins booking past an organisation's quota say why (quotas.py).
    quota_reason: str | None = None
    # Services with the booking (SPEC §9, booking_services.py).
    services: list[booking_services.ServiceRequest] = field(default_factory=list)
    # A general assembly's second date (SPEC §9, services/general_assembly.py).
    second_start: datetime | None = None
    second_end: datetime | None = None


@dataclass
class CreateResult:
    bookings: list[Booking]
    series: BookingSeries | None = None
    skipped: list[SkippedOccurrence] = field(default_factory=list)
    # A general assembly's pair (models/assemblies.py) and what its request was warned of.
    assembly: Any = None
    warnings: list[Any] = field(default_factory=list)


# --- create ----------------------------------------------------------------


@dataclass
class _Sorted:
    """The occurrences of a request, sorted by what stands in their way."""

    accepted: list[tuple[datetime, datetime]] = field(default_factory=list)
    skipped: list[SkippedOccurrence] = field(default_factory=list)
    rule_failures: list[tuple[str, list[FieldError]]] = field(default_factory=list)
    conflicts: list[Interval] = field(default_factory=list)
    first_conflict: tuple[datetime, datetime] | None = None


def _checked_request(session: Session, actor: User, request: BookingRequest, now: datetime
                     ) -> tuple[Room, Organization | None, Any, Any]:
    """The room, the organisation, the kind and the category of a request whose
    fields (not yet its times) keep the rules; else NotAllowed or RuleViolation."""
    if actor is None or not actor.is_active:
        raise NotAllowed(_l("Rezervasyon için giriş yapın."))
    room = session.get(Room, request.room_id)
    if room is None:
        raise RuleViolation.single("room_id", _l("Salon bulunamadı."))
    if actor.role == Role.STAFF and not manages_center(actor, room.center_id):
        raise NotAllowed(_l("Yalnızca görevli olduğunuz merkezlerde doğrudan rezervasyon yapabilirsiniz."))
    organization = resolve_organization(session, actor, request.organization_id)
    errors: list[FieldError] = []
    kind = parse_enum(request.kind, BookingKind, "kind", errors)
    category = parse_enum(request.category, Category, "category", errors)
    errors += check_request_fields(room, request.title, request.expected_attendees,
                                   organization, actor, now)
    if errors:
        raise RuleViolation(errors)
    return room, organization, kind, category


def _sort_occurrences(session: Session, room: Room, request: BookingRequest,
                      occurrences: list[tuple[datetime, datetime]], *, override: bool,
                      twin_of: int | None, now: datetime) -> _Sorted:
    """Each occurrence is accepted, breaks a rule, or meets an approved booking
    or closure (noted as skipped when the request asks to skip). A request the
    organisation already has pending for the very same time (``twin_of``) is a
    second click or a client's retry, not a new request."""
    tz = room.center.tz
    sorted_ = _Sorted()
    for start, end in occurrences:
        day = message_day(start.astimezone(tz))
        problems = check_times(room, start, end, now, override=override)
        found = [] if problems else find_conflicts(session, room, start, end, twin_of=twin_of)
        twins = [interval for interval in found if interval.kind == ConflictKind.TWIN]
        found = [interval for interval in found if interval.kind != ConflictKind.TWIN]
        if twins and not found:
            problems = [FieldError("start", ALREADY_REQUESTED)]
        if problems:
            sorted_.rule_failures.append((day, problems))
            if request.skip_conflicts:
                sorted_.skipped.append(SkippedOccurrence(
                    start, end, "; ".join(str(p.message) for p in problems)))
        elif found:
            sorted_.conflicts += found
            sorted_.first_conflict = sorted_.first_conflict or (start, end)
            if request.skip_conflicts:
                sorted_.skipped.append(SkippedOccurrence(start, end, str(conflict_message(found)),
                                                         found))
        else:
            sorted_.accepted.append((start, end))
    return sorted_


def _refuse_what_cannot_be_booked(session: Session, room: Room, request: BookingRequest,
                                  sorted_: _Sorted, total: int, now: datetime) -> None:
    """A single booking, a series taken whole, or a series with nothing left to
    book: any broken rule or conflict refuses the whole request."""
    if request.recurrence is not None and request.skip_conflicts and sorted_.accepted:
        return
    if sorted_.rule_failures:
        raise RuleViolation(group_errors(sorted_.rule_failures, total))
    if sorted_.first_conflict is not None:
        raise_conflict(session, room, *sorted_.first_conflict, request.expected_attendees, now,
                        sorted_.conflicts)


def _new_series(room: Room, organization: Organization | None, actor: User,
                request: BookingRequest, recurrence: Recurrence, now: datetime) -> BookingSeries:
    local_start = request.start.astimezone(room.center.tz).replace(tzinfo=None)
    return BookingSeries(
        room_id=room.id,
        organization_id=organization.id if organization else None,
        created_by_id=actor.id,
        title=one_line(request.title),
        rrule=recurrence.as_rrule_text(local_start),
        dtstart_local=local_start.isoformat(timespec="minutes"),
        created_at=now,
    )


def create_booking(session: Session, actor: User, request: BookingRequest,
                   now: datetime) -> CreateResult:
    """Book a room once or as a series. Pending unless the room needs no
    approval or staff/an admin books; a series is all-or-nothing unless
    ``skip_conflicts`` asks to leave out the occurrences that cannot be booked.
    A general assembly books its two dates together (general_assembly.py)."""
    if assembly.is_assembly(request):
        return assembly.create_pair(session, actor, request, now, book=_create)
    return _create(session, actor, request, now)


def _create(session: Session, actor: User, request: BookingRequest, now: datetime) -> CreateResult:
    """One booking, or a series."""
    room, organization, kind, category = _checked_request(session, actor, request, now)
    status = BookingStatus.APPROVED if (actor.is_staff or not room.requires_approval) \
        else BookingStatus.PENDING
    if request.recurrence is None:
        occurrences = [(request.start, request.end)]
    else:
        occurrences = expand(request.recurrence, request.start, request.end, room.center.tz)
    lock_rooms(session, [room.id])  # the twins of two requests at once run one by one
    twin_of = organization.id if organization is not None and status == BookingStatus.PENDING \
        else None
    sorted_ = _sort_occurrences(session, room, request, occurrences, override=actor.is_staff,
                                twin_of=twin_of, now=now)
    _refuse_what_cannot_be_booked(session, room, request, sorted_, len(occurrences), now)
    override = quotas.check(session, actor, organization, room, sorted_.accepted,
                            pending=status == BookingStatus.PENDING, now=now,
                            override_reason=request.quota_reason)
    wanted = booking_services.check_new(session, room, request.services, sorted_.accepted,
                                        holding=status == BookingStatus.APPROVED)

    series = None
    if request.recurrence is not None:
        series = _new_series(room, organization, actor, request, request.recurrence, now)
        session.add(series)
    bookings = [
        Booking(
            room=room, organization=organization, created_by=actor, series=series,
            title=one_line(request.title),
            description=(request.description or "").strip() or None,
            kind=kind, category=category, start_at=start, end_at=end,
            block_end=end + timedelta(minutes=room.buffer_minutes),
            expected_attendees=request.expected_attendees, status=status,
            is_public=bool(request.is_public), sequence=0, created_at=now, updated_at=now,
        )
        for start, end in sorted_.accepted
    ]
    session.add_all(bookings)
    first_start, first_end = sorted_.accepted[0]
    flush_or_conflict(session, room, first_start, first_end, request.expected_attendees, now)
    for booking in bookings:
        audit.record(session, actor, "booking", booking.id, "create", booking_id=booking.id,
                     to_status=status.value, at=now,
                     details={"series_id": series.id} if series else None)
    quotas.record_override(session, actor, [booking.id for booking in bookings], override, now)
    booking_services.attach(session, actor, bookings, wanted, now)
    notify.on_booking_created(session, bookings, now, inserted_now=True)
    if status == BookingStatus.APPROVED:
        for booking in bookings:
            reject_overlapping_pending(session, booking, actor, now)
    return CreateResult(bookings, series, sorted_.skipped)


# --- status changes --------------------------------------------------------


@dataclass
class Approval:
    """What approving did: the approved booking, and the pending requests whose
    time it took, rejected automatically (their requesters are told why)."""

    booking: Booking
    auto_rejected: list[Booking]


def approve_booking(session: Session, actor: User, booking_id: int, now: datetime) -> Approval:
    """Staff of the center approve a pending request; overlapping requests are rejected."""
    booking = get_visible_booking(session, actor, booking_id)
    require_center_staff(actor, booking)
    hold(session, booking)
    if booking.status == BookingStatus.OFFERED:  # its organisation accepts it (waitlist.py)
        raise InvalidTransition(_l("Bir bekleme listesi teklifini kuruluşu kabul eder; "
                                   "görevliler onaylamaz."))
    ensure_transition(booking, BookingStatus.APPROVED)
    if booking.start_at < now:
        raise RuleViolation.single("start", _l("Başlangıç zamanı geçmiş bir talep onaylanamaz."))
    room = booking.room
    conflicts = find_conflicts(session, room, booking.start_at, booking.end_at, [booking.id])
    if conflicts:
        raise_conflict(session, room, booking.start_at, booking.end_at,
                        booking.expected_attendees, now, conflicts, [booking.id])
    booking_services.check_holding(session, booking, room, booking.start_at, booking.end_at)
    booking.block_end = booking.end_at + timedelta(minutes=room.buffer_minutes)
    previous = set_status(booking, BookingStatus.APPROVED, None, now)
    flush_or_conflict(session, room, booking.start_at, booking.end_at, booking.expected_attendees, now,
           [booking.id])
    audit.record(session, actor, "booking", booking.id, "approve", booking_id=booking.id,
                 from_status=previous.value, to_status=booking.status.value, at=now)
    notify.on_status_changed(session, booking, previous, now)
    approval = Approval(booking, reject_overlapping_pending(session, booking, actor, now))
    assembly.follow(session, actor, booking, "approve", None, now)  # its other date too
    return approval


def reject_booking(session: Session, actor: User, booking_id: int, reason: str | None,
                   now: datetime) -> Booking:
    """Staff of the center turn a request down; a reason is required."""
    booking = get_visible_booking(session, actor, booking_id)
    require_center_staff(actor, booking)
    hold(session, booking)
    ensure_transition(booking, BookingStatus.REJECTED)
    cleaned = clean_reason(reason, required=True)
    previous = set_status(booking, BookingStatus.REJECTED, cleaned, now)
    audit.record(session, actor, "booking", booking.id, "reject", booking_id=booking.id,
                 from_status=previous.value, to_status=booking.status.value, reason=cleaned,
                 at=now)
    notify.on_status_changed(session, booking, previous, now)
    offer_freed_booking(session, booking, now)
    assembly.follow(session, actor, booking, "reject", cleaned, now)  # its other date too
    return booking


def cancel_loaded(session: Session, actor: User, booking: Booking, reason: str | None,
            now: datetime) -> Booking:
    """Cancel a booking the caller has loaded and checked the actor's right to."""
    hold(session, booking)
    ensure_transition(booking, BookingStatus.CANCELLED)
    if booking.end_at <= now:
        raise RuleViolation.single("start", _l("Sona ermiş bir rezervasyon iptal edilemez."))
    if booking.start_at <= now and not manages_center(actor, booking.room.center_id):
        raise RuleViolation.single(
            "start", _l("Başlamış bir rezervasyonu yalnızca merkez görevlileri iptal edebilir.")
        )
    previous = set_status(booking, BookingStatus.CANCELLED, reason, now)
    audit.record(session, actor, "booking", booking.id, "cancel", booking_id=booking.id,
                 from_status=previous.value, to_status=booking.status.value, reason=reason, at=now)
    notify.on_status_changed(session, booking, previous, now)
    offer_freed_booking(session, booking, now)  # the waitlist may take the freed time
    assembly.follow(session, actor, booking, "cancel", reason, now)  # a first date: the second too
    return booking


def cancel_booking(session: Session, actor: User, booking_id: int, reason: str | None,
                   now: datetime) -> Booking:
    """The organisation, staff of the center or an admin cancel a booking."""
    booking = get_visible_booking(session, actor, booking_id)
    require_owner_or_staff(actor, booking)
    return cancel_loaded(session, actor, booking, clean_reason(reason, required=False), now)
