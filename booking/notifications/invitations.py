"""The calendar parts of a requester's e-mail: the iTIP invitation
(``text/calendar; method=REQUEST`` or ``CANCEL``, booking/calendar/itip.py)
and the ``.ics`` attachment.

An invitation says what the booking is *when the message is sent*, with the
booking's SEQUENCE of that moment: a message that waited in the outbox while
the booking changed again carries the newer state, never an older one, so a
calendar that files the messages in any order ends with the right event.

- approved (now): REQUEST with ``STATUS:CONFIRMED``;
- pending again after an approval (a member moved it): REQUEST with
  ``STATUS:TENTATIVE``, at the new time;
- cancelled or rejected after an approval (any status but approved and
  pending): CANCEL;
- never approved: no invitation (nothing is in the person's calendar);
- a message about several bookings (a series approved at once): none; each
  occurrence gets a message of its own (kind ``invitation``).

Nothing is added for a person who turned invitations off (their e-mails keep
the plain ``.ics`` attachment).
"""
from __future__ import annotations

from email.utils import parseaddr
from typing import Any

from flask import current_app
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from booking.calendar import ical, itip
from booking.models import AuditEntry, Booking, BookingStatus, OutboxMessage, User
from booking.notifications import kinds
from booking.notifications.mailer import Attachment

# A booking in any other status is off the person's calendar (cancelled,
# rejected, and whatever later status ends a booking, e.g. a no-show release).
STANDING = (BookingStatus.APPROVED, BookingStatus.PENDING)


def was_approved(session: Session, booking: Booking) -> bool:
    """Whether the booking is or ever was approved (and so was invited)."""
    if booking.status == BookingStatus.APPROVED:
        return True
    approved = BookingStatus.APPROVED.value
    return bool(session.scalar(select(exists().where(
        AuditEntry.booking_id == booking.id,
        or_(AuditEntry.to_status == approved, AuditEntry.from_status == approved),
    ))))


def method_for(session: Session, message: OutboxMessage, bookings: list[Booking]) -> str | None:
    """REQUEST, CANCEL or None (no invitation) for this message, now."""
    if message.kind not in kinds.ABOUT_THE_CALENDAR or len(bookings) != 1:
        return None
    booking = bookings[0]
    if not was_approved(session, booking):
        return None
    return itip.REQUEST if booking.status in STANDING else itip.CANCEL


def organizer(booking: Booking) -> itip.Party:
    """The center, at the address the e-mails come from (MAIL_FROM)."""
    address = parseaddr(str(current_app.config["MAIL_FROM"]))[1] or "rezervasyon@localhost"
    return itip.Party(address=address, name=booking.room.center.name)


def attendee(message: OutboxMessage, booking: Booking, user: User | None) -> itip.Party:
    """The recipient: the person, or the organisation at its own address."""
    if user is not None:
        return itip.Party(address=message.recipient, name=user.name)
    name = booking.organization.name if booking.organization is not None else message.recipient
    return itip.Party(address=message.recipient, name=name)


def calendar_part(session: Session, message: OutboxMessage, ctx: dict[str, Any],
                  user: User | None) -> Attachment | None:
    """The ``text/calendar; method=…`` alternative of the message, if any."""
    if user is not None and not user.calendar_invitations:
        return None
    bookings: list[Booking] = ctx.get("bookings") or []
    method = method_for(session, message, bookings)
    if method is None:
        return None
    booking = bookings[0]
    calendar = itip.invitation(booking, method, organizer=organizer(booking),
                               attendee=attendee(message, booking, user),
                               base_url=ctx["base_url"], language=message.language)
    return Attachment(filename="invite.ics", content=ical.serialize(calendar), maintype="text",
                      subtype="calendar", params={"method": method, "charset": "UTF-8"})


def ics_attachment(message: OutboxMessage, ctx: dict[str, Any]) -> tuple[Attachment, ...]:
    """The booking's ``.ics`` (METHOD:PUBLISH): the same UIDs and SEQUENCE as
    the calendar feeds, to import by hand, with or without invitations."""
    if message.kind not in kinds.WITH_ICS or not ctx.get("bookings"):
        return ()
    bookings: list[Booking] = ctx["bookings"]
    first: Booking = ctx["booking"]
    if len(bookings) == 1:
        calendar = ical.single_booking_calendar(
            first, base_url=ctx["base_url"], language=message.language
        )
    else:
        options = ical.EventOptions(base_url=ctx["base_url"], private=True,
                                    language=message.language)
        calendar = ical.build_calendar(bookings, options, name=first.title,
                                       timezone=first.room.center.timezone)
    return (
        Attachment(
            filename=f"rezervasyon-{first.id}.ics",
            content=ical.serialize(calendar),
            maintype="text",
            subtype="calendar",
            params={"method": "PUBLISH", "charset": "utf-8"},
        ),
    )
