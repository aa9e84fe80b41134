"""Shared pieces of the benchmarks: the machine, throw-away databases, bulk data,
timing and the plans of the queries a service function really sends.

Nothing here installs anything or talks to anything but 127.0.0.1.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import Engine, create_engine, event, insert, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from booking import create_app  # noqa: E402
from booking.models import (  # noqa: E402
    Booking,
    BookingKind,
    BookingStatus,
    Category,
    Center,
    Organization,
    OrganizationKind,
    Room,
)

PG_ADMIN_URL = os.environ.get(
    "BOOKING_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ISTANBUL = ZoneInfo("Europe/Istanbul")
BENCH_CONFIG: dict[str, Any] = {
    "TESTING": False,
    "SECRET_KEY": "bench-secret",
    "BASE_URL": "http://127.0.0.1",
    "RATELIMIT_ENABLED": False,
    "WTF_CSRF_ENABLED": False,
}


# --- the machine ------------------------------------------------------------


def _proc_value(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def machine(engine: Engine | None = None) -> dict[str, str]:
    """Platform, CPU, memory, Python and (given an engine) the database server version."""
    memory = _proc_value("/proc/meminfo", "MemTotal")
    info = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": str(os.cpu_count()),
        "cpu model": _proc_value("/proc/cpuinfo", "model name") or platform.machine(),
        "memory": f"{int(memory.split()[0]) / 1024 / 1024:.1f} GiB" if memory else "unknown",
        # Other work on the machine skews every figure: say how busy it was.
        "load avg": " ".join(f"{v:.2f}" for v in os.getloadavg()) + " (1, 5, 15 min)",
    }
    if engine is not None:
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                info["database"] = "PostgreSQL " + connection.execute(
                    text("SHOW server_version")).scalar_one()
            else:
                info["database"] = "SQLite " + connection.execute(
                    text("SELECT sqlite_version()")).scalar_one()
    return info


def print_machine(engine: Engine | None = None) -> None:
    print("machine:")
    for key, value in machine(engine).items():
        print(f"  {key:<10} {value}")


# --- throw-away databases ---------------------------------------------------


@contextmanager
def bench_database(engine_name: str = "postgresql") -> Iterator[str]:
    """A fresh empty database (``bench_*`` on PostgreSQL, a temporary SQLite file),
    dropped afterwards; yields its SQLAlchemy URL."""
    if engine_name == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench_") as directory:
            yield f"sqlite:///{directory}/bench.sqlite3"
        return
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def migrated_engine(engine_name: str) -> Iterator[Engine]:
    """A throw-away database on ``engine_name``, migrated, inside the product's
    app context, with the machine's figures printed; its engine, disposed after."""
    from booking.extensions import db
    from booking.migrate import upgrade_to_head

    with bench_database(engine_name) as url:
        app = bench_app(url)
        with app.app_context():
            upgrade_to_head()
            print(f"\n=== {engine_name} ===")
            print_machine(db.engine)
            try:
                yield db.engine
            finally:
                db.session.remove()
                db.engine.dispose()


def bench_app(url: str, **config: Any) -> Flask:
    """The product's app on ``url`` with rate limits and demo seeding off."""
    return create_app({**BENCH_CONFIG, "DATABASE_URL": url, **config})


# --- bulk data --------------------------------------------------------------


@dataclass
class World:
    """What ``populate`` made: ids to aim the benchmarks at."""

    center_id: int
    room_ids: list[int]
    organization_ids: list[int]
    year: int
    bookings: int
    by_status: dict[str, int] = field(default_factory=dict)


def describe(world: World) -> str:
    statuses = ", ".join(f"{k} {v:,}" for k, v in sorted(world.by_status.items()))
    return (f"data: 1 center, {len(world.room_ids)} rooms, {world.bookings:,} bookings "
            f"starting in {world.year} ({statuses})")


DURATIONS = (30, 45, 60, 60, 90)
GAPS = (0, 0, 0, 15, 30)
BUFFERS = (0, 0, 15, 30)


