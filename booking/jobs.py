"""The job functions APScheduler calls (see booking/scheduler.py).

Each job is a thin wrapper: it opens an application context, calls one
notification service with ``now`` and commits. Every job is idempotent (the
outbox's unique keys and claims), so a run repeated by a second scheduler or
after a crash does no harm. Tests call them with an explicit ``now``.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from flask import Flask
from sqlalchemy.exc import InterfaceError, OperationalError

from booking.database import run_in_transaction
from booking.extensions import db
from booking.models import utcnow

log = logging.getLogger(__name__)
_bound: dict[str, Flask] = {}
# Job name -> when its database errors began (cleared by the next good run).
_failing_since: dict[str, datetime] = {}
T = TypeVar("T")


def bind_app(app: Flask) -> None:
    """Use ``app`` for the jobs of this process (the scheduler builder calls it)."""
    _bound["app"] = app


def _app() -> Flask:
    if "app" not in _bound:
        from booking import create_app

        _bound["app"] = create_app()
    return _bound["app"]


def first_line(exc: BaseException) -> str:
    """The exception's class and first message line (no traceback, no SQL)."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".strip()


def _guarded(job: str, work: Callable[[], T], fallback: T) -> T:
    """Run ``work``; a database that cannot be reached is one log line, not a traceback.

    The scheduler runs the job again at its next time, so nothing is lost; the
    line says so and since when the database fails. Other errors (bugs) keep
    their traceback (APScheduler logs them).
    """
    try:
        result = work()
    except (OperationalError, InterfaceError) as exc:
        since = _failing_since.setdefault(job, utcnow())
        log.error("%s: database error since %s UTC, will try again at the next run: %s",
                  job, f"{since:%Y-%m-%d %H:%M:%S}", first_line(exc))
        return fallback
    if _failing_since.pop(job, None) is not None:
        log.warning("%s: database reachable again", job)
    return result


def send_outbox(now: datetime | None = None) -> str:
    """Send every outbox message that is due."""
    from booking.notifications.sender import SendReport, deliver_due

    def work() -> SendReport:
        with _app().app_context():
            try:
                return deliver_due(now or utcnow())
            finally:
                db.session.remove()

    report = _guarded("outbox", work, None)
    if report is None:
        return "database error"
    if report.sent or report.retrying or report.failed or report.skipped:
        log.info("outbox: %s", report)
    return str(report)


def build_digest(timezone: str | None = None, now: datetime | None = None) -> int:
    """Enqueue today's staff digests for the centers in ``timezone`` (all when None).

    Raises on database errors (the ``notifications digest`` command reports them).
    """
    from booking.notifications.staff import build_daily_digests

    with _app().app_context():
        try:
            count = len(run_in_transaction(db.session(), lambda: build_daily_digests(
                db.session(), now or utcnow(), timezone=timezone)))
        finally:
            db.session.remove()
    log.info("daily digest (%s): %d messages", timezone or "all zones", count)
    return count


def daily_digest(timezone: str | None = None, now: datetime | None = None) -> int:
    """The scheduler's digest job: ``build_digest``, a database error logged in one line."""
    return _guarded(f"daily digest ({timezone or 'all zones'})",
                    lambda: build_digest(timezone, now), 0)


def build_escalation(now: datetime | None = None) -> int:
    """Enqueue staff alerts for pending requests starting within 48 hours.

    Raises on database errors (the ``notifications escalate`` command reports them).
    """
    from booking.notifications.staff import build_escalations

    with _app().app_context():
        try:
            count = len(run_in_transaction(db.session(), lambda: build_escalations(
                db.session(), now or utcnow())))
        finally:
            db.session.remove()
    return count


def escalate_pending(now: datetime | None = None) -> int:
    """The scheduler's escalation job: ``build_escalation``, a database error in one line."""
    return _guarded("escalation", lambda: build_escalation(now), 0)


def run_retention(now: datetime | None = None) -> str:
    """The KVKK destruction run (services/retention.py) at ``now``; returns its
    report line. Raises on database errors (the ``kvkk retention`` command
    reports them)."""
    from booking.services import retention

    with _app().app_context() as context:
        config = context.app.config
        try:
            report = run_in_transaction(db.session(), lambda: retention.run(
                db.session(), now or utcnow(), int(config["RETENTION_INACTIVE_DAYS"]),
                int(config["RETENTION_BOOKING_DAYS"])))
        finally:
            db.session.remove()
    log.info("retention: %s", report.line())
    return report.line()


def retention_job(now: datetime | None = None) -> str:
    """The scheduler's retention job: ``run_retention``, a database error in one line."""
    return _guarded("retention", lambda: run_retention(now), "database error")


def build_release(now: datetime | None = None) -> int:
    """Turn the bookings whose check-in window closed unchecked into no-shows.

    Raises on database errors (the ``fairness release-no-shows`` command reports them).
    Idempotent: the service locks the rooms and reads each booking again, so a
    second scheduler process or the cron command finds nothing left to do.
    """
    from booking.services.checkin import release_no_shows

    with _app().app_context():
        try:
            count = len(run_in_transaction(db.session(), lambda: release_no_shows(
                db.session(), now or utcnow())))
        finally:
            db.session.remove()
    if count:
        log.info("no-show release: %d bookings released", count)
    return count


def release_no_shows(now: datetime | None = None) -> int:
    """The scheduler's no-show job: ``build_release``, a database error in one line."""
    return _guarded("no-show release", lambda: build_release(now), 0)


def run_waitlist_expiry(now: datetime | None = None) -> str:
    """Expire offers past their deadline (their time goes to the next entry)
    and drop waiting entries whose start has passed; one transaction.

    Raises on database errors (the ``waitlist expire-offers`` command reports them).
    """
    from booking.services.waitlist import expire_offers

    with _app().app_context():
        try:
            report = run_in_transaction(db.session(), lambda: expire_offers(
                db.session(), now or utcnow()))
        finally:
            db.session.remove()
    if report.expired or report.offered or report.dropped:
        log.info("waitlist: %s", report)
    return str(report)


def expire_waitlist_offers(now: datetime | None = None) -> str:
    """The scheduler's waitlist job: ``run_waitlist_expiry``, a database error in one line."""
    return _guarded("waitlist", lambda: run_waitlist_expiry(now), "database error")


def run_verification_reminders(now: datetime | None = None) -> int:
    """E-mail the representatives of organisations whose verification runs out
    within 30 days (services/verification_records.py), once per verification;
    returns how many were reminded. Raises on database errors (the
    ``registry remind`` command reports them)."""
    from booking.services import verification_records

    with _app().app_context():
        try:
            count = run_in_transaction(db.session(), lambda: verification_records.send_reminders(
                db.session(), now or utcnow()))
        finally:
            db.session.remove()
    if count:
        log.info("verification reminders: %d organisations reminded", count)
    return count


def verification_reminders(now: datetime | None = None) -> int:
    """The scheduler's daily reminder job: a database error in one line."""
    return _guarded("verification reminders", lambda: run_verification_reminders(now), 0)
