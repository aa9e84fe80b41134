"""How fast is a week's availability with 100,000 bookings? One command:

    .venv/bin/python bench/availability.py [--bookings 100000] [--runs 200] [--engine postgresql]

Builds a throw-away database (``bench_*`` on PostgreSQL at BOOKING_BENCH_PG_URL,
default postgresql+psycopg://postgres@127.0.0.1:5432/postgres; or a temporary
SQLite file), migrates it with the product's Alembic migrations, and fills one
center of 30 rooms with ``--bookings`` bookings in one year (bench/common.py).
Then it times, through the real service functions, each call in a fresh
session as a request would make it:

- one room, one week:      availability.room_availability (GET /rooms/{id}/availability);
- whole center, one week:  availability.center_availability, the 30 rooms' free/busy at once;
- the same done room by room: room_availability called for each of the 30 rooms
  (what a caller without center_availability has to do);
- free rooms for 2 hours:  availability.free_rooms (GET /availability).

Weeks and rooms rotate over the year so the runs do not repeat one query.
Afterwards it prints the plan of every query those calls send to the bookings
and closures tables: EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN
on SQLite.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from common import (
    ISTANBUL,
    World,
    captured_sql,
    describe,
    engine_arguments,
    format_ms,
    migrated_engine,
    populate,
    print_plans,
    summarize,
    time_calls,
)

from booking.extensions import db
from booking.services import availability

WEEKS = 40  # the runs rotate over 40 weeks of the year


def week(world: World, i: int) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 (Istanbul) of the i-th rotated week."""
    first_monday = date(world.year, 1, 1) + timedelta(days=(7 - date(world.year, 1, 1).weekday()) % 7)
    monday = first_monday + timedelta(weeks=5 + i % WEEKS)
    start = datetime(monday.year, monday.month, monday.day, tzinfo=ISTANBUL)
    # In UTC, as the API hands them to the services (serialize.localize).
    return start.astimezone(UTC), (start + timedelta(days=7)).astimezone(UTC)


def cases(world: World) -> dict[str, Callable[[int], object]]:
    session = db.session
    rooms = world.room_ids

    def one_room(i: int) -> object:
        start, end = week(world, i)
        result = availability.room_availability(session, rooms[i % len(rooms)], start, end, start)
        session.close()
        return result

    def center(i: int) -> object:
        start, end = week(world, i)
        result = availability.center_availability(session, world.center_id, start, end, start)
        session.close()
        return result

    def room_by_room(i: int) -> object:
        start, end = week(world, i)
        result = [availability.room_availability(session, room_id, start, end, start)
                  for room_id in rooms]
        session.close()
        return result

    def free(i: int) -> object:
        monday, _ = week(world, i)
        start = monday + timedelta(days=i % 5, hours=10 + i % 8)
        result = availability.free_rooms(session, world.center_id, start,
                                         start + timedelta(hours=2), 10, monday)
        session.close()
        return result

    return {
        "one room, one week": one_room,
        "whole center (30 rooms), one week": center,
        "  the same, room by room": room_by_room,
        "free rooms for a 2-hour slot": free,
    }


def run(engine_name: str, bookings: int, runs: int) -> dict[str, dict[str, float]]:
    with migrated_engine(engine_name) as engine:
        world = populate(engine, bookings=bookings)
        print(describe(world))
        figures = {}
        for name, action in cases(world).items():
            n = max(runs // 5, 20) if "room by room" in name else runs
            figures[name] = summarize(time_calls(action, n))
            print(f"  {name:<36} {format_ms(figures[name])}")
        for name, action in cases(world).items():
            if "room by room" in name:
                continue
            with captured_sql(engine) as statements:
                action(7)
            print(f"\n-- plans: {name.strip()} ({len(statements)} statements sent)")
            print_plans(engine, statements, ("bookings", "closures"))

    return figures


def main() -> None:
    args = engine_arguments(__doc__.splitlines()[0], bookings=100_000, runs=200)
    for engine_name in args.engines:
        figures = run(engine_name, args.bookings, args.runs)
        center = figures["whole center (30 rooms), one week"]
        verdict = "met" if center["p95"] < 50 else "NOT met"
        print(f"\n[{engine_name}] target: center week p95 < 50 ms -> {center['p95']:.2f} ms, {verdict}")


if __name__ == "__main__":
    main()
