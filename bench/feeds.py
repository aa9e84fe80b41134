"""How long does a room feed with 5,000 bookings take? One command:

    .venv/bin/python bench/feeds.py [--bookings 5000] [--runs 5]

Builds a room with that many bookings (all inside the feed window, most
approved, some cancelled, half public, 50 organisations) in a temporary SQLite
database, and in a temporary PostgreSQL database when one answers at
BOOKING_TEST_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres).
Then it times, as the median of ``--runs`` runs:

- bare:  icalendar alone serialising the same events (no database, no Flask);
- build: booking.calendar.ical.build_calendar + serialise (the icalendar objects, as
         the e-mail attachment uses them) on the loaded bookings;
- render: booking.calendar.ical.render_calendar, the feed's writer (same bytes);
- full:  GET /rooms/<id>/calendar.ics through the Flask test client, with the
         rendered-feed cache emptied first (load and render every time);
- cached: the same GET for an unchanged feed, answered from that cache;
- 304:   the same GET with If-None-Match (fingerprint only, no calendar built).
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Calendar, Event
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from booking import create_app  # noqa: E402
from booking.calendar import ical  # noqa: E402
from booking.extensions import db  # noqa: E402
from booking.migrate import upgrade_to_head  # noqa: E402
from booking.models import (  # noqa: E402
    AuditEntry,
    Booking,
    BookingStatus,
    Center,
    Organization,
    OrganizationKind,
    Room,
    utcnow,
)
from booking.services import feeds  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "BOOKING_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SLOTS_PER_DAY = 12  # one-hour bookings from 08:00 to 20:00 Istanbul time


def median_seconds(action: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def fill(count: int) -> int:
    """One center, one room, ``count`` bookings inside the window; returns the room id."""
    session = db.session
    center = Center(name="Bench Merkezi", timezone="Europe/Istanbul", address="Moda Cad. 1")
    room = Room(center=center, name="Büyük Salon", capacity=200)
    orgs = [Organization(name=f"Dernek {i}", kind=OrganizationKind.ASSOCIATION,
                         email=f"d{i}@example.org") for i in range(50)]
    session.add_all([center, room, *orgs])
    session.flush()
    now = utcnow()
    first_day = datetime.combine((now - timedelta(days=80)).date(), datetime.min.time(),
                                 tzinfo=UTC)
    rows = []
    for i in range(count):
        day, slot = divmod(i, SLOTS_PER_DAY)
        start = first_day + timedelta(days=day, hours=5 + slot)  # 08:00 + slot, +03:00
        cancelled = i % 20 == 0
        rows.append({
            "room_id": room.id,
            "organization_id": orgs[i % len(orgs)].id,
            "title": f"Toplantı {i}: gönüllü buluşması",
            "description": "Gündem: çalışma grupları, bütçe ve yeni üyeler.",
            "start_at": start,
            "end_at": start + timedelta(hours=1),
            "block_end": start + timedelta(hours=1),
            "expected_attendees": 20,
            "status": BookingStatus.CANCELLED if cancelled else BookingStatus.APPROVED,
            "is_public": i % 2 == 0,
            "sequence": 1 if cancelled else 0,
            "created_at": now - timedelta(days=100),
            "updated_at": now - timedelta(days=(5 if cancelled else 60)),
        })
    session.execute(insert(Booking), rows)
    cancelled_ids = session.scalars(
        text("SELECT id FROM bookings WHERE status = 'cancelled'")
    ).all()
    session.execute(insert(AuditEntry), [
        {"at": now - timedelta(days=5), "entity": "booking", "entity_id": booking_id,
         "booking_id": booking_id, "action": "cancel", "from_status": "approved",
         "to_status": "cancelled"} for booking_id in cancelled_ids
    ])
    session.commit()
    return room.id


def bare_icalendar(bookings: list[Booking]) -> bytes:
    """The same events written with icalendar alone: the floor we compare against."""
    cal = Calendar()
    cal.add("prodid", ical.PRODID)
    cal.add("version", "2.0")
    for b in bookings:
        tz = b.room.center.tz
        event = Event()
        event.add("uid", f"booking-{b.id}@localhost")
        event.add("dtstamp", b.updated_at)
        event.add("created", b.created_at)
        event.add("last-modified", b.updated_at)
        event.add("sequence", b.sequence)
        event.add("dtstart", b.start_at.astimezone(tz))
        event.add("dtend", b.end_at.astimezone(tz))
        event.add("summary", b.title)
        event.add("location", "Büyük Salon, Bench Merkezi, Moda Cad. 1")
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()


def run(engine_name: str, url: str, count: int, runs: int) -> dict[str, float]:
    app = create_app({"TESTING": True, "DATABASE_URL": url, "BASE_URL": "http://localhost",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade_to_head()
        room_id = fill(count)
        db.session.remove()
        db.engine.dispose()

    # HTTP first, outside any app context: each request gets a fresh session,
    # as under gunicorn (a shared one would keep 5,000 objects in its map).
    client = app.test_client()
    url_path = f"/rooms/{room_id}/calendar.ics"
    first = client.get(url_path)
    assert first.status_code == 200, first.status_code
    etag = first.headers["ETag"]

    def full() -> None:
        app.extensions.pop("feed_bodies", None)  # cold: load and render
        assert client.get(url_path).status_code == 200

    def cached() -> None:
        assert client.get(url_path).status_code == 200

    def conditional() -> None:
        assert client.get(url_path, headers={"If-None-Match": etag}).status_code == 304

    figures = {
        "events": first.data.count(b"BEGIN:VEVENT"),
        "bytes": len(first.data),
        "full": median_seconds(full, runs),
        "cached": median_seconds(cached, max(runs, 20)),
        "304": median_seconds(conditional, max(runs, 20)),
    }

    with app.app_context():
        scope = feeds.room_scope(db.session, room_id)
        window = feeds.FeedWindow.for_day(utcnow(), 90, 365, 30)
        bookings = feeds.feed_bookings(db.session, scope, window)
        db.session.commit()
        options = ical.EventOptions(base_url="http://localhost")
        arguments = {"name": scope.name, "timezone": scope.timezone,
                     "refresh": timedelta(hours=1)}

        def build() -> bytes:
            return ical.serialize(ical.build_calendar(bookings, options, **arguments))

        def render() -> bytes:
            return ical.render_calendar(bookings, options, **arguments)

        assert render() == build() == first.data, "the writers disagree"
        figures["bare"] = median_seconds(lambda: bare_icalendar(bookings), runs)
        figures["build"] = median_seconds(build, runs)
        figures["render"] = median_seconds(render, runs)
        db.session.remove()
        db.engine.dispose()
    print(f"\n[{engine_name}] {figures['events']} events, {figures['bytes']:,} bytes")
    print(f"  bare icalendar serialisation  {figures['bare'] * 1000:8.1f} ms")
    print(f"  booking.calendar.ical build+serialise  {figures['build'] * 1000:8.1f} ms")
    print(f"  booking.calendar.ical render_calendar  {figures['render'] * 1000:8.1f} ms")
    print(f"  full feed request (200)       {figures['full'] * 1000:8.1f} ms")
    print(f"  same, unchanged, from cache   {figures['cached'] * 1000:8.1f} ms")
    print(f"  conditional request (304)     {figures['304'] * 1000:8.1f} ms")
    print(f"  full / bare = {figures['full'] / figures['bare']:.2f}x   "
          f"full / 304 = {figures['full'] / figures['304']:.0f}x cheaper")
    return figures


def postgres_url() -> tuple[str, Callable[[], None]] | None:
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        name = f"booking_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure: skip PostgreSQL
        print(f"PostgreSQL skipped: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        return None

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {platform.platform()}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}")
    with tempfile.TemporaryDirectory() as directory:
        run("sqlite", f"sqlite:///{directory}/bench.sqlite3", args.bookings, args.runs)
    pg = postgres_url()
    if pg is not None:
        url, drop = pg
        try:
            run("postgresql", url, args.bookings, args.runs)
        finally:
            drop()


if __name__ == "__main__":
    main()
