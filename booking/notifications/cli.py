"""Commands: ``notifications send-due|digest|escalate`` (cron-style runs) and
``scheduler`` (the APScheduler process)."""
from __future__ import annotations

import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from types import FrameType
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import InterfaceError, OperationalError

from booking import jobs
from booking.models import utcnow


def parse_now(value: str | None) -> datetime:
    """``--now`` as an aware instant; a value without offset is in DEFAULT_TIMEZONE."""
    if not value:
        return utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO 8601 date and time: {value!r}",
                                 param_hint="--now") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(current_app.config["DEFAULT_TIMEZONE"]))
    return moment.astimezone(UTC)


@contextmanager
def database_errors_as_messages() -> Iterator[None]:
    """A database that cannot be reached ends a command with one line and exit code 1
    (cron mails the line), not a traceback."""
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        click.echo(f"error: database unreachable or failing: {jobs.first_line(exc)}", err=True)
        raise SystemExit(1) from exc


NOW_OPTION = click.option(
    "--now", "now_text", default=None, metavar="ISO",
    help="Act as if it were this instant (default: the current time).",
)


@click.group("notifications")
def notifications_group() -> None:
    """The e-mail outbox."""


@notifications_group.command("send-due")
@NOW_OPTION
@click.option("--batch", default=20, show_default=True, help="Rows claimed per round.")
@with_appcontext
def send_due_command(now_text: str | None, batch: int) -> None:
    """Send everything due once, then exit (for cron: every minute)."""
    from booking.extensions import db
    from booking.notifications.sender import deliver_due

    try:
        with database_errors_as_messages():
            report = deliver_due(parse_now(now_text), batch=batch)
    finally:
        db.session.remove()
    click.echo(f"Outbox: {report}.")


@notifications_group.command("digest")
@NOW_OPTION
@click.option("--timezone", default=None, help="Only the centers in this zone.")
@with_appcontext
def digest_command(now_text: str | None, timezone: str | None) -> None:
    """Enqueue today's staff digests (for cron: 07:30 in the centers' zone)."""
    jobs.bind_app(current_app._get_current_object())  # type: ignore[attr-defined]
    with database_errors_as_messages():
        count = jobs.build_digest(timezone=timezone, now=parse_now(now_text))
    click.echo(f"Digest messages: {count}.")


@notifications_group.command("escalate")
@NOW_OPTION
@with_appcontext
def escalate_command(now_text: str | None) -> None:
    """Enqueue alerts for pending requests starting within 48 hours (cron: every 15 min)."""
    jobs.bind_app(current_app._get_current_object())  # type: ignore[attr-defined]
    with database_errors_as_messages():
        count = jobs.build_escalation(now=parse_now(now_text))
    click.echo(f"Escalation messages: {count}.")


def _stop(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the APScheduler jobs in the foreground until stopped (Ctrl-C or SIGTERM)."""
    from booking.scheduler import build_when_database_answers

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # APScheduler logs two INFO lines for every run of every job (each minute):
    # keep its warnings and errors, and let the jobs say when they did something.
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
    signal.signal(signal.SIGTERM, _stop)
    try:
        scheduler = build_when_database_answers(
            current_app._get_current_object())  # type: ignore[attr-defined]
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")
        return
    for job in scheduler.get_jobs():
        click.echo(f"job {job.id}: {job.trigger}")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)
    click.echo("Scheduler stopped.")


def init_app(app: Flask) -> None:
    """Register the commands on the app's CLI."""
    app.cli.add_command(notifications_group)
    app.cli.add_command(scheduler_command)
