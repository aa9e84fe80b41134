"""Services with a booking (SPEC §9): what a request asks of its center's
catalogue, and the stock rule.

A request asks for items with a quantity (a whole number from 1) and a note;
each item must be an active item of the room's center, and a stocked item
cannot be asked for beyond what the center owns at all (3 projectors when it
has 2 is refused at request time, so the requester hears it early).

Pending requests hold no stock. A booking that holds its time (approved, or a
waitlist offer: ``HOLDING_TIME``) holds its items: when a booking comes to
hold time (created approved, approved, moved while approved) the most of each
stocked item that overlapping holders use at one moment, plus its own, must
not exceed the stock; else a RuleViolation names the item and what is left,
and nothing changes. The stocked items' rows are locked first (``FOR UPDATE``
in id order on PostgreSQL, after the rooms; SQLite's ``BEGIN IMMEDIATE``
already serialises writers), so two approvals taking the last projector run
one after the other and the second sees the first.

An item's status follows its booking (``follow_status``): requested while
pending, promised while it holds time, cancelled when the booking ends
without taking place; done is set by staff (service_tasks.py).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from booking.database import reads_under_lock
from booking.i18n.text import one_line
from booking.models import (
    HOLDING_TIME,
    Booking,
    BookingServiceItem,
    BookingStatus,
    Room,
    ServiceItem,
    ServiceItemStatus,
    User,
)
from booking.services import audit
from booking.services.errors import FieldError, RuleViolation

FIELD = "services"
MAX_NOTE = 500
MAX_QUANTITY = 100_000
ENDED = (BookingStatus.REJECTED, BookingStatus.CANCELLED, BookingStatus.EXPIRED,
         BookingStatus.NO_SHOW)
LIVE_ITEM = (ServiceItemStatus.REQUESTED, ServiceItemStatus.PROMISED, ServiceItemStatus.DONE)


@dataclass(frozen=True)
class ServiceRequest:
    """One item a requester asks for."""

    item_id: int
    quantity: int
    note: str | None = None


@dataclass(frozen=True)
class Wanted:
    """A checked request: the catalogue item and how many."""

    item: ServiceItem
    quantity: int
    note: str | None


def catalogue(session: Session, center_id: int, *, active_only: bool = True) -> list[ServiceItem]:
    """A center's catalogue in its order."""
    query = select(ServiceItem).where(ServiceItem.center_id == center_id)
    if active_only:
        query = query.where(ServiceItem.is_active.is_(True))
    return list(session.scalars(query.order_by(ServiceItem.sort_order, ServiceItem.id)))


def check_requested(session: Session, room: Room,
                    requested: Sequence[ServiceRequest]) -> list[Wanted]:
    """The requested items, checked (else RuleViolation on ``services``)."""
    errors: list[FieldError] = []
    wanted: list[Wanted] = []
    seen: set[int] = set()
    for asked in requested:
        item = session.get(ServiceItem, asked.item_id) if _is_int(asked.item_id) else None
        if item is None or item.center_id != room.center_id:
            errors.append(FieldError(FIELD, _l("Bu hizmet salonun merkezinde sunulmuyor.")))
            continue
        problem = _problem(item, asked, seen)
        if problem is not None:
            errors.append(FieldError(FIELD, problem))
            continue
        seen.add(item.id)
        note = one_line(asked.note or "").strip() or None
        wanted.append(Wanted(item, asked.quantity, note))
    if errors:
        raise RuleViolation(errors)
    return wanted


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def _problem(item: ServiceItem, asked: ServiceRequest, seen: set[int]) -> object | None:
    if not item.is_active:
        return _l("“%(item)s” artık sunulmuyor.", item=item.name)
    if item.id in seen:
        return _l("“%(item)s” birden fazla kez istenmiş.", item=item.name)
    if not _is_int(asked.quantity) or asked.quantity > MAX_QUANTITY:
        return _l("“%(item)s” için miktar 1 ya da daha büyük bir tam sayı olmalı.", item=item.name)
    if item.stock is not None and asked.quantity > item.stock:
        return _l("“%(item)s” için en fazla %(stock)d %(unit)s istenebilir.",
                  item=item.name, stock=item.stock, unit=item.unit)
    if asked.note is not None and len(asked.note) > MAX_NOTE:
        return _l("Hizmet notu en fazla %(n)d karakter olabilir.", n=MAX_NOTE)
    return None


def check_stock(session: Session, wanted: Iterable[tuple[ServiceItem, int]], start: datetime,
                end: datetime, *, excluding: Sequence[int] = ()) -> None:
    """Lock the stocked items and refuse what overlapping holders leave too
    little of. ``excluding``: the booking being approved or moved."""
    stocked = sorted(((item, quantity) for item, quantity in wanted if item.stock is not None),
                     key=lambda pair: pair[0].id)
    if not stocked:
        return
    ids = [item.id for item, _ in stocked]
    if reads_under_lock(session):
        session.execute(select(ServiceItem.id).where(ServiceItem.id.in_(ids))
                        .order_by(ServiceItem.id).with_for_update())
        for item, _ in stocked:
            session.refresh(item)
    errors = []
    for item, quantity in stocked:
        left = (item.stock or 0) - peak_use(session, item.id, start, end, excluding)
        if quantity > left:
            errors.append(FieldError(FIELD, _l(
                "“%(item)s”: bu saatlerde yalnızca %(left)d %(unit)s kaldı "
                "(%(quantity)d istendi, toplam %(stock)d).",
                item=item.name, left=max(left, 0), unit=item.unit, quantity=quantity,
                stock=item.stock or 0)))
    if errors:
        raise RuleViolation(errors)


