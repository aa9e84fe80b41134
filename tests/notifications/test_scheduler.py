"""The APScheduler set-up, the job functions (called with an explicit `now`),
the commands, and when the embedded scheduler may start."""
from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import click
import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy.orm import Session

from booking import jobs, scheduler
from booking.models import BookingStatus, OutboxStatus, Role, utcnow
from booking.notifications import events, kinds
from tests.support.factories import make_center, make_user
from tests.support.mailbox import Mailbox, eventually
from tests.support.notification_scene import NOW, START, build_scene
from tests.support.processes import ROOT, rows, sender_env


@pytest.fixture
def app_config(smtp_port: int) -> dict[str, object]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port}


@pytest.fixture
def bound(app: Flask) -> Iterator[Flask]:
    jobs.bind_app(app)
    yield app
    jobs._bound.clear()


def test_the_scheduler_has_the_sender_the_escalation_and_a_digest_per_center_zone(
    app: Flask, session: Session
) -> None:
    make_center(session, timezone="Europe/Istanbul")
    make_center(session, timezone="Europe/Berlin")
    make_center(session, timezone="Europe/Berlin")
    session.commit()

    built = scheduler.build_scheduler(app)
    by_id = {job.id: job for job in built.get_jobs()}

    assert set(by_id) == {
        "outbox-send", "pending-escalation", "kvkk-retention", "no-show-release",
        "waitlist-expiry", "verification-reminders",
        "daily-digest:Europe/Berlin", "daily-digest:Europe/Istanbul",
    }
    release = by_id["no-show-release"]
    assert release.func_ref == "booking.jobs:release_no_shows"
    assert release.trigger.interval == timedelta(minutes=1)
    assert (release.coalesce, release.max_instances, release.misfire_grace_time) == (True, 1, 3600)
    sender = by_id["outbox-send"]
    assert sender.func_ref == "booking.jobs:send_outbox"
    assert isinstance(sender.trigger, IntervalTrigger)
    assert sender.trigger.interval == timedelta(minutes=1)
    assert (sender.coalesce, sender.max_instances, sender.misfire_grace_time) == (True, 1, None)
    escalation = by_id["pending-escalation"]
    assert escalation.func_ref == "booking.jobs:escalate_pending"
    assert escalation.trigger.interval == timedelta(minutes=15)
    assert (escalation.coalesce, escalation.misfire_grace_time) == (True, 3600)
    waitlist = by_id["waitlist-expiry"]
    assert waitlist.func_ref == "booking.jobs:expire_waitlist_offers"
    assert waitlist.trigger.interval == timedelta(minutes=1)
    assert (waitlist.coalesce, waitlist.max_instances, waitlist.misfire_grace_time) == (True, 1, 3600)

    for zone, expected_utc in (("Europe/Istanbul", "04:30"), ("Europe/Berlin", "06:30")):
        digest = by_id[f"daily-digest:{zone}"]
        assert digest.func_ref == "booking.jobs:daily_digest"
        assert digest.kwargs == {"timezone": zone}
        assert (digest.coalesce, digest.max_instances, digest.misfire_grace_time) == (True, 1, 3600)
        assert isinstance(digest.trigger, CronTrigger)
        # In winter 07:30 is 04:30 UTC in Istanbul (UTC+3) and 06:30 UTC in Berlin (UTC+1).
        fire = digest.trigger.get_next_fire_time(None, datetime(2030, 1, 7, 0, 0, tzinfo=UTC))
        assert fire.astimezone(UTC).strftime("%H:%M") == expected_utc
        assert fire.astimezone(digest.trigger.timezone).strftime("%H:%M") == "07:30"


@pytest.mark.parametrize(
    ("utc_time", "catches_up"),
    [("04:29", False), ("04:30", True), ("08:59", True), ("09:00", False), ("20:00", False)],
)
def test_a_scheduler_started_after_0730_builds_the_missed_digest_before_noon(
    utc_time: str, catches_up: bool
) -> None:
    hour, minute = map(int, utc_time.split(":"))
    now = datetime(2030, 3, 4, hour, minute, tzinfo=UTC)  # Istanbul is UTC+3
    assert (scheduler.digest_catch_up("Europe/Istanbul", now) == now) is catches_up


