"""The kinds of message the outbox carries (one template pair each in templates/email/)."""
from __future__ import annotations

REQUEST_RECEIVED = "request_received"
NEW_REQUEST = "new_request"
APPROVED = "approved"
REJECTED = "rejected"
AUTO_REJECTED = "auto_rejected"
CANCELLED = "cancelled"
REMINDER = "reminder"
DIGEST = "digest"
ESCALATION = "escalation"
ORGANIZATION_VERIFIED = "organization_verified"

ALL = (
    REQUEST_RECEIVED,
    NEW_REQUEST,
    APPROVED,
    REJECTED,
    AUTO_REJECTED,
    CANCELLED,
    REMINDER,
    DIGEST,
    ESCALATION,
    ORGANIZATION_VERIFIED,
)

# Messages about an upcoming event that lose their point once the booking is
# rejected, cancelled or moved: unsent ones are marked skipped.
ABOUT_UPCOMING = (REMINDER, ESCALATION)
