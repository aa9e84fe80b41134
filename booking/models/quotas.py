"""Quotas per organisation (SPEC §8): what one organisation may hold of a
center's rooms. A center's rule (organization_id NULL) applies to every
organisation; an organisation's own rule overrides it field by field (a blank
field of an override keeps the center's limit). A blank limit is no limit."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.models.base import Base, UTCDateTime, utcnow
from booking.models.people import Organization, User
from booking.models.places import Center

# The limits a rule can set, in the order the pages and the API show them.
QUOTA_LIMITS = ("monthly_hours", "open_requests", "weekly_bookings")


class QuotaRule(Base):
    __tablename__ = "quota_rules"
    __table_args__ = (
        # One override per organisation and center; one center-wide rule (a
        # unique constraint does not see NULLs as equal, so a partial index).
        UniqueConstraint("center_id", "organization_id", name="uq_quota_rules_center_org"),
        Index("uq_quota_rules_center_default", "center_id", unique=True,
              sqlite_where=text("organization_id IS NULL"),
              postgresql_where=text("organization_id IS NULL")),
        CheckConstraint("monthly_hours IS NULL OR monthly_hours > 0", name="monthly_hours_positive"),
        CheckConstraint("open_requests IS NULL OR open_requests > 0", name="open_requests_positive"),
        CheckConstraint("weekly_bookings IS NULL OR weekly_bookings > 0",
                        name="weekly_bookings_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    monthly_hours: Mapped[int | None] = mapped_column(Integer)
    open_requests: Mapped[int | None] = mapped_column(Integer)
    weekly_bookings: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    center: Mapped[Center] = relationship()
    organization: Mapped[Organization | None] = relationship()
    updated_by: Mapped[User | None] = relationship()
