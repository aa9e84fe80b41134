"""Configuration: package defaults, then ``instance/config.py``, then ``BOOKING_*``
environment variables (environment wins), then the test configuration.

This is the only module that reads ``os.environ`` (see docs/configuration.md).
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

ENV_PREFIX = "BOOKING_"
# Published in this repository: signs nothing outside debug and tests.
DEVELOPMENT_SECRET_KEY = "dev-insecure-change-me"  # noqa: S105 - refused, see settle_secret_key
MAKE_A_KEY = 'python3 -c "import secrets; print(secrets.token_hex(32))"'

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": DEVELOPMENT_SECRET_KEY,
    # A file holding the key, read when SECRET_KEY itself is not set (`make run` keeps one in instance/).
    "SECRET_KEY_FILE": None,
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
    # "smtp" sends e-mail (production); "instance" keeps every message as a file in
    # MAIL_DIR, readable by admins at /dev/mail (the development mailbox, `make run`).
    "MAIL_BACKEND": "smtp",
    # None means: the folder mail/ in the instance folder.
    "MAIL_DIR": None,
    # Minutes before a booking's start at which reminders are sent.
    "REMINDER_OFFSETS": "1440,120",
    # Minutes a waitlist offer holds the freed time for its organisation (never
    # past the booking's start): accepted by then, or it expires (SPEC §8).
    "WAITLIST_HOLD_MINUTES": 120,
    # Failed sends of one outbox message before it is marked failed.
    "OUTBOX_MAX_ATTEMPTS": 6,
    "SCHEDULER_EMBEDDED": False,
    # Check-in (SPEC §8): the window closes this many minutes after a booking's
    # start; an approved booking not checked in by then becomes a no-show.
    "CHECKIN_GRACE_MINUTES": 20,
    # Flask-Limiter storage; use a shared one (redis://…) when several workers run.
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_ENABLED": True,
    # "10 per minute" means any 60 seconds, not a clock minute (which would let
    # 20 through across a minute's turn); the prefix keeps a shared Redis tidy.
    "RATELIMIT_STRATEGY": "moving-window",
    "RATELIMIT_KEY_PREFIX": "booking",
    # Calendar feed window and client refresh hint.
    "FEED_PAST_DAYS": 90,
    "FEED_FUTURE_DAYS": 365,
    "FEED_REFRESH_MINUTES": 60,
    "FEED_CANCELLED_KEEP_DAYS": 30,
    # Free/busy (VFREEBUSY) of rooms and centers: days from today.
    "FREEBUSY_DAYS": 90,
    # KVKK (SPEC §10, docs/privacy.md): members inactive this long are anonymised
    # (after an e-mail 14 days before); booking descriptions are cleared this long
    # after the meeting; the destruction run every this many months (1–6: the
    # regulation allows at most six months between runs).
    "RETENTION_INACTIVE_DAYS": 730,
    "RETENTION_BOOKING_DAYS": 730,
    "RETENTION_EVERY_MONTHS": 1,
    # Representatives (SPEC §9, docs/representatives.md): days an invitation link works.
    "INVITATION_VALID_DAYS": 7,
    # Registry identity (SPEC §9, docs/registry.md): a verification holds this
    # many days; representatives are reminded 30 days before it runs out.
    "VERIFICATION_VALID_DAYS": 365,
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
    # Larger bodies of any other request (web forms) answer 413 before they are read,
    # chunked ones as soon as they pass it; one form field may hold at most
    # MAX_FORM_MEMORY_SIZE bytes.
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "MAX_FORM_MEMORY_SIZE": 64 * 1024,
    # Token creation and registration over the API, per client address (Flask-Limiter syntax).
    "API_AUTH_RATE_LIMIT": "10 per minute",
    # Sign-in attempts per client address, and failed ones per account (the web
    # form and API token creation together), registrations and reset or
    # confirmation requests per address.
    "SIGN_IN_RATE_LIMIT": "10 per minute; 50 per hour",
    "SIGN_IN_ACCOUNT_RATE_LIMIT": "10 per hour",
    "REGISTER_RATE_LIMIT": "5 per hour",
    "RESET_RATE_LIMIT": "5 per minute; 20 per hour",
    # Room photos: the folder their files are kept in (None: photos/ in the
    # instance folder), the largest upload (its route alone takes a body of
    # this plus ROOM_PHOTO_FORM_MARGIN; every other keeps MAX_CONTENT_LENGTH).
    "ROOM_PHOTO_DIR": None,
    "ROOM_PHOTO_MAX_BYTES": 10 * 1024 * 1024,
    "ROOM_PHOTO_FORM_MARGIN": 64 * 1024,
    # Bearer token of GET /metrics (Prometheus); empty: the address answers 404.
    "METRICS_TOKEN": "",
}

MAIL_BACKENDS = ("smtp", "instance")
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


class ConfigurationError(RuntimeError):
    """A setting the service must not start with; the message is one line."""


def uses_https(config: Mapping[str, Any]) -> bool:
    """Whether the service is served over https: its public address says so."""
    return str(config.get("BASE_URL") or "").lower().startswith("https://")


def settle_secret_key(app: Flask) -> None:
    """Read SECRET_KEY from SECRET_KEY_FILE when only the file is given; refuse
    the published development key (or none) outside debug and tests."""
    key = app.config.get("SECRET_KEY")
    unset = (None, "", DEVELOPMENT_SECRET_KEY)
    path = app.config.get("SECRET_KEY_FILE")
    if key in unset and path:
        try:
            key = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(f"SECRET_KEY_FILE {path} cannot be read: {exc.strerror}") from None
        app.config["SECRET_KEY"] = key
    if key not in unset or app.config.get("TESTING") is True:
        return
    if app.config.get("DEBUG") is True:
        # Anyone can sign a session cookie with the published development key.
        app.logger.warning("SECRET_KEY is the published development key: debug only, "
                           "never where anyone else can reach this server")
        return
    raise ConfigurationError(
        "SECRET_KEY is the published development key (or empty): set BOOKING_SECRET_KEY "
        f"(or SECRET_KEY in instance/config.py) to a random value, made with: {MAKE_A_KEY}")


def settle_mail_backend(app: Flask) -> None:
    """Check MAIL_BACKEND and give the development mailbox its folder."""
    backend = app.config.get("MAIL_BACKEND")
    if backend not in MAIL_BACKENDS:
        raise ConfigurationError(
            f"MAIL_BACKEND must be one of {', '.join(MAIL_BACKENDS)}, not {backend!r}")
    if not app.config.get("MAIL_DIR"):
        app.config["MAIL_DIR"] = str(Path(app.instance_path) / "mail")
    if backend == "instance" and not app.config.get("TESTING"):
        app.logger.warning("MAIL_BACKEND is instance: no e-mail is sent, each is kept in %s "
                           "and admins read them at /dev/mail", app.config["MAIL_DIR"])


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
    if int(app.config["WAITLIST_HOLD_MINUTES"]) < 1:
        raise ValueError("WAITLIST_HOLD_MINUTES must be at least 1")
    if int(app.config["OUTBOX_MAX_ATTEMPTS"]) < 1:
        raise ValueError("OUTBOX_MAX_ATTEMPTS must be at least 1")
    if not 1 <= int(app.config["RETENTION_EVERY_MONTHS"]) <= 6:
        raise ValueError("RETENTION_EVERY_MONTHS must be 1 to 6 (KVKK: at most six months apart)")
    if min(int(app.config["RETENTION_INACTIVE_DAYS"]), int(app.config["RETENTION_BOOKING_DAYS"])) < 30:
        raise ValueError("RETENTION_INACTIVE_DAYS and RETENTION_BOOKING_DAYS must be at least 30")
    if not 1 <= int(app.config["INVITATION_VALID_DAYS"]) <= 60:
        raise ValueError("INVITATION_VALID_DAYS must be between 1 and 60")
    if int(app.config["VERIFICATION_VALID_DAYS"]) < 31:
        raise ValueError("VERIFICATION_VALID_DAYS must be at least 31 (the reminder goes 30 days "
                         "before)")
    if not 0 <= int(app.config["CHECKIN_GRACE_MINUTES"]) <= 24 * 60:
        raise ValueError("CHECKIN_GRACE_MINUTES must be between 0 and 1440")
    settle_secret_key(app)
    settle_mail_backend(app)
    if not app.config.get("ROOM_PHOTO_DIR"):
        app.config["ROOM_PHOTO_DIR"] = str(Path(app.instance_path) / "photos")
    if uses_https(app.config):
        # Over https the browser never sends the session or remember-me cookie in clear.
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.config["LANGUAGE_CODES"] = [
        code.strip() for code in str(app.config["LANGUAGES"]).split(",") if code.strip()
    ]
