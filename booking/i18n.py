"""Language choice: the signed-in user's setting, then a chosen language, then
``Accept-Language``, then Turkish. Times are shown in the center's zone."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_datetime, get_locale
from flask_login import current_user

from booking.extensions import babel

SESSION_KEY = "language"


def select_locale() -> str:
    """Pick the interface language for the current request."""
    codes: list[str] = current_app.config["LANGUAGE_CODES"]
    if not has_request_context():
        # Commands and jobs choose a language with flask_babel.force_locale.
        return current_app.config["DEFAULT_LANGUAGE"]
    if getattr(current_user, "is_authenticated", False) and current_user.language in codes:
        return current_user.language
    chosen = session.get(SESSION_KEY)
    if chosen in codes:
        return chosen
    best = request.accept_languages.best_match(codes)
    return best or current_app.config["DEFAULT_LANGUAGE"]


def local_time(value: datetime, tz: str | ZoneInfo, fmt: str = "short") -> str:
    """Format an aware datetime in a center's zone for the current locale."""
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    return format_datetime(value.astimezone(zone).replace(tzinfo=None), fmt, rebase=False)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LANGUAGE"])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["local_time"] = local_time
