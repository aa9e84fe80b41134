"""Configuration order of SPEC §7: defaults < instance/config.py < BOOKING_* < test config."""
from __future__ import annotations

import logging
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from booking import create_app
from booking.config import (
    DEVELOPMENT_SECRET_KEY,
    ConfigurationError,
    environment_overrides,
    reminder_offsets,
)
from tests.support.paths import ROOT


def _app_with_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config_text: str):
    """create_app with its instance folder in tmp_path, outside tests and debug:
    the key is a real one unless the instance config or the test changes it."""
    (tmp_path / "config.py").write_text(config_text)
    monkeypatch.setenv("BOOKING_SECRET_KEY", "k" * 64)
    monkeypatch.delenv("BOOKING_SECRET_KEY_FILE", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
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


# --- SECRET_KEY (SPEC §13) ------------------------------------------------------


def _refusal(factory, *args) -> str:
    with pytest.raises(ConfigurationError) as raised:
        factory(*args)
    message = str(raised.value)
    assert "\n" not in message
    assert "BOOKING_SECRET_KEY" in message
    assert 'python3 -c "import secrets; print(secrets.token_hex(32))"' in message
    return message


@pytest.mark.parametrize("published", [None, DEVELOPMENT_SECRET_KEY, ""])
def test_the_published_development_key_refuses_to_start(tmp_path, monkeypatch, published):
    factory = _app_with_instance(tmp_path, monkeypatch, "")
    if published is None:
        monkeypatch.delenv("BOOKING_SECRET_KEY")  # nothing set: the package default
    else:
        monkeypatch.setenv("BOOKING_SECRET_KEY", published)
    assert "published development key" in _refusal(factory)


def test_the_development_key_in_instance_config_refuses_too(tmp_path, monkeypatch):
    factory = _app_with_instance(tmp_path, monkeypatch, f"SECRET_KEY = {DEVELOPMENT_SECRET_KEY!r}\n")
    monkeypatch.delenv("BOOKING_SECRET_KEY")
    _refusal(factory)


def test_debug_and_tests_may_use_the_development_key(tmp_path, monkeypatch, caplog):
    factory = _app_with_instance(tmp_path, monkeypatch, "")
    monkeypatch.delenv("BOOKING_SECRET_KEY")
    assert factory({"TESTING": True}).config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY
    with caplog.at_level(logging.WARNING):
        app = factory({"DEBUG": True})
    assert app.config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY
    assert any("published development key: debug only" in r.getMessage() for r in caplog.records)
    monkeypatch.setenv("FLASK_DEBUG", "1")  # what `flask --debug run` sets
    assert factory().debug is True


def test_a_real_key_starts_without_a_word(tmp_path, monkeypatch, caplog):
    factory = _app_with_instance(tmp_path, monkeypatch, "")
    with caplog.at_level(logging.WARNING):
        app = factory()
    assert app.config["SECRET_KEY"] == "k" * 64
    assert not [r for r in caplog.records if "SECRET_KEY" in r.getMessage()]


def test_the_key_can_come_from_a_file_and_a_set_key_wins(tmp_path, monkeypatch):
    factory = _app_with_instance(tmp_path, monkeypatch, "")
    key_file = tmp_path / "secret-key"
    key_file.write_text("f" * 64 + "\n")
    monkeypatch.setenv("BOOKING_SECRET_KEY_FILE", str(key_file))
    assert factory().config["SECRET_KEY"] == "k" * 64  # BOOKING_SECRET_KEY is set
    monkeypatch.delenv("BOOKING_SECRET_KEY")
    assert factory().config["SECRET_KEY"] == "f" * 64
    key_file.write_text("\n")
    _refusal(factory)
    monkeypatch.setenv("BOOKING_SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigurationError, match=r"^SECRET_KEY_FILE .*missing cannot be read: "):
        factory()


def _make(tmp_path: Path, *targets: str) -> subprocess.CompletedProcess:
    """The Makefile's own rule, run in tmp_path (so it never touches instance/ here)."""
    return subprocess.run(
        ["make", "-s", "-C", str(tmp_path), "-f", str(ROOT / "Makefile"),
         f"BIN={Path(sys.executable).parent}", *targets],
        capture_output=True, text=True, check=True)


def test_make_run_makes_and_keeps_a_development_key_in_instance(tmp_path, monkeypatch):
    first = _make(tmp_path, "instance/dev-secret-key")
    key_file = tmp_path / "instance" / "dev-secret-key"
    key = key_file.read_text()
    assert re.fullmatch(r"[0-9a-f]{64}\n", key), key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "made a development SECRET_KEY in instance/dev-secret-key" in first.stdout
    _make(tmp_path, "instance/dev-secret-key")
    assert key_file.read_text() == key  # kept: sessions survive a restart
    # The command `make run` (and `make db`, `make demo`) runs hands the app that file.
    flask = _make(tmp_path, "--eval", "show-flask: ; @echo '$(FLASK)'", "show-flask").stdout
    assert flask.startswith(f"BOOKING_SECRET_KEY_FILE=\"${{BOOKING_SECRET_KEY_FILE:-{tmp_path}"
                            "/instance/dev-secret-key}\" "), flask
    factory = _app_with_instance(tmp_path, monkeypatch, "")
    monkeypatch.delenv("BOOKING_SECRET_KEY")
    monkeypatch.setenv("BOOKING_SECRET_KEY_FILE", str(key_file))
    assert factory().config["SECRET_KEY"] == key.strip()


def test_the_flask_command_refuses_the_development_key_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("BOOKING_SECRET_KEY", "BOOKING_SECRET_KEY_FILE", "FLASK_DEBUG")}
    env["BOOKING_DATABASE_URL"] = f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "routes"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 4
    assert result.stdout == ""
    assert result.stderr.startswith("error: SECRET_KEY is the published development key")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    env["BOOKING_SECRET_KEY"] = "k" * 64
    started = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "routes"], cwd=ROOT,
                             env=env, capture_output=True, text=True, timeout=60)
    assert started.returncode == 0 and "feeds.room_calendar" in started.stdout
