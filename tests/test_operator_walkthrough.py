"""What a first deployment by the book found: settings that were read but not
checked, a sender whose later batches were claimed with an expired lease, and
a scheduler that died with a traceback (or logged one every minute) while the
database could not be reached. Real SMTP servers throughout; the mailer is
never mocked."""
from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from booking import create_app, jobs
from booking.config import environment_overrides
from booking.extensions import db
from booking.models import OutboxMessage, OutboxStatus, utcnow
from booking.notifications import events, kinds
from booking.notifications.mailer import SmtpMailer, SmtpSettings
from booking.notifications.sender import deliver_due, send_due
from tests.mailbox import Mailbox, free_port
from tests.notification_scene import NOW, build_scene
from tests.test_notifications_delivery import ROOT, rows


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
    """Takes a while to accept each message, and notes how long the sender's
    claim on it still runs at that moment (read from the database)."""

    def __init__(self, database_url: str, delay: float) -> None:
        super().__init__()
        self.engine = create_engine(database_url)
        self.delay = delay
        self.claim_left: list[float] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        await asyncio.sleep(self.delay)
        answer = await super().handle_DATA(server, session, envelope)
        outbox_id = int(self.messages[-1]["Message-ID"].split(".")[0].removeprefix("<outbox-"))
        with Session(self.engine) as db_session:
            row = db_session.get(OutboxMessage, outbox_id)
            assert row is not None and row.claimed_until is not None
            left = (row.claimed_until - datetime.now(UTC)).total_seconds()
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
    mailbox = SlowMailbox(database_url, delay=1.2)
    from aiosmtpd.controller import Controller

    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = SmtpSettings.from_config({**app.config, "SMTP_PORT": port})
        with SmtpMailer(settings) as mailer:
            report = send_due(session, utcnow(), mailer, sender=settings.mail_from,
                              domain=settings.domain, batch=1, lease=timedelta(seconds=2))
    finally:
        controller.stop()
        mailbox.engine.dispose()
    assert len(report.sent) == 3 and len(mailbox) == 3
    # Each message was still covered by its claim when the server took it: a
    # second sender could not have claimed (and sent) it meanwhile.
    assert all(left > 0 for left in mailbox.claim_left), mailbox.claim_left
