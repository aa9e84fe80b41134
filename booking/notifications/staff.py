"""Messages to center staff that come from the clock, not from a change:
the daily digest and the escalation of pending requests close to their start.

Both builders only enqueue; their unique keys make a second run harmless
(one digest per center, recipient and day; one escalation per booking start).
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from booking.models import Booking, BookingStatus, Center, OutboxMessage, Room
from booking.notifications import kinds
from booking.notifications.events import center_staff
from booking.notifications.outbox import enqueue
from booking.services import deletion
from booking.services.service_tasks import day_tasks

DIGEST_AT = time(7, 30)
ESCALATION_WINDOW = timedelta(hours=48)
# How far back the digest looks for events whose attendance is not recorded.
UNRECORDED_LOOKBACK = timedelta(days=30)
DIGEST_LIST_LIMIT = 50


def _center_bookings(center: Center) -> Select[Booking]:
    return select(Booking).join(Room, Booking.room_id == Room.id).where(
        Room.center_id == center.id
    )


def digest_lists(session: Session, center: Center, now: datetime) -> dict[str, list[int]]:
    """Ids of today's bookings, pending requests, events without attendance
    and today's service tasks."""
    zone = center.tz
    day = now.astimezone(zone).date()
    day_start = datetime.combine(day, time(0), zone)
    day_end = datetime.combine(day + timedelta(days=1), time(0), zone)
    base = _center_bookings(center).order_by(Booking.start_at, Booking.id)
    today = session.scalars(base.where(
        Booking.status == BookingStatus.APPROVED,
        Booking.start_at >= day_start,
        Booking.start_at < day_end,
    ).limit(DIGEST_LIST_LIMIT)).all()
    pending = session.scalars(base.where(
        Booking.status == BookingStatus.PENDING, Booking.start_at > now
    ).limit(DIGEST_LIST_LIMIT)).all()
    unrecorded = session.scalars(base.where(
        Booking.status == BookingStatus.APPROVED,
        Booking.end_at <= now,
        Booking.end_at > now - UNRECORDED_LOOKBACK,
        Booking.actual_attendees.is_(None),
    ).limit(DIGEST_LIST_LIMIT)).all()
    return {
        "today_ids": [b.id for b in today],
        "pending_ids": [b.id for b in pending],
        "unrecorded_ids": [b.id for b in unrecorded],
        # The day's services to prepare (SPEC §9, services/service_tasks.py).
        "task_ids": [t.row.id for t in day_tasks(session, center, day)][:DIGEST_LIST_LIMIT],
    }


def build_daily_digests(
    session: Session, now: datetime, *, timezone: str | None = None
) -> list[OutboxMessage]:
    """Enqueue today's digest for the staff of every active center (of one zone).

    A center with nothing to report sends no digest. The caller commits.
    """
    query = select(Center).where(Center.is_active.is_(True)).order_by(Center.id)
    if timezone is not None:
        query = query.where(Center.timezone == timezone)
    messages: list[OutboxMessage] = []
    # KVKK deletion requests belong to no center: every digest says how many wait.
    waiting, overdue = deletion.open_counts(session, now)
    for center in session.scalars(query).all():
        lists = digest_lists(session, center, now)
        if not any(lists.values()) and not overdue:
            continue
        day = now.astimezone(center.tz).date()
        key_time = datetime.combine(day, DIGEST_AT, center.tz)
        context = {"center_id": center.id, "date": day.isoformat(), **lists,
                   "deletions_open": waiting, "deletions_overdue": overdue}
        for user in [u for u in center.staff if u.is_active and u.is_staff]:
            messages.append(enqueue(session, kind=kinds.DIGEST, recipient=user, due_at=now,
                                    context=context, key_time=key_time))
    return messages


def build_escalations(session: Session, now: datetime) -> list[OutboxMessage]:
    """Tell a center's staff, once per booking, about pending requests starting within 48 h.

    The unique key carries the booking's start, so a request moved to another
    time inside the window is escalated again. The caller commits.
    """
    bookings = session.scalars(
        select(Booking)
        .where(
            Booking.status == BookingStatus.PENDING,
            Booking.start_at > now,
            Booking.start_at <= now + ESCALATION_WINDOW,
        )
        .order_by(Booking.start_at, Booking.id)
    ).all()
    messages: list[OutboxMessage] = []
    for booking in bookings:
        for user in center_staff(booking):
            messages.append(enqueue(session, kind=kinds.ESCALATION, recipient=user, due_at=now,
                                    booking=booking, context={"booking_ids": [booking.id]},
                                    key_time=booking.start_at))
    return messages
