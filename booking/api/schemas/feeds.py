"""Private calendar links: a person's own, and an organisation's older shared one."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from booking.api.schemas.types import Out

__all__ = ["FeedLinkCreated", "FeedLinkStatus"]


class FeedLinkStatus(Out):
    """Whether a private calendar link works; its address is never stored, so never shown."""

    kind: Literal["personal", "organization"]
    active: bool
    created_at: datetime | None = Field(description="When the working link was made; null without one.")
    shows: Literal["organization", "centers"] = Field(
        description="`organization`: the organisation's bookings; `centers`: a staff member's "
                    "(an admin's: every) center.")


class FeedLinkCreated(Out):
    """A new personal link, shown once: the caller's previous personal link stops working."""

    kind: Literal["personal"] = "personal"
    token: str = Field(description="Shown once; only its SHA-256 is stored.")
    url: str = Field(description="The feed's https address, to paste into a calendar app.")
    webcal_url: str = Field(description="The same feed as `webcal://`, for a calendar app to open.")
    download_url: str = Field(description="The same feed served as an attachment (an .ics file).")
    created_at: datetime
    shows: Literal["organization", "centers"]
