"""`make run` as a developer starts it: the command the Makefile runs serves with
the development mailbox and the embedded scheduler, which sends due mail there
(and nothing over SMTP)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from booking.models import BookingStatus, OutboxStatus, utcnow
from booking.notifications import events, kinds
from booking.notifications import mailbox as dev_mailbox
from tests.support.mailbox import Mailbox, eventually, free_port
from tests.support.notification_scene import build_scene
from tests.support.processes import ROOT, rows, sender_env


def run_command(tmp_path: Path, port: int) -> str:
    """The shell command of `make run`, without setting up the database first."""
    return subprocess.run(
        ["make", "-n", "-s", "-C", str(tmp_path), "-f", str(ROOT / "Makefile"),
         f"BIN={Path(sys.executable).parent}", f"PORT={port}", "-o", "demo", "run"],
        capture_output=True, text=True, check=True).stdout


def test_make_run_keeps_mail_in_the_mailbox_and_the_embedded_scheduler_sends_it(
    session: Session, database_url: str, tmp_path: Path, mailbox: Mailbox, smtp_port: int
) -> None:
    scene = build_scene(session)
    booking = scene.book(session, scene.member_tr, start=utcnow() + timedelta(days=5),
                         status=BookingStatus.APPROVED)
    events.on_status_changed(session, booking, BookingStatus.PENDING, utcnow())
    session.commit()
    command = run_command(tmp_path, free_port())
    assert 'BOOKING_MAIL_BACKEND="${BOOKING_MAIL_BACKEND:-instance}"' in command
    assert 'BOOKING_SCHEDULER_EMBEDDED="${BOOKING_SCHEDULER_EMBEDDED:-1}"' in command
    folder = tmp_path / "mail"
    # A real SMTP server listens: had anything gone there, the test would see it.
    env = sender_env(database_url, smtp_port, BOOKING_MAIL_DIR=str(folder))
    for name in ("BOOKING_SCHEDULER_EMBEDDED", "BOOKING_MAIL_BACKEND", "FLASK_DEBUG"):
        env.pop(name, None)  # the Makefile's own defaults
    process = subprocess.Popen(["sh", "-c", command], cwd=ROOT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        assert eventually(lambda: any(m.kind == kinds.APPROVED
                                      for m in dev_mailbox.list_messages(folder)), timeout=60)
        assert eventually(lambda: all(r.status == OutboxStatus.SENT
                                      for r in rows(session, kinds.APPROVED)), timeout=30)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert "MAIL_BACKEND is instance" in output, output
    assert len(mailbox) == 0, "nothing goes over SMTP under make run"
