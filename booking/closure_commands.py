"""``flask closures``: the days every centre closes, from the command line
(services/leave_days.py): a year's public holidays, and administrative leave
(idari izin). Each acts as the admin named by ``--admin``, so the audit trail
says who."""
from __future__ import annotations

from datetime import date, datetime

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from booking.database import run_in_transaction
from booking.extensions import db
from booking.models import User, utcnow
from booking.services import leave_days
from booking.services.accounts import normalize_email
from booking.services.errors import DomainError, RuleViolation

ADMIN_OPTION = click.option("--admin", "admin_email", required=True,
                            help="The e-mail address of the admin acting (kept in the audit trail).")


def _admin(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None or not user.is_admin or not user.is_active:
        raise click.BadParameter(f"no active admin with the address {email}",
                                 param_hint="--admin")
    return user


def _run(work: object) -> object:
    try:
        return run_in_transaction(db.session(), work)  # type: ignore[arg-type]
    except RuleViolation as exc:
        for error in exc.errors:
            click.echo(f"error: {error.field}: {error.message}", err=True)
        raise SystemExit(2) from exc
    except DomainError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(2) from exc


@click.group("closures")
def closures_group() -> None:
    """Days every centre closes: public holidays and administrative leave."""


@closures_group.command("import-holidays")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@ADMIN_OPTION
@with_appcontext
def import_holidays_command(year: int, admin_email: str) -> None:
    """Close every active centre on the year's public holidays (half-day eves
    from 13:00). Running it again adds nothing."""
    admin = _admin(admin_email)
    added = _run(lambda: leave_days.import_holidays_everywhere(db.session(), admin, year,
                                                              utcnow()))
    click.echo(f"Holidays of {year}: {added} closures added.")


@closures_group.command("add-leave")
@click.argument("first", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("last", type=click.DateTime(formats=["%Y-%m-%d"]), required=False)
@click.option("--half-day", is_flag=True, help="Closed from 13:00 instead of the whole day.")
@click.option("--reason", default=None, help='Shown on the calendars (default "İdari izin").')
@ADMIN_OPTION
@with_appcontext
def add_leave_command(first: datetime, last: datetime | None, half_day: bool,
                      reason: str | None, admin_email: str) -> None:
    """Close every active centre from FIRST to LAST (YYYY-MM-DD, inclusive)."""
    admin = _admin(admin_email)
    last_day: date | None = last.date() if last else None
    result = _run(lambda: leave_days.add_leave_days(
        db.session(), admin, first.date(), last_day, utcnow(), half_day=half_day,
        reason=reason))
    assert isinstance(result, leave_days.LeaveResult)
    click.echo(f"Leave: {result.added} closures added, {result.already} already closed, "
               f"{len(result.overlapping)} approved bookings to contact.")
    for booking in result.overlapping:
        click.echo(f"  booking {booking.id}: {booking.title} ({booking.start_at.isoformat()})")


def init_app(app: Flask) -> None:
    app.cli.add_command(closures_group)