def test_without_centers_the_digest_runs_in_the_default_zone(app: Flask) -> None:
    built = scheduler.build_scheduler(app, background=True)
    assert [job.id for job in built.get_jobs() if job.id.startswith("daily-digest:")] == [
        "daily-digest:Europe/Istanbul"
    ]


def test_the_send_job_delivers_what_is_due_at_the_given_now(
    session: Session, mailbox: Mailbox, bound: Flask
) -> None:
    scene = build_scene(session)
    booking = scene.book(session, scene.member_tr, status=BookingStatus.APPROVED)
    events.on_booking_created(session, [booking], NOW)
    session.commit()
    assert jobs.send_outbox(NOW) == "sent 1, retrying 0, failed 0, skipped 0"
    assert jobs.send_outbox(START - timedelta(hours=24)).startswith("sent 1,")
    assert [m["X-Booking-Notification"] for m in mailbox.messages] == [
        kinds.APPROVED, kinds.REMINDER,
    ]


def test_the_digest_job_sends_one_digest_per_staff_member_and_day(
    session: Session, bound: Flask
) -> None:
    scene = build_scene(session)
    other_staff = make_user(session, Role.STAFF, centers=[scene.center], language="en")
    scene.book(session, scene.member_tr, status=BookingStatus.APPROVED)
    session.commit()
    morning = START.replace(hour=4, minute=30)
    assert jobs.daily_digest("Europe/Istanbul", morning) == 2
    assert jobs.daily_digest("Europe/Istanbul", morning + timedelta(minutes=1)) == 2
    assert jobs.daily_digest("Europe/Berlin", morning) == 0
    digests = rows(session, kinds.DIGEST)
    assert sorted(m.recipient for m in digests) == sorted([scene.staff.email, other_staff.email])
    assert {m.language for m in digests} == {"tr", "en"}
    jobs.daily_digest("Europe/Istanbul", morning + timedelta(days=1))
    # The next day's: yesterday's event still has no recorded attendance.
    assert len(rows(session, kinds.DIGEST)) == 4


def test_the_escalation_job_alerts_staff_once_per_pending_request_within_48_hours(
    session: Session, bound: Flask
) -> None:
    scene = build_scene(session)
    soon = scene.book(session, scene.member_tr)
    scene.book(session, scene.member_tr, start=START + timedelta(days=3))  # too far away
    scene.book(session, scene.member_tr, status=BookingStatus.APPROVED,
               start=START + timedelta(hours=4))
    session.commit()
    for minutes in (0, 15, 30):
        jobs.escalate_pending(START - timedelta(hours=47) + timedelta(minutes=minutes))
    escalations = rows(session, kinds.ESCALATION)
    assert [(m.booking_id, m.recipient) for m in escalations] == [(soon.id, scene.staff.email)]

    soon.status = BookingStatus.APPROVED
    events.on_status_changed(session, soon, BookingStatus.PENDING, START - timedelta(hours=46))
    session.commit()
    assert [m.status for m in rows(session, kinds.ESCALATION)] == [OutboxStatus.SKIPPED]


def test_send_due_command_sends_and_reports(
    session: Session, mailbox: Mailbox, app: Flask
) -> None:
    scene = build_scene(session)
    events.on_booking_created(session, [scene.book(session, scene.member_tr)], NOW)
    session.commit()
    runner = app.test_cli_runner()
    early = runner.invoke(args=["notifications", "send-due", "--now", "2030-03-01T11:59"])
    assert early.exit_code == 0, early.output
    # 11:59 in Istanbul is 08:59 UTC: not yet due.
    assert "Outbox: sent 0, retrying 0, failed 0, skipped 0." in early.output
    result = runner.invoke(args=["notifications", "send-due", "--now", NOW.isoformat()])
    assert "Outbox: sent 2, retrying 0, failed 0, skipped 0." in result.output
    assert len(mailbox) == 2
    bad = runner.invoke(args=["notifications", "send-due", "--now", "yesterday"])
    assert bad.exit_code == 2 and "not an ISO 8601 date and time" in bad.output


