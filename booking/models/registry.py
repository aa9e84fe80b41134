"""Registry identity (SPEC §9): each verification of an organisation, who did
it, when, how and with what note, until when it holds, and when its
representatives were reminded that it runs out.

Rows are never changed except for ``reminder_sent_at``: a renewal is a new
row, so the history of an organisation's verifications stays readable.
``Organization.is_verified``, ``verified_at`` and ``verification_expires_at``
mirror the latest row; only ``services/verification_records.verify`` writes
either.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.models.base import Base, UTCDateTime, str_enum
from booking.models.people import Organization, User


class VerificationMethod(enum.StrEnum):
    # Staff saw the documents (the registry printout, the statute, the
    # representative's authority).
    DOCUMENT_SEEN = "document_seen"
    # Staff looked the number up in the registry itself (DERBİS, VGM, MERSİS).
    REGISTRY_CHECKED = "registry_checked"
    # Verified before verifications were recorded (migration 0015): how is unknown.
    LEGACY = "legacy"


class OrganizationVerification(Base):
    """One verification of an organisation."""

    __tablename__ = "organization_verifications"
    __table_args__ = (
        Index("ix_organization_verifications_organization", "organization_id", "id"),
        Index("ix_organization_verifications_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"))
    # None for legacy rows and once the staff member's account is gone.
    verified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime)
    method: Mapped[VerificationMethod] = mapped_column(
        str_enum(VerificationMethod, "verification_method"))
    note: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the representatives were told it runs out (once per verification).
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()
    verified_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<OrganizationVerification {self.id} org={self.organization_id} {self.method}>"
