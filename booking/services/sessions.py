"""Sign-in sessions kept on the server, and ending them.

A browser that signs in gets a session row; its cookie carries the row's id
and a secret (only the secret's SHA-256 is stored). Signing out ends the row,
so a copy of the cookie stops working. A new password, a reset or "sign out
everywhere" end every session of the person, revoke their API tokens and their
own calendar links, and change the user's nonce (which old cookies carry).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from booking.models import ApiToken, FeedToken, SignInSession, User, new_session_nonce
from booking.services import audit
from booking.services.hashing import hash_secret, new_secret


@dataclass
class Ended:
    """What ending everything of a person took away."""

    sessions: int
    api_tokens: int
    feed_links: int


def start_session(session: Session, user: User, now: datetime) -> str:
    """A new signed-in session of ``user``; the cookie value ``<id>.<secret>``."""
    secret = new_secret()
    row = SignInSession(user_id=user.id, secret_hash=hash_secret(secret), created_at=now)
    session.add(row)
    session.flush()
    return f"{row.id}.{secret}"


def _row(session: Session, value: str | None) -> SignInSession | None:
    """The session row a cookie value names, if its secret matches."""
    if not isinstance(value, str):
        return None
    row_id, _, secret = value.partition(".")
    if not row_id.isdigit() or len(row_id) > 18 or not secret:
        return None
    row = session.get(SignInSession, int(row_id))
    if row is None or row.secret_hash != hash_secret(secret):
        return None
    return row


def is_live(session: Session, value: str | None, user_id: int) -> bool:
    """The cookie's session belongs to ``user_id`` and has not been ended."""
    row = _row(session, value)
    return row is not None and row.user_id == user_id and row.ended_at is None


def end_session(session: Session, value: str | None, now: datetime) -> None:
    """Sign one browser out (its cookie value); an unknown one is ignored."""
    row = _row(session, value)
    if row is not None and row.ended_at is None:
        row.ended_at = now


def end_everything(session: Session, user: User, now: datetime, *, keep: str | None = None,
                   why: str = "sign_out_everywhere") -> Ended:
    """End every session of ``user`` but the one ``keep`` names, revoke their
    API tokens and their personal calendar links, and change their nonce.
    An organisation's shared calendar link stays: it is not the person's."""
    kept = _row(session, keep)
    ended = cast("CursorResult[Any]", session.execute(
        update(SignInSession)
        .where(SignInSession.user_id == user.id, SignInSession.ended_at.is_(None),
               SignInSession.id != (kept.id if kept is not None else -1))
        .values(ended_at=now).execution_options(synchronize_session=False)
    )).rowcount
    tokens = list(session.scalars(select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))))
    for token in tokens:
        token.revoked_at = now
    links = list(session.scalars(select(FeedToken).where(
        FeedToken.user_id == user.id, FeedToken.revoked_at.is_(None))))
    for link in links:
        link.revoked_at = now
    user.session_nonce = new_session_nonce()
    result = Ended(int(ended or 0), len(tokens), len(links))
    audit.record(session, user, "user", user.id, "sessions_ended", at=now,
                 details={"why": why, "sessions": result.sessions,
                          "api_tokens": result.api_tokens, "feed_links": result.feed_links})
    return result
