"""How fast is the yearly summary over 100,000 bookings? One command:

    .venv/bin/python bench/reports.py [--bookings 100000] [--runs 50] [--engine postgresql]

Builds a throw-away database (``bench_*`` on PostgreSQL at BOOKING_BENCH_PG_URL,
or a temporary SQLite file), migrates it, fills one center of 30 rooms with
``--bookings`` bookings starting in one year (bench/common.py), and times
booking.services.reports.summary, the function behind
GET /api/v1/reports/summary and the report page, for an admin: the whole city
and one center. Then it prints the plan of the aggregate query it sends.
"""
from __future__ import annotations

from common import (
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
from booking.models import Role, User
from booking.services import reports

TARGET_MS = 200


def run(engine_name: str, bookings: int, runs: int) -> dict[str, dict[str, float]]:
    with migrated_engine(engine_name) as engine:
        world = populate(engine, bookings=bookings)
        print(describe(world))
        session = db.session
        admin = User(email="admin@example.org", name="Yönetici", password_hash="-",
                     role=Role.ADMIN)
        session.add(admin)
        session.commit()
        admin_id = admin.id
        session.close()

        def city(_i: int) -> dict:
            result = reports.summary(session, session.get(User, admin_id), world.year)
            session.close()
            return result

        def center(_i: int) -> dict:
            result = reports.summary(session, session.get(User, admin_id), world.year,
                                     center_id=world.center_id)
            session.close()
            return result

        check = city(0)
        print(f"summary {world.year}: meetings {check['meetings']:,}, programs "
              f"{check['programs']:,}, attendees {check['attendees']:,} "
              f"(approved bookings counted: {check['meetings'] + check['programs']:,})")
        figures = {
            "yearly summary, whole city": summarize(time_calls(city, runs)),
            "yearly summary, one center": summarize(time_calls(center, runs)),
        }
        for name, values in figures.items():
            print(f"  {name:<30} {format_ms(values)}")
        with captured_sql(engine) as statements:
            city(0)
        print(f"\n-- plans: yearly summary ({len(statements)} statements sent)")
        print_plans(engine, statements, ("bookings",))

    return figures


def main() -> None:
    args = engine_arguments(__doc__.splitlines()[0], bookings=100_000, runs=50)
    for engine_name in args.engines:
        figures = run(engine_name, args.bookings, args.runs)
        p95 = figures["yearly summary, whole city"]["p95"]
        verdict = "met" if p95 < TARGET_MS else "NOT met"
        print(f"\n[{engine_name}] target: yearly summary over {args.bookings:,} bookings "
              f"< {TARGET_MS} ms -> p95 {p95:.1f} ms, {verdict}")


if __name__ == "__main__":
    main()