def _room_day(rng: random.Random, day: date, buffer: int) -> Iterator[tuple[datetime, datetime]]:
    """Non-overlapping (start, end) of one room on one local day, 08:00-22:00,
    each followed by the room's buffer before the next may start."""
    cursor = datetime(day.year, day.month, day.day, 8, 0, tzinfo=ISTANBUL)
    closing = cursor.replace(hour=22)
    while True:
        start = cursor + timedelta(minutes=rng.choice(GAPS))
        end = start + timedelta(minutes=rng.choice(DURATIONS))
        if end > closing:
            return
        yield start.astimezone(UTC), end.astimezone(UTC)
        cursor = end + timedelta(minutes=buffer)


def _status(rng: random.Random) -> BookingStatus:
    roll = rng.random()
    if roll < 0.85:
        return BookingStatus.APPROVED
    if roll < 0.92:
        return BookingStatus.CANCELLED
    if roll < 0.95:
        return BookingStatus.REJECTED
    return BookingStatus.PENDING


def populate(engine: Engine, bookings: int = 100_000, rooms: int = 30, year: int = 2025,
             organizations: int = 200, seed: int = 20241) -> World:
    """One center with ``rooms`` rooms and ``bookings`` bookings starting in ``year``
    (Istanbul time), written with bulk INSERTs, not through the services.

    Every room's day is laid out end to end with its buffer between bookings, so
    no two bookings of a room overlap whatever their status: the exclusion
    constraint (PostgreSQL) and the triggers (SQLite) accept every row. About 85%
    are approved; past approved bookings mostly have a recorded attendance.
    Rows go in newest first, which keeps SQLite's overlap trigger (which scans the
    room's earlier bookings) from making the load quadratic.
    """
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        center_id = connection.execute(insert(Center).returning(Center.id), [{
            "name": "Bench Sivil Toplum Merkezi", "timezone": "Europe/Istanbul",
            "address": "Bench Cad. 1", "is_active": True, "created_at": now, "updated_at": now,
        }]).scalar_one()
        room_rows = [{
            "center_id": center_id, "name": f"Salon {i + 1:02d}",
            "capacity": rng.choice((12, 20, 30, 40, 60, 80, 150)),
            "requires_approval": True, "buffer_minutes": BUFFERS[i % len(BUFFERS)],
            "opening_time": datetime(2000, 1, 1, 8).time(),
            "closing_time": datetime(2000, 1, 1, 22).time(),
            "min_duration_minutes": 30, "max_duration_minutes": 480, "max_advance_days": 365,
            "is_active": True, "created_at": now, "updated_at": now,
        } for i in range(rooms)]
        room_ids = list(connection.execute(
            insert(Room).returning(Room.id, sort_by_parameter_order=True), room_rows).scalars())
        org_ids = list(connection.execute(
            insert(Organization).returning(Organization.id, sort_by_parameter_order=True), [{
                "name": f"Bench Derneği {i:03d}", "kind": OrganizationKind.ASSOCIATION,
                "email": f"dernek{i}@example.org", "is_verified": True, "verified_at": now,
                "created_at": now, "updated_at": now,
            } for i in range(organizations)]).scalars())

        slots: list[tuple[int, int, datetime, datetime]] = []
        day = date(year, 1, 1)
        while day.year == year:
            for room_id, room in zip(room_ids, room_rows, strict=True):
                for start, end in _room_day(rng, day, room["buffer_minutes"]):
                    slots.append((room_id, room["buffer_minutes"], start, end))
            day += timedelta(days=1)
        if len(slots) < bookings:
            raise SystemExit(f"only {len(slots)} slots in {year} for {rooms} rooms; "
                             f"ask for fewer bookings")
        chosen = sorted(rng.sample(slots, bookings), key=lambda s: s[2], reverse=True)
        categories = list(Category)
        counts: dict[str, int] = {}
        rows = []
        for room_id, buffer, start, end in chosen:
            status = _status(rng)
            counts[status.value] = counts.get(status.value, 0) + 1
            recorded = status == BookingStatus.APPROVED and end < now and rng.random() < 0.8
            expected = rng.randint(5, 60)
            rows.append({
                "room_id": room_id, "organization_id": rng.choice(org_ids),
                "title": "Gönüllü buluşması", "description": None,
                "kind": BookingKind.PROGRAM if rng.random() < 0.07 else BookingKind.MEETING,
                "category": rng.choice(categories),
                "start_at": start, "end_at": end, "block_end": end + timedelta(minutes=buffer),
                "expected_attendees": expected,
                "actual_attendees": max(0, expected + rng.randint(-5, 5)) if recorded else None,
                "status": status, "is_public": rng.random() < 0.5, "sequence": 0,
                "created_at": start - timedelta(days=20), "updated_at": start - timedelta(days=10),
            })
        for offset in range(0, len(rows), 5000):
            connection.execute(insert(Booking), rows[offset:offset + 5000])
    analyze(engine)
    return World(center_id, room_ids, org_ids, year, bookings, counts)


