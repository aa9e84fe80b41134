"""Services with a booking (SPEC §9): each center's catalogue (tea for N people,
a technician, projectors…) and what a booking asks of it.

A catalogue item has one name, in the language its center's staff write it
(like a room's name), a unit ("kişi", "adet") and a stock: the number of
projectors the center owns, or NULL when the item is not counted (tea, a
technician's time). Items used by bookings are never deleted, only made
inactive. A booking's item is a task for the center's staff on the booking's
day: its time and room are the booking's, so a moved booking moves its tasks.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.models.base import Base, UTCDateTime, str_enum, utcnow
from booking.models.bookings import Booking
from booking.models.people import User
from booking.models.places import Center


class ServiceItemStatus(enum.StrEnum):
    # Asked for by a request that is not approved (holds no stock).
    REQUESTED = "requested"
    # The booking is approved: the center has promised the item.
    PROMISED = "promised"
    # Staff marked the task done.
    DONE = "done"
    # The booking was cancelled, rejected, released or expired.
    CANCELLED = "cancelled"


class ServiceItem(Base):
    """One line of a center's catalogue."""

    __tablename__ = "service_items"
    __table_args__ = (
        CheckConstraint("stock IS NULL OR stock >= 0", name="stock_not_negative"),
        Index("ix_service_items_center_order", "center_id", "sort_order", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(40))
    # How many the center owns; None: not counted (no stock rule).
    stock: Mapped[int | None] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    center: Mapped[Center] = relationship()


class BookingServiceItem(Base):
    """What one booking asks of one catalogue item: a task on the booking's day."""

    __tablename__ = "booking_service_items"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_booking_service_items_item_status", "item_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"),
                                            index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id", ondelete="RESTRICT"))
    quantity: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[ServiceItemStatus] = mapped_column(
        str_enum(ServiceItemStatus, "service_item_status"), default=ServiceItemStatus.REQUESTED
    )
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    booking: Mapped[Booking] = relationship()
    item: Mapped[ServiceItem] = relationship()
    done_by: Mapped[User | None] = relationship()
