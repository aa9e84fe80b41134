"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

Each test gets an empty migrated database: on SQLite a copy of a template file
migrated once per session, on PostgreSQL the worker's own database (made once
with ``CREATE DATABASE … TEMPLATE``) emptied by one TRUNCATE.

On SQLite every transaction begins with ``BEGIN IMMEDIATE`` and so holds the
write lock: a test must ``commit()`` or ``rollback()`` its session before it
makes an HTTP call or runs a command that touches the database.

``--db sqlite|postgresql|both`` picks the engines (default both). ``--today``
(or ``BOOKING_TEST_TODAY``) runs the suite on another day: tests/support/clock.py. When
PostgreSQL is unreachable its half is skipped with a clear note, unless
``CI=true`` or ``BOOKING_TEST_REQUIRE_POSTGRES=1``: then the run fails.
"""
from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from booking import create_app
from booking.extensions import db
from tests.support import clock
from tests.support.api import Api
from tests.support.databases import PG_ADMIN_URL
from tests.support.mailbox import Mailbox, free_port, smtp_server
from tests.support.scene import build_scene

ENGINES = ("sqlite", "postgresql")
_pg_status: dict[str, object] = {}


def _require_postgres() -> bool:
    return (
        os.environ.get("CI", "").lower() == "true"
        or os.environ.get("BOOKING_TEST_REQUIRE_POSTGRES", "") == "1"
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=("sqlite", "postgresql", "both"),
        default="both",
        help="database engines to run the database tests on",
    )
    parser.addoption(
        "--today",
        default=os.environ.get(clock.ENV_TODAY, ""),
        help="run on this day (YYYY-MM-DD, 09:00 Istanbul) or local instant "
        "(YYYY-MM-DDTHH:MM) instead of the real clock; default $BOOKING_TEST_TODAY",
    )


def postgres_available() -> tuple[bool, str]:
    """Ask the PostgreSQL server once whether it answers."""
    if "ok" not in _pg_status:
        try:
            engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            engine.dispose()
            _pg_status.update(ok=True, why="")
        except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
            _pg_status.update(ok=False, why=f"{type(exc).__name__}: {exc}".splitlines()[0])
    return bool(_pg_status["ok"]), str(_pg_status["why"])


def pytest_configure(config: pytest.Config) -> None:
    try:
        clock.start(config.getoption("--today"))
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    wanted = config.getoption("--db")
    if wanted in ("postgresql", "both") and _require_postgres():
        ok, why = postgres_available()
        if not ok:
            raise pytest.UsageError(
                f"PostgreSQL is required here (CI) but unreachable at {PG_ADMIN_URL}: {why}"
            )


def pytest_report_header(config: pytest.Config) -> str:
    instant = clock.travelled_to()
    return f"clock: {'moved to ' + instant.isoformat() if instant else 'real'}"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_url" not in metafunc.fixturenames:
        return
    wanted = metafunc.config.getoption("--db")
    engines = [e for e in ENGINES if wanted in (e, "both")]
    if metafunc.definition.get_closest_marker("postgres"):
        engines = [e for e in engines if e == "postgresql"]
    if metafunc.definition.get_closest_marker("sqlite"):
        engines = [e for e in engines if e == "sqlite"]
    metafunc.parametrize("database_url", engines, indirect=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test only for an engine this run leaves out (``--db``) is deselected, not
    reported as skipped."""
    kept, dropped = [], []
    for item in items:
        needs_engine = "database_url" in getattr(item, "fixturenames", ())
        no_engine = any(  # what pytest marks an empty parameter set with
            "empty parameter set" in str(mark.kwargs.get("reason", ""))
            for mark in item.iter_markers("skip"))
        if needs_engine and no_engine:
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if "ok" in _pg_status and not _pg_status["ok"]:
        terminalreporter.write_sep(
            "!",
            f"PostgreSQL part SKIPPED: server unreachable ({_pg_status['why']}). "
            "Start it and rerun, or CI will fail.",
            red=True,
            bold=True,
        )


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _migrate(url: str) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        from booking.migrate import upgrade_to_head

        upgrade_to_head()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    ok, why = postgres_available()
    if not ok:
        pytest.skip(f"PostgreSQL unreachable: {why}")
    name = f"booking_tpl_{_worker()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    _migrate(_pg_url(name))
    yield name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _pg_url(name: str) -> str:
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


class PgWorkerDatabase:
    """One PostgreSQL database per test worker, emptied before each test.

    Creating a database from the template costs about a second on this machine
    (and dropping it a little more), which was half the suite's time; emptying
    the tables with one TRUNCATE … RESTART IDENTITY costs a few milliseconds and
    leaves the same state: the migrated schema, no rows, ids from 1. A database
    that cannot be emptied (a test held a lock, or dropped it) is made anew.
    """

    def __init__(self, template: str) -> None:
        self.template = template
        self.name = f"booking_t_{_worker()}_{uuid.uuid4().hex[:10]}"
        self.admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        self._create()
        # NullPool: no connection stays open, so a test may still copy or drop it.
        self.engine = create_engine(_pg_url(self.name), isolation_level="AUTOCOMMIT",
                                    poolclass=NullPool)
        with self.engine.connect() as connection:
            tables = connection.scalars(text(
                "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version' ORDER BY tablename")).all()
        self.truncate = text(f"TRUNCATE TABLE {', '.join(tables)} RESTART IDENTITY CASCADE")

    def _create(self) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.template}"'))

    def fresh(self) -> str:
        """The database's URL, empty as the template."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SET lock_timeout = '5s'"))
                connection.execute(self.truncate)
        except DBAPIError:
            self._create()
        return _pg_url(self.name)

    def drop(self) -> None:
        self.engine.dispose()
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_worker_database(pg_template: str) -> Iterator[PgWorkerDatabase]:
    database = PgWorkerDatabase(pg_template)
    yield database
    database.drop()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database with no rows, on the engine of this test's parameter:
    a copy of the template file on SQLite, the worker's emptied database on PostgreSQL."""
    engine_name = getattr(request, "param", "sqlite")
    if engine_name == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "booking.sqlite3"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"
    database: PgWorkerDatabase = request.getfixturevalue("pg_worker_database")
    return database.fresh()


@pytest.fixture
def app_config() -> dict[str, object]:
    """Override in a test module to change the test app's settings."""
    return {}


@pytest.fixture
def app(database_url: str, tmp_path: Path, app_config: dict[str, object]) -> Iterator[Flask]:
    config: dict[str, object] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "BASE_URL": "http://localhost",
        "ROOM_PHOTO_DIR": str(tmp_path / "photos"),
    }
    config.update(app_config)
    application = create_app(config)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """The app's session inside an app context; commit before HTTP calls on SQLite."""
    with app.app_context():
        yield db.session
        db.session.remove()


@pytest.fixture
def scene(session: Session):
    """The usual cast (tests/scene.py). Web tests define their own, built
    outside the request's session (tests/web_support.scene_for)."""
    return build_scene(session)


@pytest.fixture
def api(client: FlaskClient, session: Session):
    """Calls /api/v1 as a user (tests/api_support.Api)."""
    return Api(client, session)


@pytest.fixture
def smtp_port() -> int:
    """A free port for a test's own SMTP server (the app is pointed at it by app_config)."""
    return free_port()


@pytest.fixture
def mailbox(smtp_port: int) -> Iterator[Mailbox]:
    """A real aiosmtpd server on ``smtp_port``; what arrived is in ``.messages``."""
    with smtp_server(smtp_port) as box:
        yield box


@pytest.fixture
def db_engine_name(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"
