"""The demo's services with bookings (SPEC §9): each demo center's catalogue
(tea for N people, a technician, the sound system, two projectors, extra
chairs, cleaning after) and items on the coming weeks' bookings, so the
staff's "Görevler" and the digest have something to show.

Deterministic for a database and ``now``; written once (skipped when any
catalogue exists). Only bookings still ahead get items, so the figures of the
demo year's report do not move. Stocked items are given only where the stock
allows (booking_services.peak_use), as the rule would.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.models import (
    Booking,
    BookingServiceItem,
    BookingStatus,
    Center,
    Room,
    ServiceItem,
    ServiceItemStatus,
)
from booking.services.booking_services import peak_use

# (name, unit, stock or None for not counted)
CATALOGUE = (
    ("Çay ve ikram", "kişi", None),
    ("Teknisyen desteği", "kişi", None),
    ("Ses sistemi", "adet", 1),
    ("Projeksiyon", "adet", 2),
    ("Ek sandalye", "adet", 40),
    ("Etkinlik sonrası temizlik", "kez", None),
)
AHEAD = timedelta(days=21)
PER_CENTER = 12  # bookings per center that ask for something


def _catalogue(session: Session, center: Center, now: datetime) -> dict[str, ServiceItem]:
    items = {name: ServiceItem(center_id=center.id, name=name, unit=unit, stock=stock,
                               is_active=True, sort_order=i * 10, created_at=now, updated_at=now)
             for i, (name, unit, stock) in enumerate(CATALOGUE)}
    session.add_all(items.values())
    session.flush()
    return items


def _wishes(booking: Booking, n: int) -> list[tuple[str, int, str | None]]:
    """What the n-th booking of a center asks for: always tea, then by turn."""
    wishes: list[tuple[str, int, str | None]] = [
        ("Çay ve ikram", booking.expected_attendees, "Şekersiz seçenek de olsun" if n % 3 == 0
         else None)]
    if n % 2 == 0:
        wishes.append(("Projeksiyon", 1, None))
    if n % 4 == 1:
        wishes += [("Ses sistemi", 1, None), ("Teknisyen desteği", 1, "Kurulum için 30 dk önce")]
    if n % 5 == 2:
        wishes.append(("Ek sandalye", 10, None))
    if n % 3 == 1:
        wishes.append(("Etkinlik sonrası temizlik", 1, None))
    return wishes


def _add(session: Session, booking: Booking, items: dict[str, ServiceItem], n: int,
         now: datetime) -> int:
    status = ServiceItemStatus.PROMISED if booking.status == BookingStatus.APPROVED \
        else ServiceItemStatus.REQUESTED
    added = 0
    for name, quantity, note in _wishes(booking, n):
        item = items[name]
        if item.stock is not None and booking.status == BookingStatus.APPROVED and \
                peak_use(session, item.id, booking.start_at, booking.end_at) + quantity > item.stock:
            continue
        session.add(BookingServiceItem(booking_id=booking.id, item_id=item.id, quantity=quantity,
                                       note=note, status=status, created_at=now))
        session.flush()
        added += 1
    return added


def seed_services(session: Session, now: datetime) -> int:
    """Catalogues and items on upcoming bookings; the number of items added."""
    if session.scalar(select(func.count(ServiceItem.id))):
        return 0
    added = 0
    for center in session.scalars(select(Center).order_by(Center.id)).all():
        items = _catalogue(session, center, now)
        bookings = session.scalars(
            select(Booking).join(Room, Room.id == Booking.room_id)
            .where(Room.center_id == center.id, Booking.start_at > now,
                   Booking.start_at < now + AHEAD,
                   Booking.status.in_((BookingStatus.APPROVED, BookingStatus.PENDING)))
            .order_by(Booking.start_at, Booking.id).limit(PER_CENTER)).all()
        for n, booking in enumerate(bookings):
            added += _add(session, booking, items, n, now)
    return added
