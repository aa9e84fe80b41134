"""The waitlist (SPEC §8): organisations waiting for a taken interval of a room.

An entry waits until the whole interval is free; then it gets an offer (a
Booking in status ``offered`` that holds the time like an approved one) and
waits for the answer. Entries are never deleted: their state says how each
one ended, for the audit trail and the member's page.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.models.base import Base, UTCDateTime, str_enum, utcnow
from booking.models.bookings import Booking
from booking.models.people import Organization, User
from booking.models.places import Room


class WaitlistState(enum.StrEnum):
    WAITING = "waiting"
    # An offer is open: ``booking`` is the offered booking.
    OFFERED = "offered"
    # The offer was accepted: ``booking`` is now pending or approved.
    ACCEPTED = "accepted"
    DECLINED = "declined"
    # The offer ran out unanswered.
    EXPIRED = "expired"
    # The organisation left the list (or staff removed the entry).
    LEFT = "left"
    # The interval's start passed while the entry was still waiting.
    DROPPED = "dropped"


# Entries that still take part in the queue.
OPEN_STATES = (WaitlistState.WAITING, WaitlistState.OFFERED)


class WaitlistEntry(Base):
    __tablename__ = "waitlist_entries"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="end_after_start"),
        CheckConstraint("expected_attendees > 0", name="expected_positive"),
        # The queue of a room in order of arrival: the offer look-up reads it.
        Index("ix_waitlist_entries_room_state", "room_id", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expected_attendees: Mapped[int] = mapped_column(Integer)
    state: Mapped[WaitlistState] = mapped_column(
        str_enum(WaitlistState, "waitlist_state"), default=WaitlistState.WAITING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the entry left the queue (any state but waiting and offered).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The offer made to this entry (offered, accepted, declined, expired).
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL"), index=True
    )

    room: Mapped[Room] = relationship()
    organization: Mapped[Organization] = relationship()
    created_by: Mapped[User | None] = relationship()
    booking: Mapped[Booking | None] = relationship()

    @property
    def center_id(self) -> int:
        return self.room.center_id

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def __repr__(self) -> str:
        return f"<WaitlistEntry {self.id} room={self.room_id} {self.state.value}>"
