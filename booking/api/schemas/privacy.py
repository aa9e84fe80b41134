"""KVKK (SPEC §10): the notice, acknowledgements, a person's own data, deletion requests."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from booking.api.schemas.types import NO_NUL, Length, Out, QueryIn, StrictIn

__all__ = ["AcknowledgementIn", "AcknowledgementOut", "DeletionRequestIn", "DeletionRequestOut",
           "NoticeOut", "NoticeQuery", "PersonalDataOut"]


class NoticeQuery(QueryIn):
    lang: Literal["tr", "en"] | None = Field(None, description=(
        "The language of `text` and `changes`; without it, `Accept-Language`, else Turkish."))


class NoticeOut(Out):
    version: int
    text: str = Field(description="In the language asked for (`Accept-Language`), else Turkish.")
    changes: str | None = Field(description="What changed since the previous version.")
    published_at: datetime
    acknowledged: bool | None = Field(
        description="Whether the caller acknowledged this version; null without a token.")


class AcknowledgementIn(StrictIn):
    version: Annotated[int, Field(ge=1, le=100_000_000, description=(
        "The version read; an older one than the current is refused (422)."))]


class AcknowledgementOut(Out):
    version: int
    acknowledged_at: datetime


class PersonalDataOut(Out):
    format: str = Field(description="`booking-personal-data/1`.")
    exported_at: str
    account: dict[str, Any]
    organization: dict[str, Any] | None
    references: dict[str, list[dict[str, Any]]] = Field(description=(
        "Every row of every table that refers to the person, by `table.column`."))
    messages_to_address: list[dict[str, Any]]
    audit_about_account: list[dict[str, Any]]


class DeletionRequestIn(StrictIn):
    reason: Annotated[str, Length(2000), NO_NUL] | None = None


class DeletionRequestOut(Out):
    id: int
    state: str
    requested_at: datetime
    due_at: datetime
