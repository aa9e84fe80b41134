"""Days every centre closes at once (SPEC §9, Holidays)."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from booking.api.schemas.bookings import BookingOut
from booking.api.schemas.types import NO_NUL, DateIn, Length, Out, QueryIn, StrictIn

__all__ = ["HolidayImportIn", "HolidayImportOut", "LeaveDayList", "LeaveDayOut", "LeaveDayQuery", "LeaveIn",
           "LeaveOut"]


class HolidayImportIn(StrictIn):
    year: int = Field(ge=2000, le=2100)


class HolidayImportOut(Out):
    added: int = Field(description="Closures added, over every active centre; 0 when the year "
                                   "was imported already.")


class LeaveIn(StrictIn):
    first_day: DateIn
    last_day: DateIn | None = Field(None, description="Inclusive; absent: the first day only. "
                                                      "At most 16 days in all.")
    half_day: bool = Field(False, description="Closed from 13:00 instead of the whole day.")
    reason: Annotated[str, Length(300), NO_NUL] | None = Field(
        None, description='Absent: "İdari izin", shown translated.')


class LeaveOut(Out):
    days: list[date]
    added: int = Field(description="Closures written, one for each active centre and day.")
    already: int = Field(description="Centre-days already closed by leave or a holiday.")
    overlapping: list[BookingOut] = Field(
        description="Approved bookings the new closures overlap: contact them.")


class LeaveDayOut(Out):
    day: date
    closed_from: Literal["00:00", "13:00"]
    reason: str
    centers: int


class LeaveDayList(Out):
    items: list[LeaveDayOut]


class LeaveDayQuery(QueryIn):
    day: DateIn
