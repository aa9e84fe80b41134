"""Typed SQLAlchemy 2.x models, one module per part of the domain."""
from booking.models.assemblies import GeneralAssembly
from booking.models.base import Base, UTCDateTime, utcnow
from booking.models.bookings import (
    ALLOWED_TRANSITIONS,
    HOLDING_TIME,
    AuditEntry,
    Booking,
    BookingKind,
    BookingSeries,
    BookingStatus,
    Category,
)
from booking.models.memberships import Invitation
from booking.models.outbox import OutboxMessage, OutboxStatus
from booking.models.people import (
    ApiToken,
    FeedToken,
    Organization,
    OrganizationKind,
    OrganizationRole,
    PasswordResetToken,
    Role,
    SignInSession,
    User,
    new_session_nonce,
    staff_centers,
)
from booking.models.places import FEATURES, Center, Closure, Room, RoomFeature
from booking.models.privacy import (
    DeletionRequest,
    DeletionState,
    DestructionRecord,
    NoticeAcknowledgement,
    PersonalDataAccess,
    PrivacyNotice,
)
from booking.models.quotas import QUOTA_LIMITS, QuotaRule
from booking.models.registry import OrganizationVerification, VerificationMethod
from booking.models.room_details import ACCESSIBILITY, RoomAccessibility, RoomPhoto
from booking.models.services import BookingServiceItem, ServiceItem, ServiceItemStatus
from booking.models.waitlist import OPEN_STATES, WaitlistEntry, WaitlistState

__all__ = [
    "ACCESSIBILITY",
    "ALLOWED_TRANSITIONS",
    "FEATURES",
    "HOLDING_TIME",
    "OPEN_STATES",
    "QUOTA_LIMITS",
    "ApiToken",
    "AuditEntry",
    "Base",
    "Booking",
    "BookingKind",
    "BookingSeries",
    "BookingServiceItem",
    "BookingStatus",
    "Category",
    "Center",
    "Closure",
    "DeletionRequest",
    "DeletionState",
    "DestructionRecord",
    "FeedToken",
    "GeneralAssembly",
    "Invitation",
    "NoticeAcknowledgement",
    "Organization",
    "OrganizationKind",
    "OrganizationRole",
    "OrganizationVerification",
    "OutboxMessage",
    "OutboxStatus",
    "PasswordResetToken",
    "PersonalDataAccess",
    "PrivacyNotice",
    "QuotaRule",
    "Role",
    "Room",
    "RoomAccessibility",
    "RoomFeature",
    "RoomPhoto",
    "ServiceItem",
    "ServiceItemStatus",
    "SignInSession",
    "UTCDateTime",
    "User",
    "VerificationMethod",
    "WaitlistEntry",
    "WaitlistState",
    "new_session_nonce",
    "staff_centers",
    "utcnow",
]
