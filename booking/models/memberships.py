"""Invitations into an organisation (SPEC §9; docs/representatives.md): a
representative invites an address with a role; the mailed link is single use
and expires. Only the link's SHA-256 is stored."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.models.base import Base, UTCDateTime, str_enum, utcnow
from booking.models.people import Organization, OrganizationRole, User


class Invitation(Base):
    __tablename__ = "invitations"
    __table_args__ = (Index("ix_invitations_organization_open", "organization_id", "used_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"))
    # Stored lower-cased, as users.email.
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[OrganizationRole] = mapped_column(
        str_enum(OrganizationRole, "invitation_role"), default=OrganizationRole.MEMBER)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
    used_by: Mapped[User | None] = relationship(foreign_keys=[used_by_id])

    def is_open(self, now: datetime) -> bool:
        """Neither used, revoked nor expired at ``now``."""
        return self.used_at is None and self.revoked_at is None and self.expires_at > now
