"""Quotas per organisation and center (SPEC §8)."""
from __future__ import annotations

from datetime import datetime

from pydantic import Field

from booking.api.schemas.types import Id, Out, QueryIn, StrictIn

__all__ = ["QuotaOut", "QuotaQuery", "QuotaRuleIn", "QuotaRuleList", "QuotaRuleOut"]

LIMIT = Field(None, ge=1, le=10_000, description="null: no limit (an override: the center's).")


class QuotaQuery(QueryIn):
    center_id: Id


class QuotaOut(Out):
    month: str = Field(description="The center's current month, YYYY-MM.")
    hours_used: float = Field(description="Pending, approved and offered hours starting this month.")
    hours_limit: int | None
    open_requests: int = Field(description="Pending requests still ahead, a series counted once.")
    open_limit: int | None
    week_count: int = Field(description="Bookings starting this ISO week.")
    week_limit: int | None


class QuotaRuleIn(StrictIn):
    organization_id: Id | None = Field(
        None, description="An organisation's own override; null sets the center's rule.")
    monthly_hours: int | None = LIMIT
    open_requests: int | None = LIMIT
    weekly_bookings: int | None = LIMIT


class QuotaRuleOut(Out):
    id: int
    center_id: int
    organization_id: int | None
    organization_name: str | None
    monthly_hours: int | None
    open_requests: int | None
    weekly_bookings: int | None
    updated_at: datetime


class QuotaRuleList(Out):
    items: list[QuotaRuleOut] = Field(description="The center's rule first, then overrides.")
