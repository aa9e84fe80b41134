"""Run the Alembic migrations in ``migrations/`` from inside the app."""
from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from booking import ROOT
from booking.extensions import db

MIGRATIONS = ROOT / "migrations"


def alembic_config() -> Config:
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head() -> str | None:
    """Migrate the app's database to the newest revision; return that revision."""
    command.upgrade(alembic_config(), "head")
    return current_revision()
