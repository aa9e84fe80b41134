"""The value types the booking services answer with: what stands in the way of
an interval, a free slot they suggest instead, an occurrence a series skipped."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class ConflictKind(StrEnum):
    """What an interval collides with."""

    BOOKING = "booking"  # an approved booking (with its buffer)
    CLOSURE = "closure"  # the room or the center is closed
    TWIN = "twin"  # the organisation's own pending request for the same room and time


@dataclass
class Interval:
    start: datetime
    end: datetime
    booking_id: int | None = None
    room_id: int | None = None
    kind: ConflictKind = ConflictKind.BOOKING


@dataclass
class Suggestion:
    room_id: int
    start: datetime
    end: datetime


@dataclass
class SkippedOccurrence:
    start: datetime
    end: datetime
    reason: Any = ""
    conflicts: list[Interval] = field(default_factory=list)
