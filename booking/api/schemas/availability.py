"""Free and busy times."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from booking.api.schemas.types import (
    MAX_ATTENDEES,
    NO_NUL,
    Accessibility,
    DateOrDateTimeIn,
    DateTimeIn,
    Feature,
    Id,
    Length,
    Out,
    QueryIn,
)


class BusyOut(Out):
    start: datetime
    end: datetime
    kind: Literal["booking", "buffer", "closure"]
    booking_id: int | None = Field(None, description="Only for callers who may see the booking.")
    title: str | None = Field(None, description="Never shown to anonymous callers.")
    organization: str | None = Field(None, description="Never shown to anonymous callers.")
    reason: str | None = Field(None, description="The reason of a closure.")


class FreeOut(Out):
    start: datetime
    end: datetime


class RoomAvailabilityOut(Out):
    room_id: int
    busy: list[BusyOut]
    free: list[FreeOut]


class RoomAvailabilityQuery(QueryIn):
    from_: DateOrDateTimeIn | None = Field(None, alias="from", description="Default: now.")
    to: DateOrDateTimeIn | None = Field(
        None, description="Default: seven days after `from`; at most 62 days.")


class AvailabilityQuery(QueryIn):
    center_id: Id | None = Field(
        None, description="One center; every active center when left out.")
    district: Annotated[str, Length(100), NO_NUL] | None = Field(
        None, description="Only centers of this district (Turkish case-insensitive).")
    start: DateTimeIn = Field(description=(
        "RFC 3339 date-time; without an offset it is read in each center's own time zone."))
    end: DateTimeIn = Field(description="As `start`; at most 24 hours after it.")
    attendees: int = Field(1, ge=1, le=MAX_ATTENDEES)
    feature: list[Feature] = Field(
        default_factory=list, description="A room must offer every feature named; repeat "
                                          "for several.")
    accessibility: list[Accessibility] = Field(
        default_factory=list, description="A room must have every accessibility attribute "
                                          "named (step-free entrance, lift…); repeat for several.")
