"""Organisations, users and their secrets (API, feed and password-reset tokens)."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.models.base import Base, UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from booking.models.places import Center


class OrganizationKind(enum.StrEnum):
    ASSOCIATION = "association"
    FOUNDATION = "foundation"
    COOPERATIVE = "cooperative"
    PLATFORM = "platform"
    INITIATIVE = "initiative"
    PUBLIC_BODY = "public_body"
    OTHER = "other"


class Role(enum.StrEnum):
    MEMBER = "member"
    STAFF = "staff"
    ADMIN = "admin"


class OrganizationRole(enum.StrEnum):
    """A member's role inside their organisation (SPEC §9; docs/representatives.md):
    representatives manage the organisation's people, data and links, members
    request rooms and change their own requests."""

    REPRESENTATIVE = "representative"
    MEMBER = "member"


staff_centers = Table(
    "staff_centers",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("center_id", ForeignKey("centers.id", ondelete="CASCADE"), primary_key=True),
)


class Organization(Base):
    """An NGO (or a public body) whose members may request rooms once verified."""

    __tablename__ = "organizations"
    # One organisation per identifier of a kind (services/registry.py stores
    # the normal form); NULLs (no identifier) do not meet on either engine.
    __table_args__ = (
        Index("uq_organizations_kind_registry_number", "kind", "registry_number", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[OrganizationKind] = mapped_column(str_enum(OrganizationKind, "organization_kind"))
    registry_number: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    is_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Closed by staff when its last representative's data was deleted without
    # a successor (services/memberships.close_organization): it requests nothing more.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the latest verification runs out (models/registry.py); None: no
    # recorded verification, the flag alone counts (accounts made by a command).
    verification_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="organization")

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r}>"


def new_session_nonce() -> str:
    return secrets.token_hex(8)


class User(Base):
    """A person who signs in: an NGO member, center staff or an admin."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role != 'member' OR organization_id IS NOT NULL", name="member_has_organization"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased; see services.accounts.normalize_email.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "user_role"), default=Role.MEMBER)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    # Meaningful for members only (role member); every member of version 1
    # became a representative (migration 0016, docs/representatives.md).
    organization_role: Mapped[OrganizationRole] = mapped_column(
        str_enum(OrganizationRole, "organization_role"), default=OrganizationRole.REPRESENTATIVE,
        server_default=OrganizationRole.REPRESENTATIVE.value)
    language: Mapped[str] = mapped_column(String(5), default="tr")
    # Booking e-mails carry an iTIP invitation (method=REQUEST/CANCEL) that
    # calendar programs file by themselves; the person may turn it off.
    calendar_invitations: Mapped[bool] = mapped_column(Boolean, default=True,
                                                       server_default=true())
    phone: Mapped[str | None] = mapped_column(String(40))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of the login session id: changing it signs out every other session.
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the person proved the address is theirs (the link mailed at
    # registration, or a password reset). Accounts made by an admin or a command
    # count as confirmed; a self-registered one signs in only once confirmed.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    # KVKK (SPEC §10): when the person's data was anonymised (name, e-mail and
    # phone replaced by a pseudonym), and when the retention job told an
    # inactive person it will do so (signing in again clears it).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retention_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization | None] = relationship(back_populates="members")
    centers: Mapped[list[Center]] = relationship(
        secondary=staff_centers, back_populates="staff", order_by="Center.name"
    )

    # Flask-Login protocol (kept here so no web import is needed).
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.ADMIN)

    @property
    def is_representative(self) -> bool:
        """A member who represents their organisation (never staff or an admin)."""
        return (self.role == Role.MEMBER and self.organization_id is not None
                and self.organization_role == OrganizationRole.REPRESENTATIVE)

    @property
    def center_ids(self) -> set[int]:
        return {center.id for center in self.centers}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email!r} {self.role.value}>"


class SignInSession(Base):
    """One signed-in browser: the cookie carries its id and a secret whose
    SHA-256 is kept here. Signing out ends the row, so a copied cookie is
    refused afterwards (the signed cookie alone could be replayed)."""

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class FeedToken(Base):
    """The secret of a private calendar feed: an organisation's or a staff member's."""

    __tablename__ = "feed_tokens"
    __table_args__ = (
        CheckConstraint(
            "organization_id IS NOT NULL OR user_id IS NOT NULL", name="has_owner"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization | None] = relationship()
    user: Mapped[User | None] = relationship()


class PasswordResetToken(Base):
    """A single-use, expiring password-reset secret; only its SHA-256 is stored."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
