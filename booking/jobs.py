"""The job functions APScheduler calls (see booking/scheduler.py).

Each job is a thin wrapper: it opens an application context, calls one
notification service with ``now`` and commits. Every job is idempotent (the
outbox's unique keys and claims), so a run repeated by a second scheduler or
after a crash does no harm. Tests call them with an explicit ``now``.
"""
from __future__ import annotations

import logging
from datetime import datetime

from flask import Flask

from booking.extensions import db
from booking.models import utcnow

log = logging.getLogger(__name__)
_bound: dict[str, Flask] = {}


def bind_app(app: Flask) -> None:
    """Use ``app`` for the jobs of this process (the scheduler builder calls it)."""
    _bound["app"] = app


def _app() -> Flask:
    if "app" not in _bound:
        from booking import create_app

        _bound["app"] = create_app()
    return _bound["app"]


def send_outbox(now: datetime | None = None) -> str:
    """Send every outbox message that is due."""
    from booking.notifications.sender import deliver_due

    with _app().app_context():
        try:
            report = deliver_due(now or utcnow())
        finally:
            db.session.remove()
    if report.sent or report.retrying or report.failed or report.skipped:
        log.info("outbox: %s", report)
    return str(report)


def daily_digest(timezone: str | None = None, now: datetime | None = None) -> int:
    """Enqueue today's staff digests for the centers in ``timezone`` (all when None)."""
    from booking.notifications.staff import build_daily_digests

    with _app().app_context():
        try:
            count = len(build_daily_digests(db.session, now or utcnow(), timezone=timezone))
            db.session.commit()
        finally:
            db.session.remove()
    log.info("daily digest (%s): %d messages", timezone or "all zones", count)
    return count


def escalate_pending(now: datetime | None = None) -> int:
    """Enqueue staff alerts for pending requests starting within 48 hours."""
    from booking.notifications.staff import build_escalations

    with _app().app_context():
        try:
            count = len(build_escalations(db.session, now or utcnow()))
            db.session.commit()
        finally:
            db.session.remove()
    return count
