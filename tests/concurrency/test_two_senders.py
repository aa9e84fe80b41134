"""Two sender processes against one database deliver each due message exactly once."""
from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.models import OutboxMessage, OutboxStatus
from booking.notifications import events
from tests.support.mailbox import Mailbox
from tests.support.notification_scene import NOW, START, build_scene
from tests.support.processes import ROOT, sender_env

BOOKINGS = 60  # each one: "request received" to the member, "new request" to staff


@pytest.mark.slow  # two child processes; on a fixed NOW
def test_two_sender_processes_deliver_each_message_exactly_once(
    session: Session, mailbox: Mailbox, smtp_port: int, database_url: str
) -> None:
    scene = build_scene(session)
    for i in range(BOOKINGS):
        booking = scene.book(session, scene.member_tr, start=START + timedelta(hours=i),
                             title=f"Toplantı {i}")
        events.on_booking_created(session, [booking], NOW)
    session.commit()
    expected = BOOKINGS * 2

    command = [sys.executable, "-m", "flask", "--app", "wsgi", "notifications", "send-due",
               "--now", NOW.isoformat(), "--batch", "3"]
    env = sender_env(database_url, smtp_port)
    senders = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [sender.communicate(timeout=240) for sender in senders]
    for sender, (_, err) in zip(senders, outputs, strict=True):
        assert sender.returncode == 0, err
    sent_by = [int(re.search(r"sent (\d+)", out).group(1)) for out, _ in outputs]

    ids = Counter(m["Message-ID"] for m in mailbox.messages)
    assert len(mailbox) == expected
    assert len(ids) == expected and set(ids.values()) == {1}
    assert sum(sent_by) == expected
    statuses = dict(session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all())
    session.commit()
    assert statuses == {OutboxStatus.SENT: expected}
    print(f"messages sent by each process: {sent_by}")
