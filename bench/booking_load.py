"""Booking under load: the JSON API behind gunicorn on PostgreSQL. One command:

    .venv/bin/python bench/booking_load.py [--clients 32] [--workers 5] [--duration 20]

Needs wrk on the PATH (Debian: ``apt-get install -y wrk``; it runs the Lua
script bench/booking_load.lua) and PostgreSQL at BOOKING_BENCH_PG_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/postgres). Installs nothing.

1. Creates a throw-away ``bench_*`` database, migrates it, loads a year of
   history (``--history`` bookings, 30 rooms, bench/common.py), adds one member
   (with a verified organisation) per client and a staff member of the center,
   and gives each a Bearer token (through booking.services.tokens).
2. Starts, on 127.0.0.1 only, gunicorn with ``--workers`` sync workers four
   times: the product (wsgi:app), the reference (bench/reference_app.py, a bare
   Flask view inserting one booking row through the same engine set-up) and
   two skeletons (bench/skeleton_app.py: the product's database work for a
   request, as bare Core statements, with the product's 8 statements and with
   the fewest, 4, a design keeping its rules in Python could send).
3. Runs wrk for ``--duration`` seconds per phase, ``--clients`` connections:
   reference (POST /ref/bookings), create (POST /api/v1/bookings, distinct
   slots), the same create against each skeleton, and mixed (create in crowded
   days, approve, cancel half: conflicts on purpose). A 3-second warm-up
   before the first phase of each server is not counted.
4. Prints requests/s, p50/p95/p99 by endpoint and answers by status, the
   create/reference throughput ratio and the skeletons' ratios (the ceilings
   for those round trips), then checks with SQL that no two approved bookings
   of a room overlap. Stops the servers; drops the database.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from common import (
    ISTANBUL,
    ROOT,
    bench_app,
    bench_database,
    captured_sql,
    describe,
    percentile,
    populate,
    print_machine,
)
from sqlalchemy import Engine, event, insert, text

from booking.extensions import db
from booking.migrate import upgrade_to_head
from booking.models import Organization, OrganizationKind, Role, User, staff_centers, utcnow
from booking.services import tokens

BENCH = Path(__file__).resolve().parent
LUA = BENCH / "booking_load.lua"
GUNICORN = Path(sys.executable).parent / "gunicorn"
TARGET_RATIO = 0.60
SERIAL_REQUESTS = 30
CREATE_DAY0 = 3  # the create phase books from three days ahead …
MIXED_DAY0 = 150  # … the mixed phase in a few crowded days further on
# The skeleton endpoint's variants: (warm-up's first day, measured phase's first
# day, name in the report). Each books days no other phase uses.
SKELETONS = {
    "same": (25, 30, "skeleton, the product's 8 statements"),
    "merged": (55, 60, "skeleton, 4 statements (lock in the room read, one CTE insert)"),
}
MIXED_DAYS = 4

OVERLAPS_SQL = """
SELECT count(*) FROM bookings a JOIN bookings b
  ON a.room_id = b.room_id AND a.id < b.id
 WHERE a.status = 'approved' AND b.status = 'approved'
   AND a.start_at < b.block_end AND b.start_at < a.block_end
