"""Registry identity (SPEC §9): how staff verified an organisation."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from booking.api.schemas.types import NO_NUL, Length, StrictIn

__all__ = ["VerificationIn"]


class VerificationIn(StrictIn):
    method: Literal["document_seen", "registry_checked"] = Field(description=(
        "How the organisation was verified: `document_seen` (its registry printout and the "
        "representative's authority were shown) or `registry_checked` (staff looked the "
        "number up in DERBİS, VGM or MERSİS)."))
    note: Annotated[str, Length(2000), NO_NUL] | None = None
