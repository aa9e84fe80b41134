"""What a first deployment by the book found: settings that were read but not
checked, a sender whose later batches were claimed with an expired lease, and
a scheduler that died with a traceback (or logged one every minute) while the
database could not be reached. Real SMTP servers throughout; the mailer is
never mocked."""
from __future__ import annotations

import logging
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta
from email.message import Message
from pathlib import Path
from urllib.request import urlopen

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from booking import create_app, jobs
from booking.config import environment_overrides
from booking.extensions import db
from booking.models import OutboxMessage, OutboxStatus, utcnow
from booking.notifications import events, kinds
from booking.notifications.mailer import SmtpMailer, SmtpSettings
from booking.notifications.sender import deliver_due, send_due
from tests.support.databases import PG_ADMIN_URL
from tests.support.mailbox import Mailbox, eventually, free_port, smtp_server
from tests.support.notification_scene import NOW, build_scene
from tests.support.processes import ROOT, rows, sender_env


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


def _gunicorn(env: dict[str, str], port: int, workers: int = 2) -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--timeout", "30", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_gunicorn_refuses_the_development_secret_key_and_stops(tmp_path: Path) -> None:
    """One line saying what to do, and the master stops: it does not boot
    workers that die one after the other forever."""
    env = sender_env(f"sqlite:///{tmp_path / 'unused.sqlite3'}", free_port())
    del env["BOOKING_SECRET_KEY"]
    # One worker: when several fail at once gunicorn 27 itself may print a
    # traceback of its own HaltServer while stopping (it stops all the same).
    process = _gunicorn(env, free_port(), workers=1)
    try:
        output, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 4, output  # gunicorn's "App failed to load."
    assert "error: SECRET_KEY is the published development key (or empty): set " \
        "BOOKING_SECRET_KEY" in output
    assert 'python3 -c "import secrets; print(secrets.token_hex(32))"' in output
    assert "Traceback" not in output and "App failed to load." in output


def test_gunicorn_with_a_key_and_https_serves_the_security_headers(database_url: str) -> None:
    port = free_port()
    env = sender_env(database_url, free_port(), BOOKING_BASE_URL="https://rezervasyon.example")
    process = _gunicorn(env, port)
    answers: list[Message] = []

    def answered() -> bool:
        try:
            with urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as reply:
                answers.append(reply.headers)
                return True
        except OSError:
            return process.poll() is not None  # stopped: no point waiting

    try:
        assert eventually(answered, timeout=60) and answers
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    (headers,) = answers
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "; Secure;" in headers["Set-Cookie"]
    assert "Traceback" not in output


def test_every_setting_read_by_the_code_is_documented() -> None:
    from booking.config import DEFAULTS

    documented = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    flask_own = {"SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
                 "REMEMBER_COOKIE_HTTPONLY", "REMEMBER_COOKIE_SAMESITE"}
    missing = [key for key in DEFAULTS if f"`{key}`" not in documented and key not in flask_own]
    assert missing == []


# --- the sender ------------------------------------------------------------------


@pytest.mark.parametrize("app_config", [{"OUTBOX_MAX_ATTEMPTS": 2}])
def test_the_attempt_limit_setting_fails_a_message_and_the_log_says_what_happens(
    session: Session, app: Flask, smtp_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_port)  # nothing listens there
    scene = build_scene(session)
    booking = scene.book(session, scene.member_tr)
    booking.created_by = None  # only the staff message
    events.on_booking_created(session, [booking], NOW)
    session.commit()
    with caplog.at_level(logging.WARNING, logger="booking.notifications.sender"):
        assert len(deliver_due(NOW).retrying) == 1
        assert len(deliver_due(NOW + timedelta(minutes=1)).failed) == 1
    (row,) = rows(session)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 2)
    first, second = (r.getMessage() for r in caplog.records)
    assert f"({kinds.NEW_REQUEST} to {scene.staff.email}) not sent, attempt 1, next try at " \
        "2030-03-01 09:01:00 UTC: ConnectionRefusedError" in first
    assert "not sent, failed after 2 attempt(s): ConnectionRefusedError" in second


