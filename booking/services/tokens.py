"""API bearer tokens: issued once in clear, stored only as a SHA-256 hash.

The hash is enough for lookup because the token carries 256 random bits: no
slow password hash is needed, and every API request can afford the check.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from booking.i18n.text import one_line
from booking.models import ApiToken, User
from booking.services import audit
from booking.services.errors import NotFound, RuleViolation
from booking.services.hashing import hash_secret, new_secret

PREFIX_LENGTH = 8
MAX_NAME = 100
MAX_TOKEN_LENGTH = 200
# last_used_at is written at most this often per token, so reads stay reads.
LAST_USED_RESOLUTION = timedelta(minutes=5)


@dataclass
class IssuedToken:
    token: ApiToken
    secret: str  # shown to the caller once, never stored


hash_token = hash_secret  # the stored form of a token (hashing.py)


def create_token(session: Session, user: User, name: str | None, now: datetime) -> IssuedToken:
    """Issue a new token for ``user`` (already authenticated by the caller)."""
    name = one_line(name)
    if len(name) > MAX_NAME:
        raise RuleViolation.single("name", _l("Ad en fazla %(n)d karakter olabilir.", n=MAX_NAME))
    secret = new_secret()
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(secret),
                     prefix=secret[:PREFIX_LENGTH], created_at=now)
    session.add(token)
    session.flush()
    audit.record(session, user, "api_token", token.id, "create", at=now,
                 details={"prefix": token.prefix, "name": name})
    return IssuedToken(token, secret)


def revoke_token(session: Session, user: User, token_id: int, now: datetime) -> ApiToken:
    """The owner revokes one of their tokens; someone else's token is not found."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound(_l("Anahtar bulunamadı."))
    token.revoked_at = now
    audit.record(session, user, "api_token", token.id, "revoke", at=now,
                 details={"prefix": token.prefix})
    return token


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ))


# Built once: every API request runs it, and building and hashing a fresh ORM
# statement with its loader options costs about as much as running it.
TOKEN_WITH_USER = (
    select(ApiToken)
    .where(ApiToken.token_hash == bindparam("token_hash"))
    .options(joinedload(ApiToken.user).joinedload(User.organization))
)


def authenticate(session: Session, secret: str, now: datetime) -> tuple[User | None, bool]:
    """The active user a live token belongs to (or None), and whether
    ``last_used_at`` was written, so the caller knows if there is anything to
    commit.

    One statement reads the token, its user and the user's organisation (every
    API request pays for it). ``last_used_at`` is refreshed only when it is
    older than a few minutes, with one guarded UPDATE, so a burst of requests
    does not write on every call.
    """
    if not secret or len(secret) > MAX_TOKEN_LENGTH:
        return None, False
    token = session.scalar(TOKEN_WITH_USER, {"token_hash": hash_token(secret)})
    if token is None or token.revoked_at is not None:
        return None, False
    user = token.user
    if not user.is_active:
        return None, False
    stale = now - LAST_USED_RESOLUTION
    if token.last_used_at is not None and token.last_used_at >= stale:
        return user, False
    session.execute(
        update(ApiToken)
        .where(ApiToken.id == token.id)
        .where((ApiToken.last_used_at.is_(None)) | (ApiToken.last_used_at < stale))
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    # What the row now holds, without making the ORM write it a second time.
    set_committed_value(token, "last_used_at", now)
    return user, True


def authenticate_token(session: Session, secret: str, now: datetime) -> User | None:
    """The active user a live token belongs to, or None (see ``authenticate``)."""
    return authenticate(session, secret, now)[0]