"""


@dataclass
class Phase:
    name: str
    seconds: float = 0.0
    by_endpoint: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    socket_errors: str = ""

    def ok(self, endpoint: str) -> int:
        return sum(n for status, n in self.statuses[endpoint].items() if 200 <= status < 300)

    def rate(self, endpoint: str) -> float:
        return self.ok(endpoint) / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(url: str, clients: int, history: int) -> dict[str, str]:
    """History, people and tokens; returns the wrk config lines."""
    app = bench_app(url)
    with app.app_context():
        upgrade_to_head()
        world = populate(db.engine, bookings=history, year=date.today().year - 1)
        print(describe(world))
        session = db.session
        now = utcnow()
        orgs = list(session.execute(insert(Organization).returning(Organization.id), [
            {"name": f"Yük Derneği {i:03d}", "kind": OrganizationKind.ASSOCIATION,
             "email": f"yuk{i}@example.org", "is_verified": True, "verified_at": now,
             "created_at": now, "updated_at": now} for i in range(clients)
        ]).scalars())
        members = [User(email=f"uye{i}@example.org", name=f"Üye {i}", password_hash="-",
                        role=Role.MEMBER, organization_id=org_id)
                   for i, org_id in enumerate(orgs)]
        staff = User(email="gorevli@example.org", name="Görevli", password_hash="-",
                     role=Role.STAFF)
        session.add_all([*members, staff])
        session.flush()
        session.execute(insert(staff_centers).values(user_id=staff.id, center_id=world.center_id))
        config = {
            f"member_token_{i}": tokens.create_token(session, user, "bench", now).secret
            for i, user in enumerate(members)
        }
        config["staff_token"] = tokens.create_token(session, staff, "bench", now).secret
        session.commit()
        session.remove()
        db.engine.dispose()
    today = datetime.now(ISTANBUL).date()
    base = datetime(today.year, today.month, today.day, tzinfo=ISTANBUL)
    config.update({
        "rooms": ",".join(str(r) for r in world.room_ids),
        "base": str(int(base.timestamp())),
        "clients": str(clients),
        "members": str(clients),
        "create_day0": str(CREATE_DAY0),
        "mixed_day0": str(MIXED_DAY0),
        "mixed_days": str(MIXED_DAYS),
    })
    return config


class Server:
    """gunicorn on 127.0.0.1, stopped (TERM, then KILL) by ``stop``."""

    def __init__(self, target: str, chdir: Path, workers: int, url: str, log: Path,
                 **env_extra: str) -> None:
        self.port = free_port()
        env = {**os.environ, "BOOKING_DATABASE_URL": url, "BOOKING_SECRET_KEY": "bench-secret",
               "BOOKING_SCHEDULER_EMBEDDED": "0", **env_extra}
        self.log = log
        self.process = subprocess.Popen(
            [str(GUNICORN), "--workers", str(workers), "--worker-class", "sync",
             "--bind", f"127.0.0.1:{self.port}", "--chdir", str(chdir), "--timeout", "30",
             "--backlog", "2048", "--error-logfile", str(log), target],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, path: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log}:\n{self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer {path} within {seconds} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def run_wrk(name: str, server: Server, config: dict[str, str], clients: int, seconds: int,
            workdir: Path, label: str | None = None) -> Phase:
    """One phase; ``label`` names it in the report when the Lua phase is reused."""
    config_file = workdir / f"{name}.conf"
    out_file = workdir / f"{name}.out"
    config_file.write_text("".join(f"{k} {v}\n" for k, v in {**config, "phase": name}.items()))
    env = {**os.environ, "BENCH_LOAD_CONFIG": str(config_file), "BENCH_LOAD_OUT": str(out_file)}
    subprocess.run(
        ["wrk", "-t", str(clients), "-c", str(clients), "-d", f"{seconds}s", "--timeout", "10s",
         "-s", str(LUA), server.url],
        env=env, check=True, stdout=subprocess.DEVNULL, timeout=seconds + 60,
    )
    phase = Phase(label or name)
    for line in out_file.read_text().splitlines():
        if line.startswith("# "):
            parts = line[2:].split()
            values = dict(zip(parts[::2], parts[1::2], strict=True))
            phase.seconds = int(values.pop("duration_us")) / 1e6
            phase.socket_errors = ", ".join(f"{k} {v}" for k, v in values.items() if v != "0")
            continue
        endpoint, status, micros = line.split()
        phase.by_endpoint[endpoint].append(int(micros))
        phase.statuses[endpoint][int(status)] += 1
    return phase


def report(phase: Phase) -> None:
    total = sum(sum(c.values()) for c in phase.statuses.values())
    print(f"\n[{phase.name}] {phase.seconds:.1f} s, {total:,} answers, "
          f"{total / phase.seconds:,.0f} requests/s"
          + (f"; socket errors: {phase.socket_errors}" if phase.socket_errors else ""))
    for endpoint, micros in phase.by_endpoint.items():
        ms = [m / 1000 for m in micros]
        statuses = ", ".join(f"{status}: {n:,}" for status, n in sorted(phase.statuses[endpoint].items()))
        print(f"  {endpoint:<10} {len(ms) / phase.seconds:7.0f} req/s  ({phase.rate(endpoint):,.0f} 2xx/s)  "
              f"p50 {percentile(ms, 50):6.1f} ms  p95 {percentile(ms, 95):6.1f} ms  "
              f"p99 {percentile(ms, 99):6.1f} ms   answers: {statuses}")


def round_trips(url: str, config: dict[str, str],
                serial_ms: dict[str, tuple[float, float]]) -> dict[str, int]:
    """Statements each endpoint sends, counted in-process with one client (no
    load): what every request pays in round trips to PostgreSQL. Also fills
    ``serial_ms``: (mean ms per request, of which waiting on the database) of
    creates and reference inserts made one after another, in-process."""
    os.environ["BOOKING_DATABASE_URL"] = url
    import reference_app

    counts: dict[str, int] = {}
    member = {"Authorization": "Bearer " + config["member_token_0"]}
    staff = {"Authorization": "Bearer " + config["staff_token"]}
    room = int(config["rooms"].split(",")[0])
    start = datetime.fromtimestamp(int(config["base"]), ISTANBUL) + timedelta(days=MIXED_DAY0 + 40,
                                                                              hours=9)
    body = {"room_id": room, "title": "Sayım", "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(), "expected_attendees": 10}
    app = bench_app(url)
    client = app.test_client()
    with app.app_context():
        engine = db.engine
    client.post("/api/v1/bookings", json=body, headers=member)  # warm the pool and caches
    body["start"], body["end"] = (start + timedelta(hours=2)).isoformat(), \
        (start + timedelta(hours=3)).isoformat()
    with captured_sql(engine) as sent:
        booking_id = client.post("/api/v1/bookings", json=body, headers=member).get_json()["id"]
    counts["create"] = len(sent)
    with captured_sql(engine) as sent:
        client.post(f"/api/v1/bookings/{booking_id}/approve", headers=staff)
    counts["approve"] = len(sent)
    with captured_sql(engine) as sent:
        client.post(f"/api/v1/bookings/{booking_id}/cancel", json={"reason": "Sayım"},
                    headers=member)
    counts["cancel"] = len(sent)
    reference = reference_app.app.test_client()
    with reference_app.app.app_context():
        reference_engine = reference_app.db.engine
    reference.post("/ref/bookings", json=body)
    with captured_sql(reference_engine) as sent:
        reference.post("/ref/bookings", json=body)
    counts["reference"] = len(sent)

    def serial(post: Callable[[dict], object], engine: Engine,
               first_day: int) -> tuple[float, float]:
        """Mean wall time of SERIAL_REQUESTS one after another, and the part of
        it spent waiting on PostgreSQL (from sending a statement to its answer)."""
        waited = [0.0]

        def before(conn: Any, *_args: Any) -> None:
            conn.info["bench_sent"] = time.perf_counter()

        def after(conn: Any, *_args: Any) -> None:
            waited[0] += time.perf_counter() - conn.info.pop("bench_sent")

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        started = time.perf_counter()
        for i in range(SERIAL_REQUESTS):
            slot = start + timedelta(days=first_day + i // 10, hours=i % 10 - 1)
            post({**body, "start": slot.isoformat(),
                  "end": (slot + timedelta(hours=1)).isoformat()})
        elapsed = time.perf_counter() - started
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
        return elapsed / SERIAL_REQUESTS * 1000, waited[0] / SERIAL_REQUESTS * 1000

    serial_ms["create"] = serial(
        lambda b: client.post("/api/v1/bookings", json=b, headers=member), engine, 1)
    serial_ms["reference"] = serial(
        lambda b: reference.post("/ref/bookings", json=b), reference_engine, 10)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    with reference_app.app.app_context():
        reference_app.db.session.remove()
        reference_engine.dispose()
    return counts


def check_overlaps(url: str) -> tuple[int, dict[str, int]]:
    app = bench_app(url)
    with app.app_context():
        overlaps = db.session.execute(text(OVERLAPS_SQL)).scalar_one()
        statuses = dict(db.session.execute(text(
            "SELECT status, count(*) FROM bookings WHERE created_by_id IS NOT NULL "
            "GROUP BY status ORDER BY status")).all())
        db.session.remove()
        db.engine.dispose()
    return int(overlaps), statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--duration", type=int, default=20, help="seconds per phase (max 60)")
    parser.add_argument("--history", type=int, default=100_000,
                        help="bookings of last year loaded before the run")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install -y wrk)")
    seconds = max(5, min(args.duration, 60))

    with bench_database("postgresql") as url, tempfile.TemporaryDirectory(prefix="bench_") as tmp:
        workdir = Path(tmp)
        from sqlalchemy import create_engine

        probe = create_engine(url)
        print_machine(probe)
        probe.dispose()
        print(f"load: {args.clients} connections (wrk, one thread each), gunicorn "
              f"{args.workers} sync workers per server, {seconds} s per phase")
        config = prepare(url, args.clients, args.history)
        serial_ms: dict[str, tuple[float, float]] = {}
        trips = round_trips(url, config, serial_ms)
        print("statements per request (one client, counted in-process; BEGIN and COMMIT "
              "not counted): " + ", ".join(f"{k} {v}" for k, v in trips.items()))
        for name, (total, waiting) in serial_ms.items():
            print(f"one client, {SERIAL_REQUESTS} {name} requests in a row, in-process: "
                  f"{total:.1f} ms each, {waiting:.1f} ms of it waiting on PostgreSQL")
        product = Server("wsgi:app", ROOT, args.workers, url, workdir / "product.log")
        reference = Server("reference_app:app", BENCH, args.workers, url, workdir / "reference.log")
        skeletons = {variant: Server("skeleton_app:app", BENCH, args.workers, url,
                                     workdir / f"skeleton-{variant}.log", BENCH_SKELETON=variant)
                     for variant in SKELETONS}
        servers = [product, reference, *skeletons.values()]
        try:
            reference.wait_ready("/ref/ping")
            product.wait_ready("/api/v1/openapi.json")
            for server in skeletons.values():
                server.wait_ready("/ref/ping")
            run_wrk("reference", reference, config, args.clients, 3, workdir)  # warm-up
            ref = run_wrk("reference", reference, config, args.clients, seconds, workdir)
            run_wrk("mixed", product, config, args.clients, 3, workdir)  # warm-up
            create = run_wrk("create", product, config, args.clients, seconds, workdir)
            floors = []
            for variant, (warm_day, first_day, label) in SKELETONS.items():
                # Their own days: the product's create phase took the first ones.
                run_wrk("create", skeletons[variant], {**config, "create_day0": str(warm_day)},
                        args.clients, 3, workdir)  # warm-up
                floors.append(run_wrk("create", skeletons[variant],
                                      {**config, "create_day0": str(first_day)}, args.clients,
                                      seconds, workdir, label=label))
            mixed = run_wrk("mixed", product, config, args.clients, seconds, workdir)
        finally:
            for server in servers:
                server.stop()
        for phase in (ref, create, *floors, mixed):
            report(phase)
        overlaps, statuses = check_overlaps(url)

    print("\nbookings made through the API, by status now: "
          + ", ".join(f"{k} {v:,}" for k, v in statuses.items()))
    print(f"approved bookings that overlap another approved one in their room: {overlaps}")
    ratio = create.rate("create") / ref.rate("reference")
    met = ratio >= TARGET_RATIO and overlaps == 0
    print(f"\ncreate {create.rate('create'):,.0f}/s vs reference {ref.rate('reference'):,.0f}/s "
          f"= {ratio:.0%} of the bare endpoint (target >= {TARGET_RATIO:.0%} with 0 overlaps): "
          f"{'met' if met else 'NOT met'}")
    print("ceilings (bench/skeleton_app.py: the same database work with no product Python):")
    for floor in floors:
        print(f"  {floor.name}: {floor.rate('create'):,.0f}/s = "
              f"{floor.rate('create') / ref.rate('reference'):.0%} of the bare endpoint; "
              f"the product reaches {create.rate('create') / floor.rate('create'):.0%} of it")


if __name__ == "__main__":
    main()
