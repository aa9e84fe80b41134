"""Flask-Login wiring. A browser is signed in while three things hold: the
user is active, the cookie's user id carries the user's current nonce (a new
password or "sign out everywhere" changes it), and the cookie names a live
sign-in session row (signing out ends it, so a copied cookie is refused)."""
from __future__ import annotations

from flask import Flask, session
from flask_babel import lazy_gettext as _l

from booking.extensions import db, login_manager
from booking.limits import refused
from booking.models import User
from booking.services import sessions

SESSION_ID = "sid"  # the Flask session key of the sign-in session's "<id>.<secret>"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit() or len(user_id) > 18:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_nonce != nonce:
        return None
    if not sessions.is_live(db.session(), session.get(SESSION_ID), user.id):
        # A cookie of a session that was signed out (or a copy of one).
        refused("ended-session", user.email)
        return None
    return user


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Bu sayfayı görmek için giriş yapın.")
    login_manager.session_protection = "basic"
