"""The secret links of private calendar feeds: issued, looked up and revoked.

Every signed-in person has at most one live **personal** link (a row with
``user_id`` and no ``organization_id``): a member's shows their organisation's
bookings, a staff member's their centers, an admin's every center (what it
shows is decided when it is fetched, in feeds.token_scope). Issuing a new one
revokes only that person's previous link, never a colleague's.

The older **organisation** links (``organization_id`` set, shared by every
member) are no longer issued; those that exist keep working until a
representative of the organisation (SPEC §9), staff or an admin revokes them. Only a token's SHA-256 hash
is stored (hashing.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from booking.database import reads_under_lock
from booking.models import FeedToken, Organization, User
from booking.services import audit
from booking.services.access import represents
from booking.services.errors import NotAllowed, NotFound
from booking.services.hashing import hash_secret, new_secret


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
) -> None:
    """An organisation's link: its members, staff and admins. A personal link:
    its person only (an admin stops someone else's by deactivating the account
    or resetting its password). An owner the actor may not see is NotFound
    (a 404, not a 403, as everywhere)."""
    if (organization_id is None) == (user_id is None):
        raise ValueError("give exactly one of organization_id and user_id")
    if organization_id is not None:
        if session.get(Organization, organization_id) is None:
            raise NotFound(_l("Kuruluş bulunamadı."))
        if not (actor.is_staff or actor.organization_id == organization_id):
            raise NotFound(_l("Kuruluş bulunamadı."))
        return
    if actor.id != user_id or session.get(User, user_id) is None:
        raise NotFound(_l("Kullanıcı bulunamadı."))


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
    """Revoke every live feed link of an organisation, or a person's own link."""
    _check_owner(session, actor, organization_id, user_id)
    if organization_id is not None and not (actor.is_staff or represents(actor, organization_id)):
        raise NotAllowed(_l("Kuruluşun ortak takvim bağlantısını yalnızca temsilcileri "
                            "iptal edebilir."))
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


def revoke_personal(session: Session, actor: User, now: datetime) -> int:
    """Revoke the actor's own link; colleagues' links are untouched."""
    return revoke_tokens(session, actor, user_id=actor.id, now=now)


def issue_personal(session: Session, actor: User, now: datetime) -> IssuedToken:
    """Create (or regenerate) the actor's own private feed link.

    The actor's previous personal link stops working at once; nobody else's
    does, and an organisation link is left alone. A member without an
    organisation, or a deactivated account, gets none.
    """
    if not actor.is_active or not (actor.is_staff or actor.organization_id is not None):
        raise NotAllowed(_l("Bu hesap için takvim bağlantısı oluşturulamaz."))
    revoke_personal(session, actor, now)
    token = new_secret()
    feed_token = FeedToken(user_id=actor.id, token_hash=hash_secret(token), created_at=now)
    session.add(feed_token)
    session.flush()
    audit.record(session, actor, "user", actor.id, "feed_token_issue", at=now)
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


def personal_link(session: Session, actor: User) -> FeedToken | None:
    """The actor's own live link record, if any."""
    return live_token(session, actor, user_id=actor.id)


def organization_link(session: Session, actor: User) -> FeedToken | None:
    """The live shared link of the actor's organisation (members only), if one
    is left from before personal links."""
    if actor.organization_id is None:
        return None
    return live_token(session, actor, organization_id=actor.organization_id)


def _audit_target(organization_id: int | None, user_id: int | None) -> tuple[str, int]:
    if organization_id is not None:
        return "organization", organization_id
    assert user_id is not None
    return "user", user_id
