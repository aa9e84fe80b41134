"""Tokens, organisations and people."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from booking.api.schemas.types import (
    NO_NUL,
    Email,
    Id,
    Length,
    NewPassword,
    Out,
    Password,
    QueryIn,
    StrictIn,
)
from booking.models import OrganizationKind, OrganizationRole, Role


class TokenCreate(StrictIn):
    email: Email
    password: Password
    name: Annotated[str, Length(100), NO_NUL] | None = None


class TokenCreated(Out):
    id: int
    token: str = Field(description="Shown once; send it as `Authorization: Bearer …`.")
    name: str
    prefix: str
    created_at: datetime


class TokenOut(Out):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenList(Out):
    items: list[TokenOut]


class OrganizationIn(StrictIn):
    name: Annotated[str, Length(300, 1), NO_NUL]
    kind: OrganizationKind
    email: Email
    phone: Annotated[str, Length(40), NO_NUL] | None = None
    registry_number: Annotated[str, Length(64), NO_NUL] | None = Field(None, description=(
        "The identifier of the kind: DERBİS kütük numarası for an association (`34-038-123`), "
        "VGM kayıt numarası for a foundation (digits), MERSİS numarası for a cooperative "
        "(16 digits); required for these three, optional otherwise. Spaces and dashes are "
        "accepted and the normal form is stored; a malformed or taken number is 422 on "
        "`organization.registry_number`."))


class RegistrationUserIn(StrictIn):
    name: Annotated[str, Length(200, 1), NO_NUL]
    email: Email
    password: NewPassword
    language: Literal["tr", "en"] = "tr"


class RegistrationIn(StrictIn):
    organization: OrganizationIn
    user: RegistrationUserIn
    notice_version: Annotated[int, Field(ge=1, le=100_000_000)] | None = Field(None, description=(
        "The version of the aydınlatma metni (`GET /privacy-notice`) the person read and "
        "acknowledges; required once a notice is published (422 on `notice_version`)."))


class OrganizationOut(Out):
    id: int
    name: str
    kind: OrganizationKind
    registry_number: str | None
    email: str
    phone: str | None
    website: str | None
    description: str | None
    is_verified: bool
    verified_at: datetime | None
    verification_expires_at: datetime | None = Field(description=(
        "When the latest verification runs out (VERIFICATION_VALID_DAYS after it); from then "
        "on the organisation's new requests are refused (422 on `organization_id`) until "
        "staff renew it. Null: verified without a recorded verification, or not verified."))
    created_at: datetime


class UserOut(Out):
    id: int
    email: str
    name: str
    role: Role
    organization_id: int | None
    organization_role: OrganizationRole | None = Field(description=(
        "Inside the organisation (SPEC §9): representative or member; null for staff "
        "and admins."))
    center_ids: list[int]
    language: str
    # Booking e-mails carry iTIP invitations (docs/feeds.md); the user's own setting.
    calendar_invitations: bool
    is_active: bool
    created_at: datetime


class UserSettings(StrictIn):
    """The caller's own settings; a member left out keeps its value."""

    calendar_invitations: bool | None = None


class RegistrationAccepted(Out):
    """The answer to every well-formed registration, whether or not the address
    already has an account (its owner is e-mailed instead): a link to confirm
    the address is on its way."""

    status: Literal["confirmation_sent"] = "confirmation_sent"
    detail: str


class UserCreate(StrictIn):
    email: Email
    name: Annotated[str, Length(200, 1), NO_NUL]
    password: NewPassword
    role: Role
    organization_id: Id | None = None
    center_ids: list[Id] = Field(default_factory=list, max_length=100)
    language: Literal["tr", "en"] = "tr"


class OrganizationQuery(QueryIn):
    verified: bool | None = None
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, description="Capped at the server's API_MAX_PER_PAGE.")


class OrganizationPage(Out):
    items: list[OrganizationOut]
    page: int
    per_page: int
    total: int
