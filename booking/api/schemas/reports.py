"""The yearly report."""
from __future__ import annotations

from pydantic import Field

from booking.api.schemas.types import (
    Id,
    Out,
    QueryIn,
)


class ReportQuery(QueryIn):
    year: int = Field(ge=2000, le=2100)
    center_id: Id | None = None


class Counts(Out):
    meetings: int
    programs: int
    general_assemblies: int = Field(description="General assemblies (genel kurul): each date "
                                                "held counts once.")
    attendees: int


class CenterCounts(Counts):
    center_id: int
    name: str


class MonthCounts(Counts):
    month: int


class CategoryCounts(Counts):
    category: str


class RoomOccupancyOut(Out):
    room_id: int
    center_id: int
    name: str
    center_name: str
    booked_hours: float = Field(description="Hours of approved bookings starting in the year.")
    open_hours: float = Field(description="Opening hours of the year, less closures.")
    occupancy: float | None = Field(description="booked_hours ÷ open_hours; null without "
                                                "opening hours.")


class ReportOut(Out):
    year: int
    meetings: int
    programs: int
    general_assemblies: int = Field(description="General assemblies (genel kurul, kind "
                                                "`general_assembly`): each date held counts once.")
    attendees: int = Field(description="The sum of recorded actual attendance.")
    expected_attendees: int
    attendance_recorded: int
    by_center: list[CenterCounts]
    by_month: list[MonthCounts]
    by_category: list[CategoryCounts]
    no_shows: int = Field(description="Bookings released as `no_show` (not counted as meetings, "
                                      "programs or attendance).")
    no_show_rate: float | None = Field(
        description="no_shows ÷ (approved bookings requiring check-in whose window has closed "
                    "+ no_shows); null when none had to check in.")
    occupancy: list[RoomOccupancyOut] = Field(description="Per room, by center and name.")
