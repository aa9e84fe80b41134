"""KVKK built in (SPEC §10): the published notice texts and who acknowledged
which, deletion requests, the destruction log, and the log of who viewed
special-category data (membership of an association) or a person's contact
details. docs/privacy.md says what each is for and how long it is kept."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.models.base import Base, UTCDateTime, str_enum, utcnow
from booking.models.people import Organization, User


class PrivacyNotice(Base):
    """One published version of the aydınlatma metni, in Turkish and English.
    Published versions are never edited: a change is a new version."""

    __tablename__ = "privacy_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    text_tr: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    # What changed since the previous version, shown to people asked again.
    changes_tr: Mapped[str | None] = mapped_column(Text)
    changes_en: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    published_by: Mapped[User | None] = relationship()

    def text(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else self.text_tr

    def changes(self, language: str) -> str | None:
        return self.changes_en if language == "en" and self.changes_en else self.changes_tr


class NoticeAcknowledgement(Base):
    """A person acknowledged one version of the notice (kept for as long as the
    account: it is the municipality's proof that the person was informed)."""

    __tablename__ = "notice_acknowledgements"
    __table_args__ = (UniqueConstraint("user_id", "notice_id", name="uq_notice_ack_user_notice"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("privacy_notices.id", ondelete="RESTRICT"))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    notice: Mapped[PrivacyNotice] = relationship()


class DeletionState(enum.StrEnum):
    OPEN = "open"
    DONE = "done"


class DeletionRequest(Base):
    """A person asked for their data to be deleted; KVKK gives 30 days."""

    __tablename__ = "deletion_requests"
    __table_args__ = (Index("ix_deletion_requests_state_due", "state", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: Mapped[DeletionState] = mapped_column(
        str_enum(DeletionState, "deletion_state"), default=DeletionState.OPEN)
    reason: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    carried_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    carried_out_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    carried_out_by: Mapped[User | None] = relationship(foreign_keys=[carried_out_by_id])


class DestructionRecord(Base):
    """One destruction (anonymisation or clearing), kept three years: what was
    destroyed, whose (by pseudonym only), when and why."""

    __tablename__ = "destruction_log"
    __table_args__ = (Index("ix_destruction_log_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "person" (an account anonymised) or "booking_descriptions" (cleared).
    what: Mapped[str] = mapped_column(String(40))
    pseudonym: Mapped[str | None] = mapped_column(String(40))
    # "request" (a deletion request carried out), "inactive" or "old_bookings" (retention).
    reason: Mapped[str] = mapped_column(String(40))
    count: Mapped[int] = mapped_column(Integer, default=1)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship()


class PersonalDataAccess(Base):
    """Staff or an admin viewed an organisation's member list or a person's
    contact details (special-category data under KVKK art. 6)."""

    __tablename__ = "personal_data_access"
    __table_args__ = (Index("ix_personal_data_access_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    viewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    subject_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subject_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    # "member_list" or "contact_details".
    what: Mapped[str] = mapped_column(String(40))

    viewer: Mapped[User | None] = relationship(foreign_keys=[viewer_id])
    subject_user: Mapped[User | None] = relationship(foreign_keys=[subject_user_id])
    subject_organization: Mapped[Organization | None] = relationship()
