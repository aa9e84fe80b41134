"""Configuration order of SPEC §7: defaults < instance/config.py < BOOKING_* < test config."""
from __future__ import annotations

from pathlib import Path

import pytest

from booking import create_app
from booking.config import environment_overrides, reminder_offsets


def _app_with_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config_text: str):
    (tmp_path / "config.py").write_text(config_text)
    import flask

    original = flask.Flask.__init__

    def init(self, *args, **kwargs):
        kwargs["instance_path"] = str(tmp_path)
        original(self, *args, **kwargs)

    monkeypatch.setattr(flask.Flask, "__init__", init)
    return create_app


def test_environment_beats_instance_config_and_defaults(tmp_path, monkeypatch):
    factory = _app_with_instance(
        tmp_path, monkeypatch, 'BASE_URL = "https://instance.example"\nSMTP_PORT = 2525\n'
    )
    monkeypatch.setenv("BOOKING_SMTP_PORT", "1025")
    monkeypatch.setenv("BOOKING_SMTP_STARTTLS", "true")
    app = factory()
    assert app.config["BASE_URL"] == "https://instance.example"
    assert app.config["SMTP_PORT"] == 1025
    assert app.config["SMTP_STARTTLS"] is True
    assert app.config["DEFAULT_TIMEZONE"] == "Europe/Istanbul"


def test_test_config_beats_environment(tmp_path, monkeypatch):
    factory = _app_with_instance(tmp_path, monkeypatch, "")
    monkeypatch.setenv("BOOKING_BASE_URL", "https://env.example")
    app = factory({"BASE_URL": "https://test.example"})
    assert app.config["BASE_URL"] == "https://test.example"


def test_default_database_is_a_sqlite_file_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("BOOKING_DATABASE_URL", raising=False)
    factory = _app_with_instance(tmp_path, monkeypatch, "")
    app = factory()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/booking.sqlite3"


def test_postgres_url_switches_engine_without_code_change(tmp_path, monkeypatch):
    factory = _app_with_instance(tmp_path, monkeypatch, "")
    monkeypatch.setenv("BOOKING_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/x")
    app = factory()
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_bad_boolean_in_environment_is_a_clear_error():
    with pytest.raises(ValueError, match="BOOKING_SMTP_STARTTLS must be a boolean"):
        environment_overrides({"BOOKING_SMTP_STARTTLS": "maybe"})


def test_bad_integer_in_environment_is_a_clear_error():
    with pytest.raises(ValueError, match="BOOKING_SMTP_PORT must be an integer"):
        environment_overrides({"BOOKING_SMTP_PORT": "twenty-five"})


def test_reminder_offsets_parse_largest_first_and_refuse_nonsense():
    assert reminder_offsets("120, 1440") == [1440, 120]
    with pytest.raises(ValueError):
        reminder_offsets("-5")


def test_api_limits_from_the_environment_are_numbers_and_apply(tmp_path, monkeypatch):
    factory = _app_with_instance(tmp_path, monkeypatch, "")
    monkeypatch.setenv("BOOKING_API_MAX_BODY_BYTES", "200")
    monkeypatch.setenv("BOOKING_API_AUTH_RATE_LIMIT", "3 per hour")
    app = factory({"DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"})
    assert app.config["API_MAX_BODY_BYTES"] == 200
    assert app.config["API_AUTH_RATE_LIMIT"] == "3 per hour"
    response = app.test_client().post("/api/v1/bookings", json={"title": "x" * 500})
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
