"""How fast is the one search (SPEC §11) over 30 centers × 10 rooms with a year
of bookings? One command:

    .venv/bin/python bench/search.py [--bookings 300000] [--runs 200] [--engine postgresql]

Builds a throw-away database (``bench_*`` on PostgreSQL at BOOKING_BENCH_PG_URL,
or a temporary SQLite file), migrates it, and fills 30 centers in 10 districts
with 10 rooms each (capacities 12–150, buffers 0/15/30 min, a few features
each) and ``--bookings`` bookings starting in one year, laid out as
bench/common.py lays out one center's. Then it times, through the real service
function (booking.services.search.find_free_rooms, behind `/ara`, the home
page's form and GET /availability), each call in a fresh session as a request
would make it, as an anonymous visitor:

- every center, a 2-hour slot, 10–40 attendees (rotating);
- every center, a 2-hour slot with a projector required;
- one district, a 2-hour slot;
- every center, any time that day, 90 minutes (the first free slots of every room).

Days and hours rotate over the year so the runs do not repeat one query. Each
case runs twice: as is, and after ``gc.freeze()`` (the app's long-lived objects
out of the cyclic collector's reach), since the first run's tail is mostly
that collector's full collections.
Afterwards it prints the plan of every query the first case sends to the
bookings and closures tables.
"""
from __future__ import annotations

import gc
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from common import (
    ISTANBUL,
    _room_day,
    _status,
    analyze,
    captured_sql,
    engine_arguments,
    format_ms,
    migrated_engine,
    print_plans,
    summarize,
    time_calls,
)
from sqlalchemy import Engine, insert

from booking.extensions import db
from booking.models import Booking, BookingKind, Category, Center, Room, RoomFeature
from booking.services.search import SearchQuery, find_free_rooms

TARGET_MS = 100
CENTERS, ROOMS_PER_CENTER, DISTRICTS = 30, 10, 10
YEAR = 2025
CAPACITIES = (12, 20, 30, 40, 60, 80, 150)
BUFFERS = (0, 0, 15, 30)
FEATURE_SETS = ((), ("projector",), ("wifi",), ("projector", "sound_system"),
                ("wifi", "whiteboard"), ("projector", "wifi", "microphone"))


def _centers_and_rooms(connection, rng: random.Random, now: datetime) -> list[dict]:
    """30 centers in 10 districts, 10 rooms each; the rooms' rows with their ids."""
    rooms: list[dict] = []
    for c in range(CENTERS):
        center_id = connection.execute(insert(Center).returning(Center.id), [{
            "name": f"Merkez {c + 1:02d}", "district": f"İlçe {c % DISTRICTS + 1:02d}",
            "timezone": "Europe/Istanbul", "is_active": True, "created_at": now,
            "updated_at": now}]).scalar_one()
        rows = [{
            "center_id": center_id, "name": f"Salon {i + 1:02d}",
            "capacity": rng.choice(CAPACITIES), "requires_approval": True,
            "buffer_minutes": BUFFERS[(c + i) % len(BUFFERS)],
            "opening_time": time(8), "closing_time": time(22), "min_duration_minutes": 30,
            "max_duration_minutes": 480, "max_advance_days": 365, "is_active": True,
            "created_at": now, "updated_at": now,
        } for i in range(ROOMS_PER_CENTER)]
        ids = connection.execute(
            insert(Room).returning(Room.id, sort_by_parameter_order=True), rows).scalars()
        for row, room_id in zip(rows, ids, strict=True):
            row["id"] = room_id
            rooms.append(row)
    features = [{"room_id": row["id"], "code": code}
                for row in rooms for code in rng.choice(FEATURE_SETS)]
    if features:
        connection.execute(insert(RoomFeature), features)
    return rooms


