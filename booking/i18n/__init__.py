"""Language choice: the signed-in user's setting, then a chosen language, then
``Accept-Language``, then Turkish. Times are shown in the center's zone.

A language code ("tr", "en") names the language everywhere: settings, ``lang``
attributes, the switcher, the catalogue folders. Babel formats with the code's
*formatting locale*: English readers are in Turkey, so English dates and times
follow en_GB (day first, 24-hour clock), not Babel's US-style "en". Gettext
finds no en_GB catalogue and falls back to ``translations/en``.
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import force_locale, get_locale
from flask_login import current_user

from booking.extensions import babel
from booking.i18n.dates import list_moment

SESSION_KEY = "language"
FORMAT_LOCALES = {"en": "en_GB"}


def formatting_locale(language: str) -> str:
    """The Babel locale that formats dates, times and numbers for a language."""
    return FORMAT_LOCALES.get(language, language)


def select_language() -> str:
    """Pick the interface language code for the current request."""
    codes: list[str] = current_app.config["LANGUAGE_CODES"]
    if not has_request_context():
        # Commands and jobs choose a language with force_language.
        return current_app.config["DEFAULT_LANGUAGE"]
    if getattr(current_user, "is_authenticated", False) and current_user.language in codes:
        return current_user.language
    chosen = session.get(SESSION_KEY)
    if chosen in codes:
        return chosen
    best = request.accept_languages.best_match(codes)
    return best or current_app.config["DEFAULT_LANGUAGE"]


def select_locale() -> str:
    """Babel's locale selector: the formatting locale of the request's language."""
    return formatting_locale(select_language())


def current_language() -> str:
    """The language code of the current locale ("en" while formatting as en_GB),
    for ``lang`` attributes and the language switcher."""
    locale = str(get_locale())
    return next((code for code, fmt in FORMAT_LOCALES.items() if fmt == locale), locale)


def force_language(language: str) -> AbstractContextManager[None]:
    """``flask_babel.force_locale`` for a language code: messages and e-mails
    in that language, dates and times in its formatting locale."""
    return force_locale(formatting_locale(language))


def local_time(value: datetime, tz: str | ZoneInfo) -> str:
    """An aware datetime in a center's zone, as tables and lists show a moment
    ("9 Ara 2026 14:05"; ``booking.i18n.dates``)."""
    return list_moment(value, tz)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LANGUAGE"])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.filters["local_time"] = local_time
