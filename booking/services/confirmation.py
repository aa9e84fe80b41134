"""Confirming that an address is the registrant's: a signed link mailed at
registration, single use (a confirmed address is not confirmed again, so a
link found in a mailbox later does not sign anyone in), valid two days.

The link carries the user's id and address signed with the site's secret key;
nothing is stored until it is used.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from booking.models import User
from booking.services import audit
from booking.services.errors import NotFound

SALT = "booking.email-confirmation"
LIFETIME = timedelta(days=2)
INVALID_LINK = _l("Bu doğrulama bağlantısı geçersiz ya da süresi dolmuş. Giriş sayfasından "
                  "yeni bir bağlantı isteyin.")
ALREADY_CONFIRMED = _l("Bu adres zaten doğrulandı. Parolanızla giriş yapın.")


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def confirmation_token(user: User, secret_key: str) -> str:
    return _serializer(secret_key).dumps({"u": user.id, "e": user.email})


def _user_of(session: Session, token: str, secret_key: str) -> User:
    try:
        data: Any = _serializer(secret_key).loads(token, max_age=int(LIFETIME.total_seconds()))
    except BadSignature:  # SignatureExpired is one too
        raise NotFound(INVALID_LINK) from None
    user_id = data.get("u") if isinstance(data, dict) else None
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active or user.email != data.get("e"):
        raise NotFound(INVALID_LINK)
    return user


def check_link(session: Session, token: str, secret_key: str) -> User:
    """The user a live, unused link belongs to; else NotFound saying why."""
    user = _user_of(session, token, secret_key)
    if user.email_confirmed_at is not None:
        raise NotFound(ALREADY_CONFIRMED)
    return user


def confirm_address(session: Session, token: str, secret_key: str, now: datetime) -> User:
    """Mark the address confirmed; the caller then signs the person in."""
    user = check_link(session, token, secret_key)
    user.email_confirmed_at = now
    audit.record(session, user, "user", user.id, "email_confirmed", at=now)
    return user


def needs_confirmation(user: User) -> bool:
    return user.email_confirmed_at is None
