"""The database itself refuses overlapping approved bookings (buffer counted),
under 20 concurrent writers: threads, and separate processes."""
from __future__ import annotations

import multiprocessing
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from booking.database import configure_engine, is_overlap_violation, run_in_transaction
from booking.extensions import db
from booking.models import Booking, BookingStatus
from tests.support.factories import make_booking, make_room

WRITERS = 20
START = datetime(2030, 3, 4, 7, 0, tzinfo=UTC)

OVERLAPPING_APPROVED_PAIRS = text(
    """
    SELECT count(*) FROM bookings a JOIN bookings b
      ON a.room_id = b.room_id AND a.id < b.id
    WHERE a.status = 'approved' AND b.status = 'approved'
      AND a.start_at < b.block_end AND b.start_at < a.block_end
    """
)


def _scene(session: Session, touching: bool) -> list[int]:
    """20 pending bookings of one room that pairwise collide."""
    room = make_room(session, buffer_minutes=30 if touching else 0)
    ids = []
    for i in range(WRITERS):
        start = START + timedelta(minutes=60 if touching and i % 2 else 0)
        ids.append(make_booking(session, room, start, minutes=60).id)
    session.commit()
    return ids


def _approve(session: Session, booking_id: int) -> str:
    """Approve through the product's transaction runner. PostgreSQL may answer
    a deadlock while two writers check the exclusion constraint against each
    other's uncommitted rows (40P01, see the field notes); the runner tries
    again, and with 20 writers a retry can meet a third one, so it may take
    several rounds before each meets a committed row."""
    def approve() -> None:
        session.execute(
            update(Booking).where(Booking.id == booking_id).values(status=BookingStatus.APPROVED)
        )

    try:
        run_in_transaction(session, approve, retries=WRITERS)
        return "approved"
    except IntegrityError as exc:
        return "conflict" if is_overlap_violation(exc) else f"other: {exc}"
    except DBAPIError as exc:  # reported, so the test names it instead of timing out
        return f"other: {type(exc).__name__}: {exc}"


@pytest.mark.parametrize("touching", [False, True], ids=["overlapping", "within-buffer"])
def test_twenty_threads_approving_colliding_bookings_leave_exactly_one(app, touching):
    with app.app_context():
        ids = _scene(db.session, touching)
        engine = db.engine
    barrier = threading.Barrier(WRITERS)
    results: list[str] = []
    lock = threading.Lock()

    def worker(booking_id: int) -> None:
        with Session(engine) as session:
            barrier.wait()
            outcome = _approve(session, booking_id)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(results) == ["approved"] + ["conflict"] * (WRITERS - 1)
    with app.app_context():
        assert db.session.scalar(OVERLAPPING_APPROVED_PAIRS) == 0


def _process_worker(url: str, booking_id: int, barrier, queue) -> None:
    engine = create_engine(url)
    configure_engine(engine)
    try:
        with Session(engine) as session:
            barrier.wait()
            outcome = _approve(session, booking_id)
    except Exception as exc:  # noqa: BLE001 - never leave the parent waiting on the queue
        outcome = f"other: {type(exc).__name__}: {exc}"
    queue.put(outcome)
    engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("touching", [False, True], ids=["overlapping", "within-buffer"])
def test_twenty_processes_approving_colliding_bookings_leave_exactly_one(app, touching):
    with app.app_context():
        ids = _scene(db.session, touching)
        url = db.engine.url.render_as_string(hide_password=False)
    # Fresh processes, not forks of this threaded one; the fork server imports
    # this module once, so 20 writers start in a blink instead of 20 imports.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    barrier = context.Barrier(WRITERS)
    queue = context.Queue()
    processes = [
        context.Process(target=_process_worker, args=(url, i, barrier, queue)) for i in ids
    ]
    for process in processes:
        process.start()
    results = sorted(queue.get(timeout=180) for _ in processes)
    for process in processes:
        process.join(timeout=60)
    assert results == ["approved"] + ["conflict"] * (WRITERS - 1)
    with app.app_context():
        assert db.session.scalar(OVERLAPPING_APPROVED_PAIRS) == 0


def test_pending_requests_may_overlap_each_other(app):
    with app.app_context():
        ids = _scene(db.session, touching=False)
        assert len(ids) == WRITERS


def test_bookings_that_meet_end_to_start_without_buffer_are_both_allowed(app):
    with app.app_context():
        room = make_room(db.session, buffer_minutes=0)
        make_booking(db.session, room, START, 60, status=BookingStatus.APPROVED)
        make_booking(db.session, room, START + timedelta(hours=1), 60,
                     status=BookingStatus.APPROVED)
        db.session.commit()
        assert db.session.scalar(OVERLAPPING_APPROVED_PAIRS) == 0


def test_changing_an_approved_booking_into_an_overlap_is_refused(app):
    with app.app_context():
        room = make_room(db.session, buffer_minutes=15)
        make_booking(db.session, room, START, 60, status=BookingStatus.APPROVED)
        later = make_booking(db.session, room, START + timedelta(hours=2), 60,
                             status=BookingStatus.APPROVED)
        db.session.commit()
        later.start_at = START + timedelta(minutes=70)  # inside the first one's buffer
        with pytest.raises(IntegrityError) as caught:
            db.session.commit()
        assert is_overlap_violation(caught.value)