def analyze(engine: Engine) -> None:
    """Fresh planner statistics (and, on PostgreSQL, a visibility map: what
    autovacuum would have done on a live server, and what index-only scans need)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))


# --- timing -----------------------------------------------------------------


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile (0-100) by linear interpolation between closest ranks."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(samples: list[float]) -> dict[str, float]:
    """p50/p95/p99, mean, min and max of durations in seconds, as milliseconds."""
    return {
        "n": len(samples),
        "p50": percentile(samples, 50) * 1000,
        "p95": percentile(samples, 95) * 1000,
        "p99": percentile(samples, 99) * 1000,
        "mean": statistics.fmean(samples) * 1000 if samples else float("nan"),
        "min": min(samples) * 1000 if samples else float("nan"),
        "max": max(samples) * 1000 if samples else float("nan"),
    }


def time_calls(action: Callable[[int], object], runs: int, warmup: int = 5) -> list[float]:
    """Durations in seconds of ``runs`` calls ``action(i)``, after ``warmup`` untimed ones."""
    for i in range(warmup):
        action(i)
    samples = []
    for i in range(runs):
        started = time.perf_counter()
        action(i)
        samples.append(time.perf_counter() - started)
    return samples


def format_ms(figures: dict[str, float]) -> str:
    return (f"p50 {figures['p50']:7.2f} ms  p95 {figures['p95']:7.2f} ms  "
            f"p99 {figures['p99']:7.2f} ms  (n={figures['n']})")


# --- the queries a service sends, and their plans ---------------------------


@dataclass
class Statement:
    sql: str
    parameters: Any


@contextmanager
def captured_sql(engine: Engine) -> Iterator[list[Statement]]:
    """Record every statement sent through ``engine`` inside the block (an
    executemany, such as a batched INSERT of several rows, counts once and keeps
    its first parameter set)."""
    seen: list[Statement] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
               executemany: bool) -> None:
        if executemany and isinstance(parameters, (list, tuple)):
            parameters = parameters[0] if parameters else {}
        seen.append(Statement(statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def explain(engine: Engine, statement: Statement) -> str:
    """``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL, ``EXPLAIN QUERY PLAN`` on SQLite,
    of exactly the SQL and parameters the service sent (rolled back afterwards)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, statement.parameters)
            lines = [row[0] for row in cursor.fetchall()]
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + statement.sql, statement.parameters)
            lines = [f"{'  ' * _depth(row)}{row[3]}" for row in cursor.fetchall()]
        raw.rollback()
        return "\n".join(lines)
    finally:
        raw.close()


def _depth(row: tuple[Any, ...]) -> int:
    return 0 if row[1] == 0 else 1


def print_plans(engine: Engine, statements: list[Statement], tables: tuple[str, ...]) -> None:
    """Print the plan of each captured statement that reads one of ``tables``
    (the first of several identical ones: a loop shows once)."""
    shown: set[str] = set()
    for statement in statements:
        sql = " ".join(statement.sql.split())
        if sql in shown or not any(f"FROM {t}" in sql or f"JOIN {t}" in sql for t in tables):
            continue
        shown.add(sql)
        print(f"\n  SQL: {sql[:400]}{' …' if len(sql) > 400 else ''}")
        for line in explain(engine, statement).splitlines():
            print(f"    {line}")


def engine_arguments(description: str, bookings: int, runs: int) -> argparse.Namespace:
    """The options every data bench takes: --bookings, --runs and --engine
    (postgresql, sqlite or both); ``args.engines`` lists the engines to run."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--bookings", type=int, default=bookings)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--engine", choices=("postgresql", "sqlite", "both"), default="both")
    args = parser.parse_args()
    args.engines = ("postgresql", "sqlite") if args.engine == "both" else (args.engine,)
    return args
