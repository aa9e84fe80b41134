"""The staff's tasks of services with bookings (SPEC §9): a center's day of
promised items (what, when, room, how many, for whom), and marking one done.

A task is a booking's item: its time and room are the booking's, so a moved
booking's tasks move with it, and a cancelled booking's tasks (cancelled with
it, booking_services.follow_status) leave the list.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from booking.database import reads_under_lock
from booking.models import (
    HOLDING_TIME,
    Booking,
    BookingServiceItem,
    Center,
    Room,
    ServiceItem,
    ServiceItemStatus,
    User,
)
from booking.services import audit
from booking.services.access import manages_center
from booking.services.errors import InvalidTransition, NotFound

SHOWN = (ServiceItemStatus.PROMISED, ServiceItemStatus.DONE)


@dataclass(frozen=True)
class Task:
    row: BookingServiceItem

    @property
    def booking(self) -> Booking:
        return self.row.booking

    @property
    def done(self) -> bool:
        return self.row.status == ServiceItemStatus.DONE


def local_day(center: Center, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=center.tz)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=center.tz)


def day_tasks(session: Session, center: Center, day: date) -> list[Task]:
    """The promised and done items of the center's bookings that hold time and
    start on ``day`` (the center's local date), in time order."""
    start, end = local_day(center, day)
    rows = session.scalars(
        select(BookingServiceItem)
        .join(Booking, Booking.id == BookingServiceItem.booking_id)
        .join(Room, Room.id == Booking.room_id)
        .join(ServiceItem, ServiceItem.id == BookingServiceItem.item_id)
        .where(Room.center_id == center.id, Booking.status.in_(HOLDING_TIME),
               BookingServiceItem.status.in_(SHOWN),
               Booking.start_at >= start, Booking.start_at < end)
        .options(joinedload(BookingServiceItem.booking).joinedload(Booking.room),
                 joinedload(BookingServiceItem.booking).joinedload(Booking.organization),
                 joinedload(BookingServiceItem.item))
        .order_by(Booking.start_at, Room.name, ServiceItem.sort_order, BookingServiceItem.id)
    ).all()
    return [Task(row) for row in rows]


def center_tasks(session: Session, actor: User, center_id: int, day: date) -> list[Task]:
    """A center's tasks of a day, for its staff and admins (else NotFound)."""
    center = session.get(Center, center_id)
    if center is None or not manages_center(actor, center.id):
        raise NotFound(_l("Merkez bulunamadı."))
    return day_tasks(session, center, day)


def mark_done(session: Session, actor: User, row_id: int, now: datetime) -> BookingServiceItem:
    """Staff of the booking's center mark a promised item done."""
    row = session.get(BookingServiceItem, row_id)
    if row is None or not manages_center(actor, row.booking.room.center_id):
        raise NotFound(_l("Görev bulunamadı."))
    if reads_under_lock(session):  # two colleagues at once: one marks it
        session.flush()  # a refresh would drop what this transaction changed
        session.refresh(row, with_for_update=True)
    if row.status == ServiceItemStatus.DONE:
        return row  # a second click, or a colleague was quicker
    if row.status != ServiceItemStatus.PROMISED or row.booking.status not in HOLDING_TIME:
        raise InvalidTransition(_l("Yalnızca onaylı bir rezervasyonun hizmeti yapıldı "
                                   "olarak işaretlenebilir."))
    previous = row.status
    row.status, row.done_by_id, row.done_at = ServiceItemStatus.DONE, actor.id, now
    audit.record(session, actor, "booking_service_item", row.id, "done",
                 booking_id=row.booking_id, from_status=previous.value,
                 to_status=row.status.value, at=now)
    return row


def task_rows(session: Session, row_ids: list[int]) -> list[BookingServiceItem]:
    """The digest's tasks that are still to do or done (a task cancelled
    since the digest was planned is left out), in time order."""
    if not row_ids:
        return []
    rows = session.scalars(select(BookingServiceItem).where(
        BookingServiceItem.id.in_(row_ids), BookingServiceItem.status.in_(SHOWN))).all()
    return sorted(rows, key=lambda r: (r.booking.start_at, r.booking.room.name, r.id))
