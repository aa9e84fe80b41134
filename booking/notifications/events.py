"""What the booking services call when something happened to a booking.

Each function only adds or updates outbox rows in the caller's session and
transaction: it never commits and never sends. The message then exists exactly
when the change that caused it was committed.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from booking.config import DEFAULTS
from booking.config import reminder_offsets as parse_reminder_offsets
from booking.models import Booking, BookingStatus, Organization, OutboxMessage, User
from booking.notifications import kinds
from booking.notifications.outbox import enqueue, skip_unsent

DEFAULT_REMINDER_OFFSETS = tuple(parse_reminder_offsets(DEFAULTS["REMINDER_OFFSETS"]))


def reminder_offsets() -> list[int]:
    """Minutes before the start at which reminders go out (REMINDER_OFFSETS)."""
    if has_app_context():
        return list(current_app.config.get("REMINDER_OFFSETS_MINUTES", DEFAULT_REMINDER_OFFSETS))
    return list(DEFAULT_REMINDER_OFFSETS)


def requester(booking: Booking) -> User | str | None:
    """Who hears about the booking: the member who asked for it, if they can
    still receive mail; the organisation's own address when staff booked for it
    (the organisation, not the staff member, will hold the meeting), and when
    the member's data was deleted (KVKK: their bookings stay with it)."""
    user = booking.created_by
    organization = booking.organization
    if user is None:
        return None
    if user.anonymised_at is not None:
        return organization.email if organization is not None else None
    if organization is not None and user.is_staff and user.organization_id != organization.id:
        return organization.email
    if not user.is_active:
        return None
    return user


def center_staff(booking: Booking) -> list[User]:
    """Active staff (and admins) attached to the booking's center."""
    return [u for u in booking.room.center.staff if u.is_active and u.is_staff]


def _ids(bookings: Sequence[Booking]) -> list[int]:
    return [b.id for b in sorted(bookings, key=lambda b: (b.start_at, b.id))]


def on_booking_created(session: Session, bookings: list[Booking], now: datetime, *,
                       inserted_now: bool = False) -> None:
    """A booking, or a recurring series' occurrences, was just created.

    Pending: "request received" to the requester and "new request" to the
    center's staff, one message each for the whole series. Approved at once:
    the approval (with .ics) to the requester and reminders per occurrence.

    ``inserted_now``: the bookings were inserted in this transaction and this
    is the first call for them, so no outbox row of theirs can be in the
    database yet and the per-message look-ups are skipped (the create path).
    """
    if not bookings:
        return
    session.flush()
    pending = [b for b in bookings if b.status == BookingStatus.PENDING]
    approved = [b for b in bookings if b.status == BookingStatus.APPROVED]
    if pending:
        first = min(pending, key=lambda b: (b.start_at, b.id))
        context = {"booking_ids": _ids(pending)}
        user = requester(first)
        staff_members = center_staff(first)  # read before adding rows: one INSERT for all
        if user is not None:
            enqueue(session, kind=kinds.REQUEST_RECEIVED, recipient=user, due_at=now,
                    booking=first, context=context, new_booking=inserted_now)
        for staff in staff_members:
            enqueue(session, kind=kinds.NEW_REQUEST, recipient=staff, due_at=now,
                    booking=first, context=context, new_booking=inserted_now)
    if approved:
        first = min(approved, key=lambda b: (b.start_at, b.id))
        user = requester(first)
        if user is not None:
            enqueue(session, kind=kinds.APPROVED, recipient=user, due_at=now,
                    booking=first, context={"booking_ids": _ids(approved)}, new_booking=inserted_now)
        if user is not None and len(approved) > 1 and wants_invitations(user):
            # An invitation holds one event (one UID): one per occurrence.
            for booking in approved:
                enqueue(session, kind=kinds.INVITATION, recipient=user, due_at=now,
                        booking=booking, context={"booking_ids": [booking.id]},
                        new_booking=inserted_now)
        for booking in approved:
            plan_reminders(session, booking, now, new_booking=inserted_now)


def on_status_changed(
    session: Session,
    booking: Booking,
    previous: BookingStatus,
    now: datetime,
    *,
    automatic: bool = False,
) -> None:
    """The booking was approved, rejected or cancelled: tell the requester.

    ``automatic`` marks a rejection caused by approving an overlapping request.
    Rejection and cancellation drop the booking's unsent reminders.
    """
    session.flush()
    status = booking.status
    if status == previous:
        return
    user = requester(booking)
    context = {"booking_ids": [booking.id], "previous": str(previous)}
    if status == BookingStatus.APPROVED:
        skip_unsent(session, booking.id, [kinds.ESCALATION], "approved")
        if user is not None:
            enqueue(session, kind=kinds.APPROVED, recipient=user, due_at=now,
                    booking=booking, context=context)
        plan_reminders(session, booking, now)
        return
    if status == BookingStatus.REJECTED:
        kind = kinds.AUTO_REJECTED if automatic else kinds.REJECTED
    elif status == BookingStatus.CANCELLED:
        kind = kinds.CANCELLED
    else:
        return
    skip_unsent(session, booking.id, kinds.ABOUT_UPCOMING, f"booking {status.value}")
    if user is not None:
        context["reason"] = booking.status_reason or ""
        enqueue(session, kind=kind, recipient=user, due_at=now, booking=booking, context=context)


