"""Bookings, series and their answers."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from booking.api.schemas.assemblies import AssemblyOut
from booking.api.schemas.places import ClosureOut
from booking.api.schemas.services import BookingServiceOut, ServiceRequestIn
from booking.api.schemas.types import (
    MAX_ATTENDEES,
    NO_NUL,
    DateIn,
    DateOrDateTimeIn,
    DateTimeIn,
    Id,
    Length,
    Out,
    QueryIn,
    StrictIn,
)
from booking.models import BookingKind, BookingStatus, Category


class BookingOut(Out):
    id: int
    room_id: int
    center_id: int
    organization_id: int | None
    title: str
    description: str | None
    kind: BookingKind
    category: Category
    start: datetime
    end: datetime
    expected_attendees: int
    actual_attendees: int | None
    status: BookingStatus
    status_reason: str | None
    is_public: bool
    series_id: int | None
    offer_expires_at: datetime | None = Field(
        None, description="A waitlist offer (status offered): accept it by then.")
    created_at: datetime
    updated_at: datetime
    checked_in_at: datetime | None = Field(
        description="When the booking was first checked in (SPEC §8); null: not checked in.")
    requires_checkin: bool = Field(
        description="The room requires check-in: unchecked approved bookings become `no_show` "
                    "when the window closes.")
    services: list[BookingServiceOut] | None = Field(
        None, description="What the booking asked of its center's catalogue and what was "
                          "promised: in the answers of POST /bookings and GET /bookings/{id}; "
                          "null in lists.")
    assembly: AssemblyOut | None = Field(
        None, description="A general assembly's date (kind `general_assembly`): the pair and "
                          "its call text.")


class ClosureCreated(Out):
    closure: ClosureOut
    overlapping: list[BookingOut] = Field(
        description="Approved bookings the closure overlaps: contact or move them.")


class RecurrenceIn(StrictIn):
    freq: Literal["daily", "weekly", "monthly"]
    interval: int = Field(1, ge=1, le=52)
    count: int | None = Field(None, ge=1, le=200)
    until: DateIn | None = Field(None, description="Last day (inclusive), in the center's zone.")
    byweekday: list[Annotated[str, Field(pattern=r"^[+-]?[1-5]?(MO|TU|WE|TH|FR|SA|SU)$")]] = Field(
        default_factory=list, max_length=35,
        description='Weekdays, e.g. ["TU","TH"]; monthly rules may carry an ordinal, e.g. "-1FR".')


class BookingCreate(StrictIn):
    room_id: Id
    title: Annotated[str, Length(200, 1), NO_NUL]
    start: DateTimeIn
    end: DateTimeIn
    expected_attendees: int = Field(ge=1, le=MAX_ATTENDEES)
    kind: BookingKind = BookingKind.MEETING
    category: Category = Category.OTHER
    description: Annotated[str, Length(5000), NO_NUL] | None = None
    is_public: bool = False
    recurrence: RecurrenceIn | None = None
    skip_conflicts: bool = False
    organization_id: Id | None = None
    quota_reason: Annotated[str, Length(500), NO_NUL] | None = Field(
        None, description="Staff and admins booking past the organisation's quota say why.")
    services: list[ServiceRequestIn] = Field(
        default_factory=list, max_length=50,
        description="Services of the room's center's catalogue (GET /centers/{id}/services), "
                    "each item once; each occurrence of a series gets them.")
    second_start: DateTimeIn | None = Field(
        None, description="kind `general_assembly` only, and required then: the second date's "
                          "start, 7–60 days after the first (center's calendar days).")
    second_end: DateTimeIn | None = Field(
        None, description="kind `general_assembly`: the second date's end.")


class BookingUpdate(StrictIn):
    room_id: Id | None = None
    title: Annotated[str, Length(200, 1), NO_NUL] | None = None
    description: Annotated[str, Length(5000), NO_NUL] | None = Field(
        None, description='"" clears it; null leaves it.')
    kind: BookingKind | None = None
    category: Category | None = None
    is_public: bool | None = None
    expected_attendees: int | None = Field(None, ge=1, le=MAX_ATTENDEES)
    start: DateTimeIn | None = None
    end: DateTimeIn | None = None
    quota_reason: Annotated[str, Length(500), NO_NUL] | None = Field(
        None, description="Staff and admins moving a booking past a quota say why.")


class IntervalOut(Out):
    start: datetime
    end: datetime
    kind: str
    booking_id: int | None = None
    room_id: int | None = None


class SkippedOut(Out):
    start: datetime
    end: datetime
    reason: str
    conflicts: list[IntervalOut]


class SeriesCreated(Out):
    series_id: int
    bookings: list[BookingOut]
    skipped: list[SkippedOut]


class AssemblyCreated(Out):
    assembly: AssemblyOut
    bookings: list[BookingOut] = Field(description="The first and the second date.")
    warnings: list[str] = Field(
        description="What the request was warned of, not refused for: a first date less than "
                    "15 days away (a call is announced at least 15 days ahead).")


class BookingQuery(QueryIn):
    room_id: Id | None = None
    center_id: Id | None = None
    organization_id: Id | None = None
    series_id: Id | None = None
    status: BookingStatus | None = None
    from_: DateOrDateTimeIn | None = Field(None, alias="from", description="Bookings ending after this.")
    to: DateOrDateTimeIn | None = Field(None, description="Bookings starting before this.")
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, description="Capped at the server's API_MAX_PER_PAGE.")


class BookingPage(Out):
    items: list[BookingOut]
    page: int
    per_page: int
    total: int


class ReasonIn(StrictIn):
    reason: Annotated[str, Length(2000), NO_NUL] | None = None


class RejectIn(StrictIn):
    reason: Annotated[str, Length(2000), NO_NUL] = Field(description="Required: the requester sees it.")


class AttendanceIn(StrictIn):
    actual_attendees: int = Field(ge=0, le=MAX_ATTENDEES)


class SeriesCancelled(Out):
    series_id: int
    bookings: list[BookingOut] = Field(description="The occurrences cancelled now.")
