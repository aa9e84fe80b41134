"""General assemblies (genel kurul, SPEC §9): a pair of bookings.

Turkish associations call their general assembly with a first date and a
second one, 7–60 days later, for when the first has no quorum. Both are normal
bookings (kind ``general_assembly``: conflicts, feeds, approval, check-in all
see them); this row links them and records the quorum being reached at the
first meeting, which cancels the second (services/general_assembly.py).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.models.base import Base, UTCDateTime, utcnow
from booking.models.bookings import Booking
from booking.models.people import Organization, User


class GeneralAssembly(Base):
    __tablename__ = "general_assemblies"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    first_booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), unique=True)
    second_booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), unique=True)
    # "Toplantı yeter sayısı sağlandı": when and by whom (the second date is then cancelled).
    quorum_reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    quorum_reached_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization | None] = relationship()
    first: Mapped[Booking] = relationship(foreign_keys=[first_booking_id])
    second: Mapped[Booking] = relationship(foreign_keys=[second_booking_id])
    quorum_reached_by: Mapped[User | None] = relationship(foreign_keys=[quorum_reached_by_id])
