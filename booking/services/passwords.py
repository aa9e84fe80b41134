"""Password reset by an e-mailed link: expiring, single-use, stored only as a hash.

``request_reset`` issues a secret for an active user (None for an unknown
address, so the page answers the same either way); ``reset_password`` spends
it. Issuing a new secret voids the user's earlier unused ones, and a reset ends
every other session of the user (see ``accounts.change_password``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from booking.models import PasswordResetToken, User
from booking.services import accounts, audit
from booking.services.errors import NotFound
from booking.services.hashing import hash_secret, new_secret

RESET_LIFETIME = timedelta(hours=1)
INVALID_LINK = _l("Bu parola sıfırlama bağlantısı geçersiz ya da süresi dolmuş.")


@dataclass(frozen=True)
class IssuedReset:
    user: User
    secret: str  # goes into the e-mailed link, never into the database
    expires_at: datetime




def request_reset(session: Session, email: str, now: datetime,
                  lifetime: timedelta = RESET_LIFETIME) -> IssuedReset | None:
    """Issue a reset secret for the active user with this address, or return None."""
    user = accounts.find_user_by_email(session, email)
    if user is None or not user.is_active:
        return None
    for old in session.scalars(select(PasswordResetToken).where(
            PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))):
        old.used_at = now
    secret = new_secret()
    token = PasswordResetToken(user_id=user.id, token_hash=hash_secret(secret),
                               created_at=now, expires_at=now + lifetime)
    session.add(token)
    session.flush()
    audit.record(session, user, "user", user.id, "password_reset_request", at=now)
    return IssuedReset(user, secret, token.expires_at)


def _live_token(session: Session, secret: str, now: datetime) -> PasswordResetToken:
    token = session.scalar(select(PasswordResetToken).where(
        PasswordResetToken.token_hash == hash_secret(secret or "")))
    if token is None or token.used_at is not None or token.expires_at <= now \
            or not token.user.is_active:
        raise NotFound(INVALID_LINK)
    return token


def check_reset(session: Session, secret: str, now: datetime) -> User:
    """The user a live secret belongs to; NotFound when unknown, used or expired."""
    return _live_token(session, secret, now).user


def reset_password(session: Session, secret: str, new_password: str, now: datetime) -> User:
    """Set a new password with a live secret, which is then spent.

    Spent by one guarded UPDATE before the password changes: of two submissions
    of one link at once, the second waits for the first and then finds the
    secret used (a read-then-write would let both through on PostgreSQL)."""
    token = _live_token(session, secret, now)
    # Session.execute is typed as returning a Result; an UPDATE's is a CursorResult.
    spent = cast("CursorResult[Any]", session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == token.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )).rowcount
    if spent != 1:
        raise NotFound(INVALID_LINK)
    set_committed_value(token, "used_at", now)
    if token.user.email_confirmed_at is None:
        token.user.email_confirmed_at = now  # the reset link reached the address: it is theirs
    accounts.change_password(session, token.user, new_password, now, why="password_reset")
    audit.record(session, token.user, "user", token.user.id, "password_reset", at=now)
    return token.user