def populate_city(engine: Engine, bookings: int, seed: int = 20261) -> int:
    """The city's centers, rooms and ``bookings`` bookings in YEAR (no organisations:
    the search reads none). Returns the number of rooms."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        rooms = _centers_and_rooms(connection, rng, now)
        slots: list[tuple[int, int, datetime, datetime]] = []
        day = date(YEAR, 1, 1)
        while day.year == YEAR:
            for room in rooms:
                for start, end in _room_day(rng, day, room["buffer_minutes"]):
                    slots.append((room["id"], room["buffer_minutes"], start, end))
            day += timedelta(days=1)
        chosen = sorted(rng.sample(slots, min(bookings, len(slots))), key=lambda s: s[2],
                        reverse=True)
        rows = [{
            "room_id": room_id, "organization_id": None, "title": "Gönüllü buluşması",
            "kind": BookingKind.MEETING, "category": Category.OTHER, "start_at": start,
            "end_at": end, "block_end": end + timedelta(minutes=buffer),
            "expected_attendees": 20, "status": _status(rng), "is_public": False,
            "sequence": 0, "created_at": start - timedelta(days=20),
            "updated_at": start - timedelta(days=10),
        } for room_id, buffer, start, end in chosen]
        for offset in range(0, len(rows), 5000):
            connection.execute(insert(Booking), rows[offset:offset + 5000])
    analyze(engine)
    return len(rooms)


def _day(i: int) -> date:
    """A day of the year, rotating over 40 weeks from February."""
    return date(YEAR, 2, 3) + timedelta(days=(i * 5) % 280)


def _now() -> datetime:
    return datetime(YEAR, 1, 1, tzinfo=ISTANBUL).astimezone(UTC)


def cases() -> dict[str, Callable[[int], object]]:
    session = db.session

    def between(i: int, **values: object) -> SearchQuery:
        start = datetime.combine(_day(i), time(9 + i % 10))
        return SearchQuery(start=start, end=start + timedelta(hours=2),
                           attendees=10 + 10 * (i % 4), **values)  # type: ignore[arg-type]

    def call(query: SearchQuery) -> int:
        hits = find_free_rooms(session, None, query, _now())
        session.close()
        return len(hits)

    return {
        "every center, 2 hours": lambda i: call(between(i)),
        "every center, 2 hours, projector": lambda i: call(between(i, features=("projector",))),
        "one district, 2 hours": lambda i: call(between(i, district=f"İlçe {i % 10 + 1:02d}")),
        "every center, any time, 90 min": lambda i: call(
            SearchQuery(day=_day(i), minutes=90, attendees=10 + 10 * (i % 4))),
    }


def run(engine_name: str, bookings: int, runs: int) -> dict[str, dict[str, float]]:
    with migrated_engine(engine_name) as engine:
        rooms = populate_city(engine, bookings)
        print(f"data: {CENTERS} centers in {DISTRICTS} districts, {rooms} rooms, "
              f"{bookings:,} bookings starting in {YEAR}")
        figures = {}
        for name, action in cases().items():
            found = action(0)
            figures[name] = summarize(time_calls(action, runs))
            print(f"  {name:<34} {format_ms(figures[name])}  ({found} rooms on run 0)")
        # The tail above is mostly the cyclic garbage collector's full
        # collections over the app's ~150,000 long-lived objects; moved out
        # of its reach (what a server can do once it has started), it goes.
        gc.collect()
        gc.freeze()
        print("  after gc.freeze():")
        for name, action in cases().items():
            frozen = summarize(time_calls(action, runs))
            print(f"  {name:<34} {format_ms(frozen)}")
        gc.unfreeze()
        with captured_sql(engine) as statements:
            cases()["every center, 2 hours"](7)
        print(f"\n-- plans: every center, 2 hours ({len(statements)} statements sent)")
        print_plans(engine, statements, ("bookings", "closures"))

    return figures


def main() -> None:
    args = engine_arguments(__doc__.splitlines()[0], bookings=300_000, runs=200)
    for engine_name in args.engines:
        figures = run(engine_name, args.bookings, args.runs)
        worst = max(f["p95"] for f in figures.values())
        verdict = "met" if worst < TARGET_MS else "NOT met"
        print(f"\n[{engine_name}] target: every search p95 < {TARGET_MS} ms -> worst p95 "
              f"{worst:.1f} ms, {verdict}")


if __name__ == "__main__":
    main()
