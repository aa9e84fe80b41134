"""Flask-Login wiring: session ids carry a nonce, so a password change can end
every other session."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from booking.extensions import db, login_manager
from booking.models import User


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_nonce != nonce:
        return None
    return user


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Bu sayfayı görmek için giriş yapın.")
    login_manager.session_protection = "basic"
