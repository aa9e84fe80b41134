"""Representatives and members of an organisation (SPEC §9), invitations."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from booking.api.schemas.types import NO_NUL, Email, Length, NewPassword, Out, StrictIn
from booking.models import OrganizationRole

__all__ = ["InvitationAccept", "InvitationCreate", "InvitationList",
           "InvitationOut", "MemberChange", "MemberList", "MemberOut",
           "OrganizationContacts"]

ROLE = ("representative: invites and removes people, changes their roles, revokes the "
        "organisation's calendar link, cancels any of its bookings; member: requests "
        "bookings and changes or cancels their own.")


class MemberOut(Out):
    id: int
    name: str
    email: str
    organization_role: OrganizationRole = Field(description=ROLE)
    created_at: datetime


class MemberList(Out):
    organization_id: int
    items: list[MemberOut] = Field(description="Active people, representatives first.")


class MemberChange(StrictIn):
    organization_role: OrganizationRole = Field(description=ROLE)


class OrganizationContacts(StrictIn):
    """The contacts representatives change; name, kind and registry number are
    what staff verified, and admins correct them."""

    email: Email
    phone: Annotated[str, Length(40), NO_NUL] | None = None


class InvitationCreate(StrictIn):
    email: Email
    organization_role: OrganizationRole = Field(default=OrganizationRole.MEMBER,
                                                description=ROLE)


class InvitationOut(Out):
    id: int
    email: str
    organization_role: OrganizationRole
    created_at: datetime
    expires_at: datetime
    invited_by_id: int | None


class InvitationList(Out):
    items: list[InvitationOut] = Field(description="Open invitations: not used, revoked "
                                                   "or expired.")


class InvitationAccept(StrictIn):
    token: Annotated[str, Length(200, 1), NO_NUL] = Field(
        description="The secret of the mailed link (the last part of /invitations/<token>).")
    name: Annotated[str, Length(200, 1), NO_NUL]
    password: NewPassword
    language: Literal["tr", "en"] = "tr"
    notice_version: Annotated[int, Field(ge=1, le=100_000_000)] | None = Field(
        None, description="The version of the privacy notice (GET /privacy/notice) the person "
                    "acknowledged; required once a notice is published.")

