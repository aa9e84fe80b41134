"""The API's input and output shapes, as pydantic models.

Handlers validate requests with these models and build responses through
them, and ``openapi.py`` generates the document's schemas from the same
classes, so the document cannot drift from the code.

Inputs are strict (no type coercion, unknown members refused); every string
is checked for NUL characters and length, every number for its range, and
every datetime for a sane year, so no input reaches the database that it
could refuse with an error of its own.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, RootModel
from pydantic_core import PydanticCustomError

from booking.models import FEATURES, BookingKind, BookingStatus, Category, OrganizationKind, Role
from booking.models.base import MAX_ID

MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_ATTENDEES = 100_000


# Error types of our own; errors.validation_message translates them.
def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "must not contain NUL characters")
    return value


def _year_error() -> PydanticCustomError:
    return PydanticCustomError("year_range", "year must lie between {low} and {high}",
                               {"low": MIN_YEAR, "high": MAX_YEAR})


def _sane_datetime(value: datetime) -> datetime:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise _year_error()
    return value


def _sane_date(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise _year_error()
    return value


# A text field is written Annotated[str, Length(max, min), NO_NUL]: a string
# without NUL characters, of bounded length. Spelled out in each annotation
# (not built by a function call) so that type checkers can read it.
def Length(max_length: int, min_length: int = 0) -> Any:  # noqa: N802 - reads like a type
    """The bounds of a text field (pydantic's ``Field``)."""
    return Field(min_length=min_length, max_length=max_length)


NO_NUL = AfterValidator(_clean_text)


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
DateTimeIn = Annotated[datetime, AfterValidator(_sane_datetime), Field(
    description="RFC 3339; without an offset it is read in the room's center time zone.")]
DateIn = Annotated[date, AfterValidator(_sane_date)]
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
                                 description="Local wall-clock time, HH:MM.")]
Feature = Literal[FEATURES]  # type: ignore[valid-type]
Email = Annotated[str, Length(254, 3), NO_NUL]
Password = Annotated[str, Length(1000), NO_NUL]


class StrictIn(BaseModel):
    """Base of request bodies: exact types, unknown members refused."""

    model_config = ConfigDict(strict=True, extra="forbid")


