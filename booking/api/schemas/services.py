"""Services with a booking (SPEC §9): a center's catalogue, a booking's
items, the staff's tasks."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from booking.api.schemas.types import NO_NUL, DateIn, Id, Length, Out, QueryIn, StrictIn
from booking.models import ServiceItemStatus

__all__ = ["BookingServiceOut", "ServiceCatalogue", "ServiceItemOut", "ServiceRequestIn",
           "TaskList", "TaskOut", "TaskQuery"]

STATUS_TEXT = ("requested (the booking is pending: no stock is held); promised (the booking "
               "holds its time: the center promised it); done (staff marked it); cancelled "
               "(the booking was cancelled, rejected, released or expired).")


class ServiceRequestIn(StrictIn):
    item_id: Id = Field(description="An active item of the room's center's catalogue.")
    quantity: int = Field(ge=1, le=100_000, description="A whole number from 1, at most the "
                          "item's stock when it has one.")
    note: Annotated[str, Length(500), NO_NUL] | None = None


class ServiceItemOut(Out):
    id: int
    center_id: int
    name: str
    unit: str = Field(description='What the quantity counts, e.g. "kişi", "adet".')
    stock: int | None = Field(description="How many the center owns; null: not counted.")
    is_active: bool


class ServiceCatalogue(Out):
    items: list[ServiceItemOut]


class BookingServiceOut(Out):
    id: int
    item_id: int
    name: str
    unit: str
    quantity: int
    note: str | None
    status: ServiceItemStatus = Field(description=STATUS_TEXT)
    done_at: datetime | None


class TaskOut(BookingServiceOut):
    booking_id: int
    room_id: int
    room_name: str
    start: datetime
    end: datetime
    organization_id: int | None
    organization_name: str | None


class TaskQuery(QueryIn):
    day: DateIn | None = Field(None, description="The center's local date; default: today.")


class TaskList(Out):
    items: list[TaskOut] = Field(description="Promised and done items of the day's bookings "
                                             "that hold their time, by start.")