class SlowMailbox(Mailbox):
    """An SMTP server that takes ``delay`` seconds to accept each message, on the
    sender's own run clock (``elapsed``, advanced instead of slept), and notes how
    long the sender's claim on the message still runs at that moment."""

    def __init__(self, database_url: str, delay: float, run_started: datetime) -> None:
        super().__init__()
        self.engine = create_engine(database_url)
        self.delay = delay
        self.run_started = run_started
        self.elapsed = 0.0
        self.claim_left: list[float] = []

    def monotonic(self) -> float:
        """The sender's run clock: only this server's delays move it."""
        return self.elapsed

    async def handle_DATA(self, server, session, envelope) -> str:
        self.elapsed += self.delay
        answer = await super().handle_DATA(server, session, envelope)
        outbox_id = int(self.messages[-1]["Message-ID"].split(".")[0].removeprefix("<outbox-"))
        with Session(self.engine) as db_session:
            row = db_session.get(OutboxMessage, outbox_id)
            assert row is not None and row.claimed_until is not None
            accepted_at = self.run_started + timedelta(seconds=self.elapsed)
            left = (row.claimed_until - accepted_at).total_seconds()
        self.claim_left.append(left)
        return answer


def test_a_long_run_claims_each_batch_with_a_lease_still_running(
    session: Session, app: Flask, database_url: str
) -> None:
    scene = build_scene(session)
    for hours in (0, 3, 6):
        booking = scene.book(session, scene.member_en, start=utcnow() + timedelta(days=3, hours=hours))
        booking.created_by = None  # one message (the staff's) per booking
        events.on_booking_created(session, [booking], utcnow())
    session.commit()
    port = free_port()
    # Three messages of 3 s each against a 5 s lease: the run outlasts one
    # lease, each message does not. The run's clock is the server's, so the
    # margins are exact whatever the machine's load.
    now = utcnow()
    mailbox = SlowMailbox(database_url, delay=3, run_started=now)
    from aiosmtpd.controller import Controller

    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = SmtpSettings.from_config({**app.config, "SMTP_PORT": port})
        with SmtpMailer(settings) as mailer:
            report = send_due(session, now, mailer, sender=settings.mail_from,
                              domain=settings.domain, batch=1, lease=timedelta(seconds=5),
                              monotonic=mailbox.monotonic)
    finally:
        controller.stop()
        mailbox.engine.dispose()
    assert len(report.sent) == 3 and len(mailbox) == 3
    # Each message was still covered by its claim when the server took it: a
    # second sender could not have claimed (and sent) it meanwhile. (Leases
    # counted from the run's start would have left 2, -1 and -4 s.)
    assert all(left > 0 for left in mailbox.claim_left), mailbox.claim_left


def test_a_retry_goes_out_at_the_scheduler_run_its_back_off_names(
    session: Session, app: Flask, smtp_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = build_scene(session)
    booking = scene.book(session, scene.member_tr, start=utcnow() + timedelta(days=3))
    booking.created_by = None  # only the staff message
    events.on_booking_created(session, [booking], utcnow() - timedelta(minutes=5))
    session.commit()
    jobs.bind_app(app)
    # Two runs of the every-minute job: the first 30 ms after its scheduled
    # time, the next one only 10 ms after its own.
    scheduled = utcnow().replace(microsecond=500_000)
    clock = iter([scheduled + timedelta(milliseconds=30),
                  scheduled + timedelta(minutes=1, milliseconds=10)])
    monkeypatch.setattr(jobs, "utcnow", lambda: next(clock))
    try:
        assert jobs.send_outbox() == "sent 0, retrying 1, failed 0, skipped 0"  # SMTP down
        with smtp_server(smtp_port) as mailbox:
            assert jobs.send_outbox() == "sent 1, retrying 0, failed 0, skipped 0"
    finally:
        jobs._bound.clear()
    assert len(mailbox) == 1
    (row,) = rows(session)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)


# --- the database cannot be reached ----------------------------------------------------


def test_jobs_meeting_an_unreachable_database_log_one_line_then_recover(
    session: Session, app: Flask, unreachable_app: Flask, mailbox: Mailbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    scene = build_scene(session)
    events.on_booking_created(session, [scene.book(session, scene.member_tr)], utcnow())
    session.commit()
    jobs.bind_app(unreachable_app)
    with caplog.at_level(logging.INFO, logger="booking.jobs"):
        assert jobs.send_outbox() == "database error"
        assert jobs.send_outbox() == "database error"
        assert jobs.escalate_pending() == 0
        assert jobs.daily_digest("Europe/Istanbul") == 0
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 4
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in errors)
    assert errors[0].getMessage().startswith("outbox: database error since ")
    assert "will try again at the next run: OperationalError: " in errors[0].getMessage()
    assert errors[2].getMessage().startswith("escalation: database error since ")
    assert errors[3].getMessage().startswith("daily digest (Europe/Istanbul): database error")
    assert len(mailbox) == 0

    caplog.clear()
    jobs.bind_app(app)  # the database is back
    with caplog.at_level(logging.INFO, logger="booking.jobs"):
        assert jobs.send_outbox().startswith("sent 2,")
    assert [r.getMessage() for r in caplog.records] == [
        "outbox: database reachable again", "outbox: sent 2, retrying 0, failed 0, skipped 0"]
    assert len(mailbox) == 2


