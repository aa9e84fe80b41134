"""The waitlist (SPEC §8): entries and their offers."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from booking.api.schemas.types import MAX_ATTENDEES, NO_NUL, DateTimeIn, Id, Length, Out, StrictIn
from booking.models import WaitlistState

__all__ = ["WaitlistCreate", "WaitlistEntryOut", "WaitlistList"]


class WaitlistCreate(StrictIn):
    room_id: Id
    title: Annotated[str, Length(200, 1), NO_NUL]
    start: DateTimeIn
    end: DateTimeIn
    expected_attendees: int = Field(ge=1, le=MAX_ATTENDEES)


class WaitlistEntryOut(Out):
    id: int
    room_id: int
    center_id: int
    organization_id: int
    title: str
    start: datetime
    end: datetime
    expected_attendees: int
    state: WaitlistState = Field(description=(
        "waiting; offered (booking_id is the offer, status offered, until offer_expires_at); "
        "accepted, declined, expired, left or dropped (its start passed while waiting)."))
    created_at: datetime
    closed_at: datetime | None
    booking_id: int | None = Field(description="The offer made to this entry, if any.")
    offer_expires_at: datetime | None = Field(
        description="While offered: accept by then, or the time goes to the next entry.")


class WaitlistList(Out):
    items: list[WaitlistEntryOut] = Field(
        description="Open entries (waiting or offered) still ahead, by start.")
