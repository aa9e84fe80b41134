"""Engine set-up that makes the database itself keep the invariants.

SQLite: pysqlite's own transaction handling is switched off and every
transaction starts with ``BEGIN IMMEDIATE`` (the recipe in SQLAlchemy's SQLite
dialect documentation), so a check followed by a write can never interleave
with another writer. WAL lets readers go on while one writer works, and the
busy timeout makes a second writer wait instead of failing.

PostgreSQL: approvals and closures lock the room row (``lock_rooms``), and the
exclusion constraint rejects overlapping approved bookings.
"""
from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Select, bindparam, event, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

# The no-overlap guard, by name: created by migration 0001 and widened by 0011
# to waitlist offers, status IN ('approved', 'offered') (PostgreSQL: the
# exclusion constraint; SQLite: the two triggers, which abort with the message).
OVERLAP_CONSTRAINT = "ex_bookings_no_overlap"
SQLITE_OVERLAP_TRIGGERS = ("trg_bookings_no_overlap_insert", "trg_bookings_no_overlap_update")
SQLITE_OVERLAP_MESSAGE = "booking_overlap"
BUSY_TIMEOUT_MS = 30_000
_CONFIGURED: weakref.WeakSet[Engine] = weakref.WeakSet()


def has_overlap_guard(connection: Connection) -> bool:
    """True when the database itself refuses overlapping approved bookings (and
    offers, which hold time the same way): the exclusion constraint on
    PostgreSQL, both triggers on SQLite."""
    if connection.dialect.name == "postgresql":
        found = connection.scalar(
            text("SELECT count(*) FROM pg_constraint WHERE conname = :name AND contype = 'x'"),
            {"name": OVERLAP_CONSTRAINT})
        return found == 1
    names = set(connection.scalars(text(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'bookings'")))
    return names >= set(SQLITE_OVERLAP_TRIGGERS)


def configure_engine(engine: Engine) -> None:
    """Attach the per-dialect connection settings to ``engine`` (idempotent)."""
    if engine.dialect.name != "sqlite" or engine in _CONFIGURED:
        return
    _CONFIGURED.add(engine)

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (pysqlite would defer it past SELECTs).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_rooms(session: Session, room_ids: Iterable[int]) -> None:
    """Serialise writers of these rooms' schedules until the transaction ends.

    PostgreSQL takes row locks in id order (no deadlocks between two lockers);
    SQLite already holds the database write lock since ``BEGIN IMMEDIATE``.
    """

    ids = sorted(set(room_ids))
    if not ids or not reads_under_lock(session):
        return
    session.execute(_lock_statement(), {"ids": ids})


@cache
def _lock_statement() -> Select[Any]:
    """Built once (models are imported late here): every write runs it."""
    from booking.models import Room

    return (select(Room.id).where(Room.id.in_(bindparam("ids", expanding=True)))
            .order_by(Room.id).with_for_update())


def reads_under_lock(session: Session) -> bool:
    """True where a row read before ``lock_rooms`` may be stale once the lock is
    held (PostgreSQL). SQLite's ``BEGIN IMMEDIATE`` took the write lock before
    the transaction's first read, so what it read is current."""
    return session.get_bind().dialect.name == "postgresql"


def is_overlap_violation(exc: BaseException) -> bool:
    """True when ``exc`` is the database refusing two overlapping approved bookings."""
    if not isinstance(exc, IntegrityError):
        return False
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate == "23P01":
        diag = getattr(orig, "diag", None)
        name = getattr(diag, "constraint_name", None)
        return name in (None, OVERLAP_CONSTRAINT)
    return SQLITE_OVERLAP_MESSAGE in str(orig)


def unique_constraint(exc: BaseException) -> str | None:
    """The name of the unique constraint an IntegrityError reports, else None.

    PostgreSQL names it; SQLite names the columns ("UNIQUE constraint failed:
    rooms.center_id, rooms.name"), from which the naming convention's name
    (``uq_rooms_center_id_name``) follows."""
    if not isinstance(exc, IntegrityError):
        return None
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == "23505":
        return getattr(getattr(orig, "diag", None), "constraint_name", None)
    message = str(orig)
    prefix = "UNIQUE constraint failed: "
    if not message.startswith(prefix):
        return None
    columns = [part.strip().split(".") for part in message[len(prefix):].split(",")]
    return "uq_" + columns[0][0] + "_" + "_".join(column for _table, column in columns)


T = TypeVar("T")


def run_in_transaction(session: Session, work: Callable[[], T], *, retries: int = 1) -> T:
    """Run ``work`` (service calls) and commit; on any error roll back and raise
    it again. A PostgreSQL deadlock or serialisation failure is tried again,
    ``retries`` times, as the field notes advise: the next try then meets the
    other writer's committed rows (a conflict, say) instead of a lock.

    The one transaction runner of the API, the web pages, the commands and the
    jobs: every change of the domain commits here, or not at all.
    """
    for attempt in range(retries + 1):
        try:
            result = work()
            session.commit()
            return result
        except DBAPIError as exc:
            session.rollback()
            if attempt < retries and is_retryable(exc):
                continue
            raise
        except BaseException:
            session.rollback()
            raise
    raise AssertionError("unreachable")


def is_retryable(exc: BaseException) -> bool:
    """True for PostgreSQL deadlocks and serialisation failures, worth one retry."""
    if not isinstance(exc, DBAPIError):
        return False
    return getattr(exc.orig, "sqlstate", None) in {"40P01", "40001"}
