"""The scheduler's jobs as commands, each run once, for cron where no scheduler
runs (or a test): ``fairness release-no-shows``, ``waitlist expire-offers``
(SPEC §8), ``kvkk retention`` (SPEC §10) and ``registry remind`` (SPEC §9). Each takes ``--now ISO``; a
database that cannot be reached is one line and exit code 1."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from booking import jobs
from booking.notifications.cli import NOW_OPTION, database_errors_as_messages, parse_now


def _run_once(work: Callable[[datetime], object], say: str, now_text: str | None) -> None:
    jobs.bind_app(current_app._get_current_object())  # type: ignore[attr-defined]
    with database_errors_as_messages():
        result = work(parse_now(now_text))
    click.echo(f"{say}: {result}.")


@click.group("fairness")
def fairness_group() -> None:
    """Sharing rooms fairly: check-in and no-shows."""


@fairness_group.command("release-no-shows")
@NOW_OPTION
@with_appcontext
def release_no_shows_command(now_text: str | None) -> None:
    """Turn approved bookings not checked in when their window closed into
    no-shows, freeing their time (for cron: every minute)."""
    _run_once(lambda now: jobs.build_release(now=now), "No-shows released", now_text)


@click.group("waitlist")
def waitlist_group() -> None:
    """The waitlist of taken rooms (SPEC §8)."""


@waitlist_group.command("expire-offers")
@NOW_OPTION
@with_appcontext
def expire_offers_command(now_text: str | None) -> None:
    """Expire unanswered offers, offer their time to the next entry and drop
    entries whose start has passed (cron: every minute)."""
    _run_once(jobs.run_waitlist_expiry, "Waitlist", now_text)


@click.group("kvkk")
def kvkk_group() -> None:
    """Personal data (KVKK): the periodic destruction run."""


@kvkk_group.command("retention")
@NOW_OPTION
@with_appcontext
def retention_command(now_text: str | None) -> None:
    """Warn, then anonymise, members inactive for RETENTION_INACTIVE_DAYS; clear
    old booking descriptions; purge log entries older than three years.
    Safe to run twice, or beside the scheduler (cron: monthly at most)."""
    _run_once(lambda now: jobs.run_retention(now=now), "Retention", now_text)


@click.group("registry")
def registry_group() -> None:
    """Registry identity (SPEC §9): verifications and their reminders."""


@registry_group.command("remind")
@NOW_OPTION
@with_appcontext
def remind_command(now_text: str | None) -> None:
    """E-mail the representatives of organisations whose verification runs out
    within 30 days, once per verification. Safe to run twice (cron: daily)."""
    _run_once(lambda now: jobs.run_verification_reminders(now=now), "Verification reminders",
              now_text)


def init_app(app: Flask) -> None:
    for group in (fairness_group, waitlist_group, kvkk_group, registry_group):
        app.cli.add_command(group)