def test_digest_and_escalate_commands_enqueue(session: Session, app: Flask) -> None:
    scene = build_scene(session)
    scene.book(session, scene.member_tr)
    session.commit()
    runner = app.test_cli_runner()
    at = (START - timedelta(hours=20)).isoformat()
    assert "Escalation messages: 1." in runner.invoke(
        args=["notifications", "escalate", "--now", at]).output
    assert "Digest messages: 1." in runner.invoke(
        args=["notifications", "digest", "--now", at]).output
    jobs._bound.clear()


def _request_messages_sent(session: Session) -> bool:
    """The request's two messages are marked sent. The mailbox can hold a message
    a moment before its row says so, and a scheduler started after 07:30 also
    enqueues the day's digest (sent on its next minute), so neither is asked."""
    statuses = {m.kind: m.status for m in rows(session) if m.kind != kinds.DIGEST}
    return statuses == {kinds.REQUEST_RECEIVED: OutboxStatus.SENT,
                        kinds.NEW_REQUEST: OutboxStatus.SENT}


def test_the_scheduler_process_sends_at_once_and_stops_on_sigterm(
    session: Session, mailbox: Mailbox, smtp_port: int, database_url: str
) -> None:
    scene = build_scene(session)
    booking = scene.book(session, scene.member_tr, start=utcnow() + timedelta(days=5))
    events.on_booking_created(session, [booking], utcnow())
    session.commit()
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler"],
        cwd=ROOT, env=sender_env(database_url, smtp_port),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        # Two messages for the request, and the day's digest too when the
        # scheduler starts after 07:30 and sends it in the same run.
        assert eventually(lambda: len(mailbox) >= 2, timeout=60)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "job outbox-send: interval[0:01:00]" in output
    assert "job daily-digest:Europe/Istanbul: cron[" in output
    assert "Scheduler stopped." in output
    assert eventually(lambda: _request_messages_sent(session)), rows(session)


def _run_context(reload: bool | None) -> click.Context:
    context = click.Context(click.Command("run"), info_name="run")
    context.params = {"reload": reload}
    return context


@pytest.mark.parametrize(
    ("context_reload", "reloader_child", "expected"),
    [
        (None, False, True),  # `flask run` without --debug: one process
        (False, False, True),  # `flask run --no-reload`
        (True, False, False),  # the reloader's watcher process: not there
        (True, True, True),  # the reloader's serving child: there, once
    ],
)
def test_the_embedded_scheduler_starts_only_in_the_serving_dev_server_process(
    app: Flask, monkeypatch: pytest.MonkeyPatch,
    context_reload: bool | None, reloader_child: bool, expected: bool,
) -> None:
    app.config["SCHEDULER_EMBEDDED"] = True
    if reloader_child:
        monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    else:
        monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    with _run_context(context_reload):
        assert scheduler.should_start_embedded(app) is expected


def test_the_embedded_scheduler_never_starts_outside_flask_run(app: Flask) -> None:
    app.config["SCHEDULER_EMBEDDED"] = True
    assert scheduler.should_start_embedded(app) is False  # gunicorn, tests, other code
    with click.Context(click.Command("scheduler"), info_name="scheduler"):
        assert scheduler.should_start_embedded(app) is False
    app.config["SCHEDULER_EMBEDDED"] = False
    with _run_context(None):
        assert scheduler.should_start_embedded(app) is False


def test_the_embedded_scheduler_starts_once_and_runs_the_sender(
    session: Session, mailbox: Mailbox, app: Flask
) -> None:
    scene = build_scene(session)
    events.on_booking_created(session, [scene.book(session, scene.member_tr)], utcnow())
    session.commit()
    app.config["SCHEDULER_EMBEDDED"] = True
    with _run_context(False):
        started = scheduler.start_embedded(app)
        try:
            assert started is not None and started.running
            assert scheduler.start_embedded(app) is None  # a second call starts nothing
            assert eventually(lambda: len(mailbox) == 2, timeout=30)
        finally:
            started.shutdown(wait=True)
            jobs._bound.clear()
    assert eventually(lambda: _request_messages_sent(session)), rows(session)
