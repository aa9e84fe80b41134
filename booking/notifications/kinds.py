"""The kinds of message the outbox carries (one template pair each in templates/email/)."""
from __future__ import annotations

REQUEST_RECEIVED = "request_received"
NEW_REQUEST = "new_request"
APPROVED = "approved"
REJECTED = "rejected"
AUTO_REJECTED = "auto_rejected"
CANCELLED = "cancelled"
# An approved booking's time or room changed (it stays approved).
CHANGED = "changed"
# One occurrence of a series approved at once, as its own calendar invitation.
INVITATION = "invitation"
REMINDER = "reminder"
DIGEST = "digest"
ESCALATION = "escalation"
ORGANIZATION_VERIFIED = "organization_verified"
# Registry identity (SPEC §9): an organisation's verification runs out in a month.
VERIFICATION_DUE = "verification_due"
# KVKK (SPEC §10): the retention run will anonymise an inactive account.
RETENTION_NOTICE = "retention_notice"
NO_SHOW = "no_show"
# The waitlist (SPEC §8): an offer of freed time, and how it ended without an
# acceptance (an acceptance is told as a request received or an approval).
WAITLIST_OFFER = "waitlist_offer"
OFFER_DECLINED = "offer_declined"
OFFER_EXPIRED = "offer_expired"

ALL = (
    REQUEST_RECEIVED,
    NEW_REQUEST,
    APPROVED,
    REJECTED,
    AUTO_REJECTED,
    CANCELLED,
    CHANGED,
    INVITATION,
    REMINDER,
    DIGEST,
    ESCALATION,
    ORGANIZATION_VERIFIED,
    VERIFICATION_DUE,
    RETENTION_NOTICE,
    NO_SHOW,
    WAITLIST_OFFER,
    OFFER_DECLINED,
    OFFER_EXPIRED,
)

# Messages about an upcoming event that lose their point once the booking is
# rejected, cancelled or moved: unsent ones are marked skipped.
ABOUT_UPCOMING = (REMINDER, ESCALATION)

# Messages about one booking that carry it as an iTIP invitation (REQUEST or
# CANCEL, booking/notifications/invitations.py) once the booking was approved.
ABOUT_THE_CALENDAR = (REQUEST_RECEIVED, APPROVED, CHANGED, INVITATION, REJECTED, AUTO_REJECTED,
                      CANCELLED)
# Messages that carry the booking's .ics as an attachment.
WITH_ICS = (APPROVED, CHANGED, INVITATION)
