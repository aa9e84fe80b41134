"""Builds the APScheduler 3.x scheduler that runs booking/jobs.py.

Run it in its own process: ``flask --app wsgi scheduler``. APScheduler is not
a lock between processes (every gunicorn worker would start its own copy), so
the jobs themselves are idempotent and the outbox claims rows; a second
scheduler by mistake costs work, never a duplicate e-mail.

Jobs are registered by text reference with explicit ids and
``replace_existing=True``. APScheduler's default ``misfire_grace_time`` of one
second would silently drop a run that starts late; the sender has no limit
and the others an hour.
"""
from __future__ import annotations

import atexit
import logging
import time as clock
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import InterfaceError, OperationalError, ProgrammingError
from werkzeug.serving import is_running_from_reloader

from booking import jobs
from booking.extensions import db
from booking.models import Center
from booking.notifications.staff import DIGEST_AT

log = logging.getLogger(__name__)

SEND_JOB_ID = "outbox-send"
ESCALATION_JOB_ID = "pending-escalation"
RETENTION_JOB_ID = "kvkk-retention"
VERIFICATION_JOB_ID = "verification-reminders"
NO_SHOW_JOB_ID = "no-show-release"
WAITLIST_JOB_ID = "waitlist-expiry"
DIGEST_JOB_PREFIX = "daily-digest:"
SEND_EVERY_MINUTES = 1
ESCALATE_EVERY_MINUTES = 15
RELEASE_EVERY_MINUTES = 1
WAITLIST_EVERY_MINUTES = 1
DIGEST_HOUR, DIGEST_MINUTE = DIGEST_AT.hour, DIGEST_AT.minute
DIGEST_CATCH_UP_UNTIL = time(12, 0)
LATE_RUN_GRACE_SECONDS = 3600
# Stated on every job, not only as scheduler defaults, so each job says what it does.
JOB_OPTIONS = {
    "coalesce": True,
    "max_instances": 1,
    "misfire_grace_time": LATE_RUN_GRACE_SECONDS,
    "replace_existing": True,
}
EMBEDDED_KEY = "booking_scheduler"
# A scheduler started while the database is down waits this long between tries.
DATABASE_RETRY_SECONDS = 5


def digest_job_id(zone: str) -> str:
    return f"{DIGEST_JOB_PREFIX}{zone}"


def digest_zones(app: Flask) -> list[str]:
    """The time zones of the active centers (the default zone when there are none)."""
    with app.app_context():
        try:
            zones = set(db.session.scalars(
                select(Center.timezone).where(Center.is_active.is_(True)).distinct()
            ).all())
        finally:
            db.session.remove()
    return sorted(zones) or [str(app.config["DEFAULT_TIMEZONE"])]


def digest_catch_up(zone: str, now: datetime) -> datetime | None:
    """``now`` when a scheduler starting now has missed today's digest in ``zone``.

    Between 07:30 and noon local time the digest job runs at once; its unique
    keys make that harmless when today's digest was already built.
    """
    local = now.astimezone(ZoneInfo(zone)).time()
    if time(DIGEST_HOUR, DIGEST_MINUTE) <= local < DIGEST_CATCH_UP_UNTIL:
        return now
    return None


def _add_fairness_and_escalation(scheduler: BaseScheduler) -> None:
    """The interval jobs besides the sender: the escalation, the no-show
    release (at most a minute late, SPEC §8, also right after a restart) and
    the waitlist's expiry."""
    scheduler.add_job(
        "booking.jobs:escalate_pending",
        IntervalTrigger(minutes=ESCALATE_EVERY_MINUTES, timezone=UTC),
        id=ESCALATION_JOB_ID,
        name="Escalate pending requests starting within 48 hours",
        **JOB_OPTIONS,
    )
    scheduler.add_job(
        "booking.jobs:release_no_shows",
        IntervalTrigger(minutes=RELEASE_EVERY_MINUTES, timezone=UTC),
        id=NO_SHOW_JOB_ID,
        name="Release bookings not checked in when their window closed",
        **JOB_OPTIONS,
        next_run_time=datetime.now(UTC),
    )
    scheduler.add_job(
        "booking.jobs:expire_waitlist_offers",
        IntervalTrigger(minutes=WAITLIST_EVERY_MINUTES, timezone=UTC),
        id=WAITLIST_JOB_ID,
        name="Expire unanswered waitlist offers and offer their time to the next entry",
        **JOB_OPTIONS,
    )


