"""Typed SQLAlchemy 2.x models, one module per part of the domain."""
from booking.models.base import Base, UTCDateTime, utcnow
from booking.models.bookings import (
    ALLOWED_TRANSITIONS,
    AuditEntry,
    Booking,
    BookingKind,
    BookingSeries,
    BookingStatus,
    Category,
)
from booking.models.outbox import OutboxMessage, OutboxStatus
from booking.models.people import (
    ApiToken,
    FeedToken,
    Organization,
    OrganizationKind,
    PasswordResetToken,
    Role,
    User,
    new_session_nonce,
    staff_centers,
)
from booking.models.places import FEATURES, Center, Closure, Room, RoomFeature

__all__ = [
    "ALLOWED_TRANSITIONS",
    "FEATURES",
    "ApiToken",
    "AuditEntry",
    "Base",
    "Booking",
    "BookingKind",
    "BookingSeries",
    "BookingStatus",
    "Category",
    "Center",
    "Closure",
    "FeedToken",
    "Organization",
    "OrganizationKind",
    "OutboxMessage",
    "OutboxStatus",
    "PasswordResetToken",
    "Role",
    "Room",
    "RoomFeature",
    "UTCDateTime",
    "User",
    "new_session_nonce",
    "staff_centers",
    "utcnow",
]
