"""Prometheus metrics at ``GET /metrics`` (docs/deployment.md, "Metrics").

Off unless ``METRICS_TOKEN`` is set: the address then answers 404 like any
missing page. With a token, a scrape must send ``Authorization: Bearer
<token>`` (compared in constant time); anything else answers 401.

Two kinds of figures:

- Counters of this service's answers (by area of the site and status code)
  and of rate-limit refusals (by reason). A gunicorn worker only sees its own
  requests, so when the ``PROMETHEUS_MULTIPROC_DIR`` environment variable
  names a directory, prometheus_client's multiprocess mode keeps every
  process's counters in a file there and each scrape adds up all the files:
  whichever worker answers, the totals are those of all workers.
- The outbox (backlog, its oldest due message, failed sends), read from the
  database at every scrape, so they are right whatever process answers.

``count_refusal`` is the one call other code makes: every 429 the app answers
is counted once (the answer hook counts those nobody counted yet).
"""
from __future__ import annotations

import hmac
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, Response, abort, current_app, has_request_context, request, request_finished
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    disable_created_metrics,
    generate_latest,
    values,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from booking.extensions import csrf, db, limiter
from booking.models import OutboxMessage, OutboxStatus, utcnow

log = logging.getLogger(__name__)

# What a refusal limited: the client's address on the pages ("ip"), one
# account however many addresses it comes from ("account"), an address on the
# JSON API ("api"). A fixed set keeps the label's values few.
REFUSAL_REASONS = ("ip", "account", "api")
_COUNTED = "booking.metrics.refusal_counted"

# No ``*_created`` series beside each counter: Prometheus does not need them.
disable_created_metrics()
# The counters of this process (in multiprocess mode they also write to their
# file, which is what a scrape reads). Not in prometheus_client's global
# registry: a scrape builds its own (``_scrape_registry``).
_COUNTERS = CollectorRegistry()
REQUESTS = Counter(
    "booking_http_requests",
    "HTTP answers by area of the site (the Flask blueprint, 'static', 'metrics', or "
    "'none' when no route matched) and status code.",
    ["area", "status"], registry=_COUNTERS)
REFUSALS = Counter(
    "booking_rate_limit_refusals",
    "Requests refused by a rate limit (429), by what was limited: ip, account or api.",
    ["reason"], registry=_COUNTERS)


def count_refusal(reason: str) -> None:
    """Count one request refused by a rate limit. ``reason`` is one of
    ``REFUSAL_REASONS``. Called during a request, the 429 it answers is not
    counted a second time by the answer hook."""
    if reason not in REFUSAL_REASONS:
        raise ValueError(f"unknown rate-limit refusal reason {reason!r}; one of {REFUSAL_REASONS}")
    REFUSALS.labels(reason=reason).inc()
    if has_request_context():
        # On the request, not on ``g``: an application context (and its ``g``)
        # can outlive one request when it was pushed before it.
        request.environ[_COUNTED] = True


def multiprocess_mode() -> bool:
    """True when prometheus_client keeps values in PROMETHEUS_MULTIPROC_DIR (it
    decides once, from the environment, when it is first imported)."""
    return bool(getattr(values.ValueClass, "_multiprocess", False))


def _area() -> str:
    return request.blueprint or request.endpoint or "none"


def _count_answer(_sender: Flask, response: Response, **_extra: Any) -> None:
    """Flask's ``request_finished``: every answer, 500s from unhandled errors included."""
    status = response.status_code
    REQUESTS.labels(area=_area(), status=str(status)).inc()
    if status == 429 and not request.environ.get(_COUNTED):
        count_refusal("api" if request.path.startswith("/api/") else "ip")


# --- the outbox, read at scrape time --------------------------------------------


@dataclass(frozen=True)
class OutboxFigures:
    pending: int
    backlog: int
    oldest_due_seconds: float
    failed: int


def outbox_figures(session: Session, now: datetime) -> OutboxFigures:
    """Pending messages (all, and those already due) and failed ones, in two
    index-backed queries (``ix_outbox_due`` starts with the status)."""
    counts = dict(session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.FAILED]))
        .group_by(OutboxMessage.status)).all())
    backlog, oldest = session.execute(
        select(func.count(), func.min(OutboxMessage.due_at))
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.due_at <= now)).one()
    age = max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
    return OutboxFigures(pending=counts.get(OutboxStatus.PENDING, 0), backlog=int(backlog),
                         oldest_due_seconds=age, failed=counts.get(OutboxStatus.FAILED, 0))


class OutboxCollector:
    """Gauges of the outbox, computed when scraped (a custom collector)."""

    def collect(self) -> Iterator[Metric]:
        session = db.session()
        try:
            figures = outbox_figures(session, utcnow())
        except SQLAlchemyError as exc:
            log.warning("metrics: the outbox could not be read: %s", type(exc).__name__)
            yield GaugeMetricFamily("booking_database_up", _DATABASE_UP, value=0)
            return
        finally:
            session.rollback()  # a read: end it now (on SQLite it holds the write lock)
        yield GaugeMetricFamily("booking_database_up", _DATABASE_UP, value=1)
        yield GaugeMetricFamily(
            "booking_outbox_pending_messages",
            "E-mails not sent yet, including reminders planned for later.", value=figures.pending)
        yield GaugeMetricFamily(
            "booking_outbox_backlog_messages",
            "E-mails whose time has come but that are not sent yet (waiting for the "
            "scheduler, or for a retry after a failed attempt).", value=figures.backlog)
        yield GaugeMetricFamily(
            "booking_outbox_backlog_oldest_seconds",
            "How long the oldest e-mail of the backlog has been due, in seconds (0: no backlog).",
            value=figures.oldest_due_seconds)
        yield GaugeMetricFamily(
            "booking_outbox_failed_messages",
            "E-mails given up after OUTBOX_MAX_ATTEMPTS failed sends; an admin can retry "
            "them at /admin/outbox/.", value=figures.failed)


_DATABASE_UP = "1 when this scrape could read the outbox from the database, 0 when it could not."
_OUTBOX = OutboxCollector()


def _scrape_registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if multiprocess_mode():
        MultiProcessCollector(registry)  # every process's counter files, added up
    else:
        registry.register(_COUNTERS)
    registry.register(_OUTBOX)
    return registry


# --- the endpoint ----------------------------------------------------------------


def _authorized(token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode("utf-8"), token.encode("utf-8"))


def metrics() -> Response:
    """The Prometheus text format; 404 while METRICS_TOKEN is empty, 401 without it."""
    token = str(current_app.config.get("METRICS_TOKEN") or "")
    if not token:
        abort(404)
    if not _authorized(token):
        return Response("401 Unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n", 401,
                        {"WWW-Authenticate": 'Bearer realm="metrics"', "Cache-Control": "no-store"},
                        mimetype="text/plain")
    return Response(generate_latest(_scrape_registry()), 200,
                    {"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"})


def init_app(app: Flask) -> None:
    """Add ``/metrics`` (no CSRF, no rate limit) and count every answer."""
    if multiprocess_mode():
        try:  # or every answer would fail when counted
            MultiProcessCollector(None)
        except ValueError as exc:
            raise ValueError(
                "PROMETHEUS_MULTIPROC_DIR must name an existing directory, writable by every "
                "worker, before the service starts (docs/deployment.md, Metrics)") from exc
    for reason in REFUSAL_REASONS:
        REFUSALS.labels(reason=reason)  # a series at 0 before the first refusal
    view = csrf.exempt(limiter.exempt(metrics))
    app.add_url_rule("/metrics", "metrics", view, methods=["GET"])
    request_finished.connect(_count_answer, app)