class QueryIn(BaseModel):
    """Base of query strings: text is converted to the declared types."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- authentication and people --------------------------------------------


class TokenCreate(StrictIn):
    email: Email
    password: Password
    name: Annotated[str, Length(100), NO_NUL] | None = None


class TokenCreated(Out):
    id: int
    token: str = Field(description="Shown once; send it as `Authorization: Bearer …`.")
    name: str
    prefix: str
    created_at: datetime


class TokenOut(Out):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenList(Out):
    items: list[TokenOut]


class OrganizationIn(StrictIn):
    name: Annotated[str, Length(300, 1), NO_NUL]
    kind: OrganizationKind
    email: Email
    phone: Annotated[str, Length(40), NO_NUL] | None = None
    registry_number: Annotated[str, Length(64), NO_NUL] | None = None


class RegistrationUserIn(StrictIn):
    name: Annotated[str, Length(200, 1), NO_NUL]
    email: Email
    password: Password
    language: Literal["tr", "en"] = "tr"


class RegistrationIn(StrictIn):
    organization: OrganizationIn
    user: RegistrationUserIn


class OrganizationOut(Out):
    id: int
    name: str
    kind: OrganizationKind
    registry_number: str | None
    email: str
    phone: str | None
    website: str | None
    description: str | None
    is_verified: bool
    verified_at: datetime | None
    created_at: datetime


class UserOut(Out):
    id: int
    email: str
    name: str
    role: Role
    organization_id: int | None
    center_ids: list[int]
    language: str
    is_active: bool
    created_at: datetime


class RegistrationOut(Out):
    organization: OrganizationOut
    user: UserOut


class UserCreate(StrictIn):
    email: Email
    name: Annotated[str, Length(200, 1), NO_NUL]
    password: Password
    role: Role
    organization_id: Id | None = None
    center_ids: list[Id] = Field(default_factory=list, max_length=100)
    language: Literal["tr", "en"] = "tr"


class OrganizationQuery(QueryIn):
    verified: bool | None = None
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, description="Capped at the server's API_MAX_PER_PAGE.")


class OrganizationPage(Out):
    items: list[OrganizationOut]
    page: int
    per_page: int
    total: int


# --- centers and rooms -----------------------------------------------------


class CenterCreate(StrictIn):
    name: Annotated[str, Length(200, 1), NO_NUL]
    address: Annotated[str, Length(500), NO_NUL] | None = None
    timezone: Annotated[str, Length(64), NO_NUL] | None = Field(
        None, description="IANA zone; default Europe/Istanbul.")
    district: Annotated[str, Length(100), NO_NUL] | None = None
    phone: Annotated[str, Length(40), NO_NUL] | None = None
    email: Annotated[str, Length(254), NO_NUL] | None = None
    description: Annotated[str, Length(5000), NO_NUL] | None = None


class CenterUpdate(StrictIn):
    name: Annotated[str, Length(200, 1), NO_NUL] | None = None
    address: Annotated[str, Length(500), NO_NUL] | None = None
    timezone: Annotated[str, Length(64), NO_NUL] | None = None
    district: Annotated[str, Length(100), NO_NUL] | None = None
    phone: Annotated[str, Length(40), NO_NUL] | None = None
    email: Annotated[str, Length(254), NO_NUL] | None = None
    description: Annotated[str, Length(5000), NO_NUL] | None = None
    is_active: bool | None = None


class CenterOut(Out):
    id: int
    name: str
    district: str | None
    address: str | None
    phone: str | None
    email: str | None
    description: str | None
    timezone: str
    is_active: bool


class CenterQuery(QueryIn):
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, description="Capped at the server's API_MAX_PER_PAGE.")


class CenterPage(Out):
    items: list[CenterOut]
    page: int
    per_page: int
    total: int


class RoomSettings(StrictIn):
    features: list[Feature] | None = Field(None, max_length=len(FEATURES))
    requires_approval: bool | None = None
    buffer_minutes: int | None = Field(None, ge=0, le=24 * 60)
    opening_time: ClockTime | None = None
    closing_time: ClockTime | None = None
    min_duration_minutes: int | None = Field(None, ge=1, le=24 * 60)
    max_duration_minutes: int | None = Field(None, ge=1, le=24 * 60)
    max_advance_days: int | None = Field(None, ge=1, le=3 * 366)
    description: Annotated[str, Length(5000), NO_NUL] | None = None
    floor: Annotated[str, Length(40), NO_NUL] | None = None


class RoomCreate(RoomSettings):
    center_id: Id
    name: Annotated[str, Length(200, 1), NO_NUL]
    capacity: int = Field(ge=1, le=MAX_ATTENDEES)


class RoomUpdate(RoomSettings):
    name: Annotated[str, Length(200, 1), NO_NUL] | None = None
    capacity: int | None = Field(None, ge=1, le=MAX_ATTENDEES)
    is_active: bool | None = None


class RoomOut(Out):
    id: int
    center_id: int
    name: str
    description: str | None
    floor: str | None
    capacity: int
    features: list[str]
    requires_approval: bool
    buffer_minutes: int
    opening_time: str
    closing_time: str
    min_duration_minutes: int
    max_duration_minutes: int
    max_advance_days: int
    is_active: bool
    timezone: str


class RoomList(RootModel[list[RoomOut]]):
    """A plain list of rooms."""


class RoomQuery(QueryIn):
    center_id: Id | None = None
    min_capacity: int | None = Field(None, ge=0, le=MAX_ATTENDEES)
    feature: list[Feature] = Field(default_factory=list, description="Repeat for several.")
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, description="Capped at the server's API_MAX_PER_PAGE.")


class RoomPage(Out):
    items: list[RoomOut]
    page: int
    per_page: int
    total: int


class ClosureCreate(StrictIn):
    start: DateTimeIn
    end: DateTimeIn
    reason: Annotated[str, Length(300, 1), NO_NUL]


class ClosureOut(Out):
    id: int
    center_id: int
    room_id: int | None
    start: datetime
    end: datetime
    reason: str
    source: str


# --- bookings --------------------------------------------------------------


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
    created_at: datetime
    updated_at: datetime


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


class BookingQuery(QueryIn):
    room_id: Id | None = None
    center_id: Id | None = None
    organization_id: Id | None = None
    series_id: Id | None = None
    status: BookingStatus | None = None
    from_: DateTimeIn | None = Field(None, alias="from", description="Bookings ending after this.")
    to: DateTimeIn | None = Field(None, description="Bookings starting before this.")
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


# --- availability ----------------------------------------------------------


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
    from_: DateTimeIn | None = Field(None, alias="from", description="Default: now.")
    to: DateTimeIn | None = Field(None, description="Default: seven days after `from`; at most 62 days.")


class AvailabilityQuery(QueryIn):
    center_id: Id
    start: DateTimeIn
    end: DateTimeIn
    attendees: int = Field(1, ge=1, le=MAX_ATTENDEES)


# --- reports ---------------------------------------------------------------


class ReportQuery(QueryIn):
    year: int = Field(ge=2000, le=2100)
    center_id: Id | None = None


class Counts(Out):
    meetings: int
    programs: int
    attendees: int


class CenterCounts(Counts):
    center_id: int
    name: str


class MonthCounts(Counts):
    month: int


class CategoryCounts(Counts):
    category: str


class ReportOut(Out):
    year: int
    meetings: int
    programs: int
    attendees: int = Field(description="The sum of recorded actual attendance.")
    expected_attendees: int
    attendance_recorded: int
    by_center: list[CenterCounts]
    by_month: list[MonthCounts]
    by_category: list[CategoryCounts]


# --- errors ----------------------------------------------------------------


class FieldErrorOut(Out):
    field: str
    message: str


class SuggestionOut(Out):
    room_id: int
    start: datetime
    end: datetime


class Problem(Out):
    """RFC 9457 problem details; some problems carry extra members."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldErrorOut] | None = Field(None, description="422: each broken rule.")
    conflicts: list[IntervalOut] | None = Field(None, description="409: what the request collides with.")
    suggestions: list[SuggestionOut] | None = Field(None, description="409: the nearest free slots.")
