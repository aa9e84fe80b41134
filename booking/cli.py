"""Commands run as ``flask --app wsgi COMMAND`` (SPEC §7)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from booking import closure_commands, job_commands
from booking.database import run_in_transaction
from booking.demo import cli as demo_cli
from booking.extensions import db
from booking.migrate import upgrade_to_head
from booking.models import Center, Organization, Role
from booking.notifications import cli as notifications_cli
from booking.services import accounts
from booking.services.errors import RuleViolation


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the schema, or migrate an existing database to the newest version."""
    revision = upgrade_to_head()
    click.echo(f"Database at revision {revision} ({db.engine.url.render_as_string()}).")


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--name", default=None, help="Display name (defaults to the e-mail's local part).")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.MEMBER.value)
@click.option("--organization", "organization_name", default=None,
              help="Organisation name (members); created verified if it does not exist.")
@click.option("--center", "center_ids", type=int, multiple=True, help="Center id (staff).")
@click.option("--language", type=click.Choice(["tr", "en"]), default="tr")
def create_user_command(
    email: str,
    password: str,
    name: str | None,
    role: str,
    organization_name: str | None,
    center_ids: tuple[int, ...],
    language: str,
) -> None:
    """Add a user from the command line."""
    session = db.session()
    organization_id = None
    if organization_name:
        organization = session.scalar(
            select(Organization).where(Organization.name == organization_name)
        )
        if organization is None:
            from booking.models import OrganizationKind, utcnow

            organization = Organization(
                name=organization_name,
                kind=OrganizationKind.ASSOCIATION,
                email=accounts.normalize_email(email),
                is_verified=True,
                verified_at=utcnow(),
            )
            session.add(organization)
            session.flush()
        organization_id = organization.id
    for center_id in center_ids:
        if session.get(Center, center_id) is None:
            raise click.BadParameter(f"no center with id {center_id}", param_hint="--center")
    try:
        user = run_in_transaction(session, lambda: accounts.create_user(
            session,
            None,
            email=email,
            name=name or email.split("@")[0],
            password=password,
            role=role,
            organization_id=organization_id,
            center_ids=center_ids,
            language=language,
        ))
    except RuleViolation as exc:
        for error in exc.errors:
            click.echo(f"error: {error.field}: {error.message}", err=True)
        raise SystemExit(2) from exc
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


def init_app(app: Flask) -> None:
    app.cli.add_command(init_db_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(demo_cli.seed_demo_command)
    notifications_cli.init_app(app)
    closure_commands.init_app(app)  # holidays and leave for every centre
    job_commands.init_app(app)  # fairness, waitlist, kvkk: the jobs once, for cron
