"""Bookings, recurring series and the audit trail."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.database import OVERLAP_CONSTRAINT
from booking.models.base import Base, UTCDateTime, str_enum, utcnow
from booking.models.people import Organization, User
from booking.models.places import Room


class BookingStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    # A waitlist offer (SPEC §8): holds the time like an approved booking until
    # it is accepted (pending or approved), declined or runs out (expired).
    OFFERED = "offered"
    EXPIRED = "expired"
    # Approved, not checked in when the check-in window closed (services/checkin.py).
    NO_SHOW = "no_show"


# The only moves SPEC §2 and §8 allow.
ALLOWED_TRANSITIONS: dict[BookingStatus, frozenset[BookingStatus]] = {
    BookingStatus.PENDING: frozenset(
        {BookingStatus.APPROVED, BookingStatus.REJECTED, BookingStatus.CANCELLED}
    ),
    BookingStatus.APPROVED: frozenset({BookingStatus.CANCELLED, BookingStatus.NO_SHOW}),
    BookingStatus.REJECTED: frozenset(),
    BookingStatus.CANCELLED: frozenset(),
    BookingStatus.OFFERED: frozenset(
        {BookingStatus.PENDING, BookingStatus.APPROVED, BookingStatus.EXPIRED}
    ),
    BookingStatus.EXPIRED: frozenset(),
    # Terminal: the time it held is free again at once.
    BookingStatus.NO_SHOW: frozenset(),
}

# The statuses that hold a room's time: the database's no-overlap guard
# (exclusion constraint, SQLite triggers) and every free/busy look-up count them.
HOLDING_TIME = (BookingStatus.APPROVED, BookingStatus.OFFERED)

# The predicate of the partial index below and of the no-overlap guard, as SQL
# text. A bound parameter (status = :status) would not let PostgreSQL's generic
# plans or SQLite use it. Queries must repeat it literally (conflicts.is_held()).
HELD_ONLY_SQL = "status IN ('approved', 'offered')"
HELD_ONLY = text(HELD_ONLY_SQL)
# Kept for the code that names the index's predicate by its old name.
APPROVED_ONLY = HELD_ONLY


class BookingKind(enum.StrEnum):
    MEETING = "meeting"
    # Co-organised with the municipality.
    PROGRAM = "program"
    # Genel kurul (SPEC §9): always a pair, first and second date (models/assemblies.py).
    GENERAL_ASSEMBLY = "general_assembly"


class Category(enum.StrEnum):
    """Themes that recur in the centers' programmes (SPEC §1)."""

    CHILDREN = "children"
    YOUTH = "youth"
    FAMILY = "family"
    EMPLOYMENT = "employment"
    ENVIRONMENT = "environment"
    URBANISM = "urbanism"
    SOCIAL_RESPONSIBILITY = "social_responsibility"
    EDUCATION = "education"
    CULTURE = "culture"
    HEALTH = "health"
    DISABILITY = "disability"
    WOMEN = "women"
    OTHER = "other"


class BookingSeries(Base):
    """A recurring request: each occurrence is its own Booking row."""

    __tablename__ = "booking_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    # RFC 5545 RRULE text, e.g. "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,TH;COUNT=10".
    rrule: Mapped[str] = mapped_column(String(500))
    # Local wall-clock start of the first occurrence, ISO text in the center's zone.
    dtstart_local: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bookings: Mapped[list[Booking]] = relationship(
        back_populates="series", order_by="Booking.start_at"
    )


APPROVED_INDEX_COLUMNS = ("room_id", "start_at", "block_end", "end_at", "status", "kind", "category",
                          "expected_attendees", "actual_attendees")


class Booking(Base):
    """One reservation of one room for one interval."""

    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="end_after_start"),
        CheckConstraint("block_end >= end_at", name="block_covers_booking"),
        CheckConstraint("expected_attendees > 0", name="expected_positive"),
        CheckConstraint(
            "actual_attendees IS NULL OR actual_attendees >= 0", name="actual_not_negative"
        ),
        Index("ix_bookings_room_period", "room_id", "start_at", "block_end"),
        Index("ix_bookings_status_start", "status", "start_at"),
        Index("ix_bookings_organization_start", "organization_id", "start_at"),
        # Bookings that hold time (approved, and the rare waitlist offers) only,
        # with every column free/busy needs: availability and conflict checks
        # read it alone (index-only scan; docs/performance.md). Queries must say
        # status IN ('approved', 'offered') literally to use it (HELD_ONLY);
        # the status column lets SQLite treat it as covering and lets the report
        # keep only the approved rows from the index. The last four columns make
        # it covering for the yearly report on SQLite.
        Index(
            "ix_bookings_approved_room_period",
            *APPROVED_INDEX_COLUMNS,
            postgresql_where=HELD_ONLY,
            sqlite_where=HELD_ONLY,
        ),
        # PostgreSQL keeps the no-overlap invariant itself; SQLite uses triggers
        # created by the migrations (0001_initial.py, widened to offers by 0011).
        ExcludeConstraint(
            ("room_id", "="),
            (func.tstzrange(text("start_at"), text("block_end"), text("'[)'")), "&&"),
            name=OVERLAP_CONSTRAINT,
            using="gist",
            where=text(HELD_ONLY_SQL),
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="RESTRICT"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking_series.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[BookingKind] = mapped_column(
        str_enum(BookingKind, "booking_kind"), default=BookingKind.MEETING
    )
    category: Mapped[Category] = mapped_column(
        str_enum(Category, "booking_category"), default=Category.OTHER
    )
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # end_at plus the room's buffer: the interval the room is blocked for.
    block_end: Mapped[datetime] = mapped_column(UTCDateTime)
    expected_attendees: Mapped[int] = mapped_column(Integer)
    actual_attendees: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[BookingStatus] = mapped_column(
        str_enum(BookingStatus, "booking_status"), default=BookingStatus.PENDING
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    # iCalendar SEQUENCE: raised on every change of time or status.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # Check-in (SPEC §8): the first one counts; who did it (a member or staff).
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    # A waitlist offer's deadline (status offered): accepted by then, or expired.
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    room: Mapped[Room] = relationship()
    organization: Mapped[Organization | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    checked_in_by: Mapped[User | None] = relationship(foreign_keys=[checked_in_by_id])
    series: Mapped[BookingSeries | None] = relationship(back_populates="bookings")

    @property
    def center_id(self) -> int:
        return self.room.center_id

    def __repr__(self) -> str:
        return f"<Booking {self.id} room={self.room_id} {self.start_at:%Y-%m-%d %H:%M}>"


class AuditEntry(Base):
    """Who changed what, when, from which status to which, and why."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # "booking", "organization", "room", "closure", "user", "center"
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int] = mapped_column(Integer)
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship()
