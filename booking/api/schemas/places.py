"""Centers, rooms and closures."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, RootModel

from booking.api.schemas.types import (
    MAX_ATTENDEES,
    NO_NUL,
    Accessibility,
    ClockTime,
    DateTimeIn,
    Feature,
    FloorLevel,
    Id,
    Latitude,
    Length,
    Longitude,
    Out,
    QueryIn,
    StrictIn,
)
from booking.models import ACCESSIBILITY, FEATURES

STREET = "The street address line (`district` is its own member)."


class CenterCreate(StrictIn):
    name: Annotated[str, Length(200, 1), NO_NUL]
    address: Annotated[str, Length(500), NO_NUL] | None = Field(None, description=STREET)
    postal_code: Annotated[str, Length(10), NO_NUL] | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    timezone: Annotated[str, Length(64), NO_NUL] | None = Field(
        None, description="IANA zone; default Europe/Istanbul.")
    district: Annotated[str, Length(100), NO_NUL] | None = None
    phone: Annotated[str, Length(40), NO_NUL] | None = None
    email: Annotated[str, Length(254), NO_NUL] | None = None
    description: Annotated[str, Length(5000), NO_NUL] | None = None
    checkin_required: bool | None = Field(
        None, description="Approved bookings must be checked in, else they become no-shows "
                          "(default true).")


class CenterUpdate(StrictIn):
    name: Annotated[str, Length(200, 1), NO_NUL] | None = None
    address: Annotated[str, Length(500), NO_NUL] | None = Field(None, description=STREET)
    postal_code: Annotated[str, Length(10), NO_NUL] | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    timezone: Annotated[str, Length(64), NO_NUL] | None = None
    district: Annotated[str, Length(100), NO_NUL] | None = None
    phone: Annotated[str, Length(40), NO_NUL] | None = None
    email: Annotated[str, Length(254), NO_NUL] | None = None
    description: Annotated[str, Length(5000), NO_NUL] | None = None
    is_active: bool | None = None
    checkin_required: bool | None = None


class CenterOut(Out):
    id: int
    name: str
    district: str | None
    address: str | None = Field(description=STREET)
    postal_code: str | None
    latitude: float | None
    longitude: float | None
    map_url: str | None = Field(description="OpenStreetMap at the center's coordinates.")
    phone: str | None
    email: str | None
    description: str | None
    timezone: str
    is_active: bool
    checkin_required: bool


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
    accessibility: list[Accessibility] | None = Field(None, max_length=len(ACCESSIBILITY))
    requires_approval: bool | None = None
    buffer_minutes: int | None = Field(None, ge=0, le=24 * 60)
    opening_time: ClockTime | None = None
    closing_time: ClockTime | None = None
    min_duration_minutes: int | None = Field(None, ge=1, le=24 * 60)
    max_duration_minutes: int | None = Field(None, ge=1, le=24 * 60)
    max_advance_days: int | None = Field(None, ge=1, le=3 * 366)
    description: Annotated[str, Length(5000), NO_NUL] | None = None
    floor_level: FloorLevel | None = None
    checkin_required: bool | None = Field(
        None, description="true or false; null (the default): the center's setting.")


class RoomCreate(RoomSettings):
    center_id: Id
    name: Annotated[str, Length(200, 1), NO_NUL]
    capacity: int = Field(ge=1, le=MAX_ATTENDEES)


class RoomUpdate(RoomSettings):
    name: Annotated[str, Length(200, 1), NO_NUL] | None = None
    capacity: int | None = Field(None, ge=1, le=MAX_ATTENDEES)
    is_active: bool | None = None


class PhotoOut(Out):
    url: str = Field(description="The display image (at most 1600 px); cached for a year.")
    thumbnail_url: str = Field(description="The thumbnail (at most 400 px).")
    width: int
    height: int
    content_type: str
    alt_text: str = Field(description="Turkish.")
    alt_text_en: str | None


class RoomOut(Out):
    id: int
    center_id: int
    name: str
    description: str | None
    floor_level: int | None = Field(description="0 the ground floor, -1 the first basement.")
    capacity: int
    features: list[str]
    accessibility: list[str]
    photos: list[PhotoOut]
    requires_approval: bool
    buffer_minutes: int
    opening_time: str
    closing_time: str
    min_duration_minutes: int
    max_duration_minutes: int
    max_advance_days: int
    is_active: bool
    timezone: str
    checkin_required: bool | None = Field(description="The room's own setting; null: the center's.")
    requires_checkin: bool = Field(description="What applies: the room's setting, else the center's.")


class RoomList(RootModel[list[RoomOut]]):
    """A plain list of rooms."""


class RoomQuery(QueryIn):
    center_id: Id | None = None
    min_capacity: int | None = Field(None, ge=0, le=MAX_ATTENDEES)
    feature: list[Feature] = Field(default_factory=list, description="Repeat for several.")
    accessibility: list[Accessibility] = Field(
        default_factory=list, description="A room must have every attribute named; repeat "
                                          "for several.")
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
