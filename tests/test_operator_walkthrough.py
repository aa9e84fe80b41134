"""What a first deployment by the book found: settings that were read but not
checked, a sender whose later batches were claimed with an expired lease, and
a scheduler that died with a traceback (or logged one every minute) while the
database could not be reached. Real SMTP servers throughout; the mailer is
never mocked."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from booking import create_app, jobs
from booking.config import environment_overrides
from booking.extensions import db
from tests.mailbox import free_port
from tests.test_notifications_delivery import ROOT


@pytest.fixture
def app_config(smtp_port: int) -> dict[str, object]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_TIMEOUT": 5}


@pytest.fixture
def unreachable_app(database_url: str, tmp_path: Path, smtp_port: int):
    """The same application pointed at a database nobody can reach."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'no-such-directory' / 'booking.sqlite3'}"
    else:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/booking"
    application = create_app({
        "TESTING": True, "DATABASE_URL": url, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port,
    })
    yield application
    with application.app_context():
        db.engine.dispose()
    jobs._bound.clear()
    jobs._failing_since.clear()


# --- settings --------------------------------------------------------------------


def test_outbox_max_attempts_is_a_documented_checked_setting(app: Flask) -> None:
    assert app.config["OUTBOX_MAX_ATTEMPTS"] == 6
    assert environment_overrides({"BOOKING_OUTBOX_MAX_ATTEMPTS": "3"}) == {
        "OUTBOX_MAX_ATTEMPTS": 3}
    with pytest.raises(ValueError, match="BOOKING_OUTBOX_MAX_ATTEMPTS must be an integer"):
        environment_overrides({"BOOKING_OUTBOX_MAX_ATTEMPTS": "six"})
    with pytest.raises(ValueError, match="OUTBOX_MAX_ATTEMPTS must be at least 1"):
        create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "OUTBOX_MAX_ATTEMPTS": 0})


def test_every_setting_read_by_the_code_is_documented() -> None:
    from booking.config import DEFAULTS

    documented = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    flask_own = {"SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
                 "REMEMBER_COOKIE_HTTPONLY", "REMEMBER_COOKIE_SAMESITE"}
    missing = [key for key in DEFAULTS if f"`{key}`" not in documented and key not in flask_own]
    assert missing == []