def on_no_show(session: Session, booking: Booking, closed_at: datetime, now: datetime) -> None:
    """Nobody checked the booking in before its window closed (services/checkin.py):
    the requester and the organisation's own address hear that the room was
    released. One message per recipient and booking (keyed on the window's
    close, not on when the job ran); unsent reminders are skipped."""
    session.flush()
    skip_unsent(session, booking.id, kinds.ABOUT_UPCOMING, "booking no_show")
    context = {"booking_ids": [booking.id], "reason": booking.status_reason or ""}
    recipients: list[User | str] = []
    user = requester(booking)
    if user is not None:
        recipients.append(user)
    organization = booking.organization
    addresses = {r.email.lower() if isinstance(r, User) else r.lower() for r in recipients}
    if organization is not None and organization.email \
            and organization.email.lower() not in addresses:
        recipients.append(organization.email)
    for recipient in recipients:
        enqueue(session, kind=kinds.NO_SHOW, recipient=recipient, due_at=now, booking=booking,
                context=context, key_time=closed_at)


def on_booking_moved(session: Session, booking: Booking, now: datetime,
                     previous: BookingStatus | None = None) -> None:
    """The booking's time or room changed: re-plan its reminders for the new start.

    Reminders of the old time are skipped. An approved booking gets new ones;
    a booking sent back to pending gets none until approved, and its center's
    staff hear of the changed request. The requester of a booking that was
    and stays approved hears of the change (with the updated invitation).
    """
    session.flush()
    user = requester(booking)
    if user is not None and previous == booking.status == BookingStatus.APPROVED:
        enqueue(session, kind=kinds.CHANGED, recipient=user, due_at=now, booking=booking,
                context={"booking_ids": [booking.id]})
    keep: list[int] = []
    if booking.status == BookingStatus.APPROVED:
        planned = plan_reminders(session, booking, now)
        session.flush()  # the new rows need their ids before the others are skipped
        keep = [m.id for m in planned]
    skip_unsent(session, booking.id, kinds.ABOUT_UPCOMING, "booking moved", keep=keep)
    if booking.status == BookingStatus.PENDING:
        context = {"booking_ids": [booking.id], "changed": True}
        for staff in center_staff(booking):
            enqueue(session, kind=kinds.NEW_REQUEST, recipient=staff, due_at=now,
                    booking=booking, context=context)


def wants_invitations(recipient: User | str) -> bool:
    """Whether the recipient's booking e-mails carry calendar invitations: a
    person's own setting; an organisation's address always does."""
    return not isinstance(recipient, User) or bool(recipient.calendar_invitations)


def plan_reminders(session: Session, booking: Booking, now: datetime, *,
                   new_booking: bool = False) -> list[OutboxMessage]:
    """Enqueue the requester's reminders still in the future; return their rows.
    ``new_booking``: the booking was created in this transaction (see ``enqueue``)."""
    user = requester(booking)
    if user is None or booking.status != BookingStatus.APPROVED:
        return []
    planned: list[OutboxMessage] = []
    for minutes in reminder_offsets():
        due = booking.start_at - timedelta(minutes=minutes)
        if due <= now:
            continue
        planned.append(
            enqueue(session, kind=kinds.REMINDER, recipient=user, due_at=due, booking=booking,
                    context={"booking_ids": [booking.id], "offset_minutes": minutes},
                    new_booking=new_booking)
        )
    return planned


def on_organization_verified(session: Session, organization: Organization,
                             now: datetime) -> None:
    """Staff vouched for a new organisation: its members hear that they may now
    request rooms (until then they could only wait and look)."""
    for member in organization.members:
        if member.is_active:
            enqueue(session, kind=kinds.ORGANIZATION_VERIFIED, recipient=member, due_at=now,
                    context={"organization_id": organization.id})


def on_offer_made(session: Session, booking: Booking, now: datetime) -> None:
    """A waitlist entry got an offer: its requester hears how long it holds."""
    user = requester(booking)
    if user is not None:
        enqueue(session, kind=kinds.WAITLIST_OFFER, recipient=user, due_at=now, booking=booking,
                context={"booking_ids": [booking.id]}, new_booking=True)


def on_offer_ended(session: Session, booking: Booking, now: datetime, *, declined: bool) -> None:
    """An offer was declined or ran out: its requester hears that the time is gone."""
    user = requester(booking)
    if user is not None:
        enqueue(session, kind=kinds.OFFER_DECLINED if declined else kinds.OFFER_EXPIRED,
                recipient=user, due_at=now, booking=booking, context={"booking_ids": [booking.id]})