def peak_use(session: Session, item_id: int, start: datetime, end: datetime,
             excluding: Sequence[int] = ()) -> int:
    """The most of an item that bookings holding time use at one moment of [start, end)."""
    rows = session.execute(
        select(Booking.start_at, Booking.end_at, BookingServiceItem.quantity)
        .join(Booking, Booking.id == BookingServiceItem.booking_id)
        .where(BookingServiceItem.item_id == item_id,
               BookingServiceItem.status.in_(LIVE_ITEM),
               Booking.status.in_(HOLDING_TIME),
               Booking.id.not_in(list(excluding) or [-1]),
               Booking.start_at < end, Booking.end_at > start)
    ).all()
    edges = sorted([(max(s, start), q) for s, _e, q in rows]
                   + [(min(e, end), -q) for _s, e, q in rows], key=lambda edge: (edge[0], edge[1]))
    peak = used = 0
    for _at, change in edges:
        used += change
        peak = max(peak, used)
    return peak


def items_of(session: Session, booking: Booking, *, live: bool = True) -> list[BookingServiceItem]:
    query = select(BookingServiceItem).where(BookingServiceItem.booking_id == booking.id)
    if live:
        query = query.where(BookingServiceItem.status.in_(LIVE_ITEM))
    return list(session.scalars(query.order_by(BookingServiceItem.id)))


def check_holding(session: Session, booking: Booking, room: Room, start: datetime,
                  end: datetime, *, holding: bool = True) -> None:
    """Before a booking comes to hold [start, end) in ``room`` (approval, a
    move): its items are of that room's center and, if it will hold its time
    (``holding``), in stock."""
    items = items_of(session, booking)
    if any(row.item.center_id != room.center_id for row in items):
        raise RuleViolation.single(FIELD, _l(
            "Rezervasyonun hizmetleri kendi merkezine ait; başka bir merkezin salonuna "
            "taşınamaz."))
    if not holding:
        return
    check_stock(session, [(row.item, row.quantity) for row in items if row.status !=
                          ServiceItemStatus.DONE], start, end, excluding=[booking.id])


def attach(session: Session, actor: User, bookings: Sequence[Booking], wanted: Sequence[Wanted],
           now: datetime) -> None:
    """Add the checked items to each new booking (stock already checked)."""
    for booking in bookings:
        status = _status_for(booking.status) or ServiceItemStatus.REQUESTED
        for want in wanted:
            row = BookingServiceItem(booking_id=booking.id, item_id=want.item.id,
                                     quantity=want.quantity, note=want.note, status=status,
                                     created_at=now)
            session.add(row)
            session.flush()
            audit.record(session, actor, "booking_service_item", row.id, "create",
                         booking_id=booking.id, to_status=status.value, at=now,
                         details={"item_id": want.item.id, "quantity": want.quantity})


def _status_for(booking_status: BookingStatus) -> ServiceItemStatus | None:
    if booking_status in HOLDING_TIME:
        return ServiceItemStatus.PROMISED
    if booking_status == BookingStatus.PENDING:
        return ServiceItemStatus.REQUESTED
    if booking_status in ENDED:
        return ServiceItemStatus.CANCELLED
    return None


def follow_status(booking: Booking, now: datetime, actor: User | None = None) -> None:
    """The booking's status changed: its items that are not done follow it."""
    session = object_session(booking)
    target = _status_for(booking.status)
    if session is None or target is None or booking.id is None:
        return
    with session.no_autoflush:
        rows = session.scalars(select(BookingServiceItem).where(
            BookingServiceItem.booking_id == booking.id,
            BookingServiceItem.status.in_((ServiceItemStatus.REQUESTED,
                                           ServiceItemStatus.PROMISED)))).all()
        for row in rows:
            if row.status == target:
                continue
            previous, row.status = row.status, target
            audit.record(session, actor, "booking_service_item", row.id, target.value,
                         booking_id=booking.id, from_status=previous.value,
                         to_status=target.value, at=now)


def check_new(session: Session, room: Room, requested: Sequence[ServiceRequest],
              occurrences: Sequence[tuple[datetime, datetime]], *, holding: bool) -> list[Wanted]:
    """A new request's items, checked; for bookings created holding their
    time, in stock at every occurrence."""
    wanted = check_requested(session, room, requested)
    if holding and wanted:
        for start, end in occurrences:
            check_stock(session, [(want.item, want.quantity) for want in wanted], start, end)
    return wanted