@pytest.mark.parametrize("command", [
    ["notifications", "send-due"], ["notifications", "escalate"], ["notifications", "digest"],
])
def test_commands_meeting_an_unreachable_database_fail_with_one_line(
    unreachable_app: Flask, command: list[str]
) -> None:
    result = unreachable_app.test_cli_runner().invoke(args=command)
    assert result.exit_code == 1
    assert result.output.startswith("error: database unreachable or failing: OperationalError")
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


@pytest.mark.sqlite  # the database appears by copying a SQLite file into place
def test_the_scheduler_process_waits_for_the_database_then_sends(
    session: Session, mailbox: Mailbox, smtp_port: int, database_url: str, tmp_path: Path
) -> None:
    scene = build_scene(session)
    events.on_booking_created(session, [scene.book(session, scene.member_tr,
                                                   start=utcnow() + timedelta(days=5))], utcnow())
    session.commit()
    session.close()
    db.engine.dispose()  # the last connection checkpoints the WAL into the file
    ready = tmp_path / "ready"
    ready.mkdir()
    shutil.copyfile(database_url.removeprefix("sqlite:///"), ready / "booking.sqlite3")
    missing = tmp_path / "later" / "booking.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler"],
        cwd=ROOT, env=sender_env(f"sqlite:///{missing}", smtp_port),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or []), daemon=True)
    reader.start()
    try:
        assert eventually(lambda: any("database unreachable" in line for line in lines),
                          timeout=60), lines
        ready.rename(missing.parent)  # the database appears at once, whole
        # The request's two messages; a scheduler started after 07:30 also sends
        # the day's digest, in the same run or the next, as its jobs happen to start.
        assert eventually(lambda: len([m for m in mailbox.messages if m["X-Booking-Notification"]
                                       != kinds.DIGEST]) == 2, timeout=60), "".join(lines)
        time.sleep(0.5)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        reader.join(timeout=10)
    output = "".join(lines)
    digests = sum(m["X-Booking-Notification"] == kinds.DIGEST for m in mailbox.messages)
    assert process.returncode == 0, output
    assert "the scheduler waits and tries again in 5 s: OperationalError" in output
    assert "job outbox-send: interval[0:01:00]" in output
    # The jobs are set up once, when the database answers, not on every try:
    # the sender, the escalation, the KVKK retention run, the no-show release, the
    # waitlist's expiry, the verification reminders and one digest zone.
    assert output.count("Adding job tentatively") == 7
    assert f"booking.jobs: outbox: sent {2 + digests}, retrying 0, failed 0, skipped 0" in output
    assert "Traceback" not in output
    # APScheduler's two lines per run of every job are not repeated in the log.
    assert "executed successfully" not in output and "Running job" not in output
    assert "Scheduler stopped." in output


def test_a_scheduler_started_before_init_db_says_to_run_it(
    database_url: str, tmp_path: Path, smtp_port: int
) -> None:
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        cleanup = None
    else:
        name = f"booking_t_empty_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

        def cleanup() -> None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    application = create_app({"TESTING": True, "DATABASE_URL": url, "SMTP_PORT": smtp_port})
    try:
        result = application.test_cli_runner().invoke(args=["scheduler"])
    finally:
        with application.app_context():
            db.engine.dispose()
        jobs._bound.clear()
        if cleanup is not None:
            cleanup()
    assert result.exit_code == 1
    assert "Error: the database has no tables yet: run `flask --app wsgi init-db` first (" \
        in result.output
    assert "Traceback" not in result.output


def test_a_second_run_of_init_db_changes_nothing(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])
    assert first.exit_code == second.exit_code == 0
    assert first.output == second.output
    assert "Database at revision " in second.output



def test_pages_answer_503_with_a_page_in_turkish_while_the_database_is_unreachable(
    unreachable_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client = unreachable_app.test_client()
    with caplog.at_level(logging.ERROR):
        page = client.get("/")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "30"
    html = page.get_data(as_text=True)
    assert "Veritabanına şu an ulaşılamıyor" in html and 'lang="tr"' in html
    assert "Traceback" not in caplog.text
    assert [r.getMessage().split(":")[0] for r in caplog.records
            if r.name == "booking.web.errors"] == ["database unavailable"]
    api = client.get("/api/v1/centers")
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
