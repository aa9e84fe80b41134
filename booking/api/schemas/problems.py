"""Problem details (RFC 9457) and what they carry."""
from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field

from booking.api.schemas.bookings import IntervalOut
from booking.api.schemas.types import (
    Out,
)


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
