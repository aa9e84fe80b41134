"""Configuration: package defaults, then ``instance/config.py``, then ``BOOKING_*``
environment variables (environment wins), then the test configuration.

This is the only module that reads ``os.environ`` (see docs/configuration.md).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

ENV_PREFIX = "BOOKING_"

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": "dev-insecure-change-me",
    # None means: a SQLite file in the instance folder.
    "DATABASE_URL": None,
    "BASE_URL": "http://127.0.0.1:5000",
    "DEFAULT_TIMEZONE": "Europe/Istanbul",
    "DEFAULT_LANGUAGE": "tr",
    "LANGUAGES": "tr,en",
    "SMTP_HOST": "localhost",
    "SMTP_PORT": 25,
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_STARTTLS": False,
    # Seconds per SMTP operation (connect, each command).
    "SMTP_TIMEOUT": 20,
    "MAIL_FROM": "Sivil Toplum Merkezleri <rezervasyon@localhost>",
    # Minutes before a booking's start at which reminders are sent.
    "REMINDER_OFFSETS": "1440,120",
    # Failed sends of one outbox message before it is marked failed.
    "OUTBOX_MAX_ATTEMPTS": 6,
    "SCHEDULER_EMBEDDED": False,
    # Flask-Limiter storage; use a shared one (redis://…) when several workers run.
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_ENABLED": True,
    # Calendar feed window and client refresh hint.
    "FEED_PAST_DAYS": 90,
    "FEED_FUTURE_DAYS": 365,
    "FEED_REFRESH_MINUTES": 60,
    "FEED_CANCELLED_KEEP_DAYS": 30,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "API_MAX_PER_PAGE": 200,
    # Reverse proxies in front of the app (nginx: 1) whose X-Forwarded-For/-Proto/-Host
    # headers are trusted; 0 trusts none (a client could forge them).
    "PROXY_COUNT": 0,
    # Larger API request bodies answer 413.
    "API_MAX_BODY_BYTES": 1024 * 1024,
    # Token creation and registration over the API, per client address (Flask-Limiter syntax).
    "API_AUTH_RATE_LIMIT": "10 per minute",
}

_TRUE = {"1", "true", "yes", "on", "evet"}
_FALSE = {"0", "false", "no", "off", "hayir", "hayır", ""}


def _coerce(key: str, raw: str, default: Any) -> Any:
    """Read an environment string as the type of the key's default value."""
    if isinstance(default, bool):
        lowered = raw.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError(f"{ENV_PREFIX}{key} must be a boolean, not {raw!r}")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError as exc:
            raise ValueError(f"{ENV_PREFIX}{key} must be an integer, not {raw!r}") from exc
    return raw


def environment_overrides(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Return the settings given as ``BOOKING_<KEY>`` environment variables."""
    environ = dict(os.environ if environ is None else environ)
    overrides: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        key = name[len(ENV_PREFIX):]
        overrides[key] = _coerce(key, raw, DEFAULTS.get(key))
    return overrides


def reminder_offsets(value: str | list[int] | tuple[int, ...]) -> list[int]:
    """Parse REMINDER_OFFSETS ("1440,120") into a sorted list of minutes, largest first."""
    if isinstance(value, (list, tuple)):
        items = [int(v) for v in value]
    else:
        items = [int(part) for part in str(value).split(",") if part.strip()]
    if any(v <= 0 for v in items):
        raise ValueError("REMINDER_OFFSETS must be positive minutes")
    return sorted(set(items), reverse=True)


def load_config(app: Flask, test_config: dict[str, Any] | None = None) -> None:
    """Fill ``app.config`` in the documented order and derive engine settings."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(environment_overrides())
    if test_config:
        app.config.update(test_config)

    url = app.config.get("DATABASE_URL")
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = "sqlite:///" + str(Path(app.instance_path) / "booking.sqlite3")
    elif url.startswith("postgresql://") or url.startswith("postgres://"):
        # psycopg 3 is the driver we ship; accept the common short forms.
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    app.config["DATABASE_URL"] = url
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    engine_options: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        engine_options = {"connect_args": {"timeout": 30, "check_same_thread": False}}
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options)
    app.config["REMINDER_OFFSETS_MINUTES"] = reminder_offsets(app.config["REMINDER_OFFSETS"])
    if int(app.config["OUTBOX_MAX_ATTEMPTS"]) < 1:
        raise ValueError("OUTBOX_MAX_ATTEMPTS must be at least 1")
    if app.config["SECRET_KEY"] == DEFAULTS["SECRET_KEY"] and not app.config.get("TESTING"):
        # Anyone can sign a session cookie with the published development key.
        app.logger.warning(
            "SECRET_KEY is the development default: fine on your own machine, but set "
            "a long random value in instance/config.py or BOOKING_SECRET_KEY before "
            "anyone else can reach this server (docs/configuration.md)"
        )
    app.config["LANGUAGE_CODES"] = [
        code.strip() for code in str(app.config["LANGUAGES"]).split(",") if code.strip()
    ]
