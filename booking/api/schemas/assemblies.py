"""General assemblies (genel kurul, SPEC §9): the pair of dates and its call text."""
from __future__ import annotations

from datetime import datetime

from pydantic import Field

from booking.api.schemas.types import Out
from booking.models import BookingStatus

__all__ = ["AssemblyDateOut", "AssemblyOut"]


class AssemblyDateOut(Out):
    booking_id: int
    start: datetime
    end: datetime
    status: BookingStatus


class AssemblyOut(Out):
    id: int
    organization_id: int | None
    first: AssemblyDateOut = Field(description="The first meeting.")
    second: AssemblyDateOut = Field(
        description="The second date, held in case the first has no quorum (7–60 days later).")
    quorum_reached_at: datetime | None = Field(
        description="When the quorum was recorded as reached at the first meeting; the second "
                    "date is then cancelled.")
    call_text: str = Field(description="The call (çağrı metni): organisation, place, address and "
                                       "both dates, in the answer's language, ready to copy.")
