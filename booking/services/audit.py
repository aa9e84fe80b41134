"""The audit trail: every change is written here in the same transaction."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from booking.models import AuditEntry, User, utcnow


def record(
    session: Session,
    actor: User | None,
    entity: str,
    entity_id: int,
    action: str,
    *,
    from_status: str | None = None,
    to_status: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    booking_id: int | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Add one audit entry (flushed with the caller's transaction)."""
    entry = AuditEntry(
        at=at or utcnow(),
        actor_id=actor.id if actor is not None else None,
        entity=entity,
        entity_id=entity_id,
        booking_id=booking_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        details=details,
    )
    session.add(entry)
    return entry