def build_scheduler(
    app: Flask, *, background: bool = False, zones: list[str] | None = None
) -> BaseScheduler:
    """A scheduler with the sender, the escalation, the no-show release, the
    waitlist's expiry, the KVKK retention run, the daily verification
    reminders (06:45) and one
    07:30 digest per center zone.

    A center added later in a new time zone needs a restart of the scheduler.
    ``zones`` defaults to ``digest_zones(app)``.
    """
    jobs.bind_app(app)
    scheduler_class = BackgroundScheduler if background else BlockingScheduler
    scheduler = scheduler_class(timezone=UTC)
    scheduler.add_job(
        "booking.jobs:send_outbox",
        IntervalTrigger(minutes=SEND_EVERY_MINUTES, timezone=UTC),
        id=SEND_JOB_ID,
        name="Send due outbox messages",
        **{**JOB_OPTIONS, "misfire_grace_time": None},
        # Catch up at once after downtime instead of waiting a minute.
        next_run_time=datetime.now(UTC),
    )
    _add_fairness_and_escalation(scheduler)
    scheduler.add_job(
        "booking.jobs:retention_job",
        CronTrigger(month=f"*/{int(app.config['RETENTION_EVERY_MONTHS'])}", day=1, hour=3,
                    minute=15, timezone=str(app.config["DEFAULT_TIMEZONE"])),
        id=RETENTION_JOB_ID,
        name="KVKK destruction run (retention)",
        **JOB_OPTIONS,
    )
    scheduler.add_job(
        "booking.jobs:verification_reminders",
        CronTrigger(hour=6, minute=45, timezone=str(app.config["DEFAULT_TIMEZONE"])),
        id=VERIFICATION_JOB_ID,
        name="Remind organisations whose verification runs out within 30 days",
        **JOB_OPTIONS,
    )
    now = datetime.now(UTC)
    for zone in digest_zones(app) if zones is None else zones:
        catch_up = digest_catch_up(zone, now)
        scheduler.add_job(
            "booking.jobs:daily_digest",
            CronTrigger(hour=DIGEST_HOUR, minute=DIGEST_MINUTE, timezone=zone),
            kwargs={"timezone": zone},
            id=digest_job_id(zone),
            name=f"Daily staff digest at 07:30 {zone}",
            **JOB_OPTIONS,
            **({"next_run_time": catch_up} if catch_up else {}),
        )
    return scheduler


def build_when_database_answers(
    app: Flask, *, retry_seconds: float = DATABASE_RETRY_SECONDS
) -> BaseScheduler:
    """``build_scheduler`` (it reads the centers' zones), waiting for the database.

    At boot the scheduler may start before PostgreSQL accepts connections. It
    waits with one log line per try instead of dying with a traceback (and
    systemd giving up on it after a few fast restarts).
    """
    while True:
        try:
            zones = digest_zones(app)  # the only database read of the set-up
        except (OperationalError, InterfaceError, ProgrammingError) as exc:
            if isinstance(exc, ProgrammingError) or "no such table" in str(exc):
                # Reachable, but never migrated: waiting would not help.
                raise click.ClickException(
                    "the database has no tables yet: run `flask --app wsgi init-db` first "
                    f"({jobs.first_line(exc)})") from exc
            log.error("database unreachable, the scheduler waits and tries again in %s s: %s",
                      retry_seconds, jobs.first_line(exc))
            clock.sleep(retry_seconds)
            continue
        return build_scheduler(app, zones=zones)


def should_start_embedded(app: Flask) -> bool:
    """True only inside the process of ``flask run`` that serves requests.

    Not under gunicorn or any other command (no ``run`` click context), and
    not in the reloader's watcher process, which would be a second copy.
    """
    if not app.config.get("SCHEDULER_EMBEDDED"):
        return False
    ctx = click.get_current_context(silent=True)
    if ctx is None or ctx.info_name != "run":
        return False
    reload = ctx.params.get("reload")
    if reload is None:
        reload = app.debug
    if reload and not is_running_from_reloader():
        return False
    return EMBEDDED_KEY not in app.extensions


def start_embedded(app: Flask) -> BaseScheduler | None:
    """Start a background scheduler in the development server when configured."""
    if not should_start_embedded(app):
        return None
    scheduler = build_scheduler(app, background=True)
    scheduler.start()
    app.extensions[EMBEDDED_KEY] = scheduler
    atexit.register(_shutdown, scheduler)
    log.info("embedded scheduler started with jobs %s", [j.id for j in scheduler.get_jobs()])
    return scheduler


def _shutdown(scheduler: BaseScheduler) -> None:
    if scheduler.running:
        scheduler.shutdown(wait=False)
