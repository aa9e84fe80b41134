"""The secret links of private calendar feeds: issued, looked up and revoked.

A member's organisation or a staff member has one live token at a time; a new
one revokes the old. Only the token's SHA-256 hash is stored (hashing.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from booking.database import reads_under_lock
from booking.models import (
    BookingStatus,
    FeedToken,
    Organization,
    User,
)
from booking.services import audit
from booking.services.errors import NotAllowed, NotFound
from booking.services.hashing import hash_secret, new_secret

PUBLIC_STATUSES = (BookingStatus.APPROVED, BookingStatus.CANCELLED)
PRIVATE_STATUSES = (BookingStatus.PENDING, BookingStatus.APPROVED, BookingStatus.CANCELLED)


@dataclass(frozen=True)
class IssuedToken:
    """A new feed token: ``token`` is shown once, only its hash is kept."""

    token: str
    feed_token: FeedToken


def _check_owner(
    session: Session,
    actor: User,
    organization_id: int | None,
    user_id: int | None,
    *,
    issuing: bool = False,
) -> None:
    """Members: their organisation's token; staff and admins: any organisation's.
    Staff: their own staff token; admins: anyone's. An owner the actor may not
    see is NotFound (a 404, not a 403, as everywhere)."""
    if (organization_id is None) == (user_id is None):
        raise ValueError("give exactly one of organization_id and user_id")
    if organization_id is not None:
        if session.get(Organization, organization_id) is None:
            raise NotFound(_l("Kuruluş bulunamadı."))
        if not (actor.is_staff or actor.organization_id == organization_id):
            raise NotFound(_l("Kuruluş bulunamadı."))
        return
    owner = session.get(User, user_id)
    if owner is None or not (actor.id == owner.id or actor.is_admin):
        raise NotFound(_l("Kullanıcı bulunamadı."))
    if issuing and not owner.is_staff:
        raise NotAllowed(_l("Merkez takvimi yalnızca görevliler ve yöneticiler içindir."))


def _owner_filter(organization_id: int | None, user_id: int | None) -> ColumnElement[bool]:
    if organization_id is not None:
        return FeedToken.organization_id == organization_id
    return and_(FeedToken.user_id == user_id, FeedToken.organization_id.is_(None))


def _lock_owner(session: Session, organization_id: int | None, user_id: int | None) -> None:
    """Serialise changes of one owner's feed tokens (PostgreSQL: lock the owner's
    row), so that two "new link" clicks at once leave one live token, not two:
    the second waits, then revokes the token the first just issued."""
    if not reads_under_lock(session):
        return  # SQLite: BEGIN IMMEDIATE already serialised the transaction
    owner = Organization if organization_id is not None else User
    owner_id = organization_id if organization_id is not None else user_id
    session.execute(select(owner.id).where(owner.id == owner_id).with_for_update())


def revoke_tokens(
    session: Session,
    actor: User,
    *,
    organization_id: int | None = None,
    user_id: int | None = None,
    now: datetime,
) -> int:
    """Revoke every live feed token of an organisation or a staff member."""
    _check_owner(session, actor, organization_id, user_id)
    _lock_owner(session, organization_id, user_id)
    live = session.scalars(
        select(FeedToken).where(
            _owner_filter(organization_id, user_id), FeedToken.revoked_at.is_(None)
        )
    ).all()
    for token in live:
        token.revoked_at = now
    if live:
        entity, entity_id = _audit_target(organization_id, user_id)
        audit.record(session, actor, entity, entity_id, "feed_token_revoke", at=now)
    session.flush()
    return len(live)


def issue_token(
    session: Session,
    actor: User,
    *,
    organization_id: int | None = None,
    user_id: int | None = None,
    now: datetime,
) -> IssuedToken:
    """Create (or regenerate) the private feed token of an organisation or staff member.

    Members create their organisation's token, staff and admins any
    organisation's; staff create their own, admins anyone's. Earlier tokens of
    the same owner stop working at once.
    """
    _check_owner(session, actor, organization_id, user_id, issuing=True)
    revoke_tokens(session, actor, organization_id=organization_id, user_id=user_id, now=now)
    token = new_secret()
    feed_token = FeedToken(
        organization_id=organization_id,
        user_id=user_id,
        token_hash=hash_secret(token),
        created_at=now,
    )
    session.add(feed_token)
    session.flush()
    entity, entity_id = _audit_target(organization_id, user_id)
    audit.record(session, actor, entity, entity_id, "feed_token_issue", at=now)
    return IssuedToken(token=token, feed_token=feed_token)


def live_token(
    session: Session, actor: User, *, organization_id: int | None = None, user_id: int | None = None
) -> FeedToken | None:
    """The owner's working token record (its secret is not recoverable), if any."""
    _check_owner(session, actor, organization_id, user_id)
    return session.scalar(
        select(FeedToken)
        .where(_owner_filter(organization_id, user_id), FeedToken.revoked_at.is_(None))
        .order_by(FeedToken.id.desc())
    )


def _audit_target(organization_id: int | None, user_id: int | None) -> tuple[str, int]:
    if organization_id is not None:
        return "organization", organization_id
    assert user_id is not None
    return "user", user_id
