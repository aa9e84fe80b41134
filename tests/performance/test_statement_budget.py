"""Round trips to the database on the API's write paths.

Every statement is a round trip paid by each request, under the room lock on
PostgreSQL; bench/booking_load.py shows throughput following their number.
These budgets catch a lazy load or a repeated fetch slipping back in (each was
once there: the token's user and organisation, the room fetched twice because
the identity map had let it go, one outbox look-up per new message, the two
conflict look-ups). Counted with the second request of a kind, so the token's
``last_used_at`` refresh is not in the figure.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, event

from booking.extensions import db
from booking.models import utcnow
from booking.services import closures
from tests.support.api import Api, at, iso

# PostgreSQL: token (with user and organisation), room (with center), room lock,
# conflicts (bookings and closures in one), INSERT booking, INSERT audit entry,
# the center's staff, INSERT of the outbox messages (one batched statement).
# SQLite has no row lock but inserts the messages one by one. And the quota
# rules that apply (one query; a center with quotas adds the lock and the counts).
CREATE_BUDGET = 9
# Approving also reads the booking's services twice (the stock check, then the
# items following the new status: services/booking_services.py) and a general
# assembly's pair (services/general_assembly.py); one read of the services would do.
APPROVE_BUDGET = 22
# Cancelling, like every change of a booking, first locks the booking's room and
# reads the booking again (PostgreSQL), so that two changes of one booking
# cannot both start from the same status (tests/test_engine_concurrency.py).
# And one look-up of the room's waitlist, which may take the freed time (SPEC §8),
# and one of the booking's services, cancelled with it (SPEC §9).
CANCEL_BUDGET = 15


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"):
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def forget_everything(session) -> None:
    """Start the next request with an empty identity map, as a real request does
    (the tests' session spans their requests and the scene holds its rows)."""
    session.commit()
    session.expunge_all()


def _payload(scene, days: int, hour: int) -> dict[str, Any]:
    start = at(days, hour)
    return {"room_id": scene.room.id, "title": "Gönüllü buluşması", "start": iso(start),
            "end": iso(start + timedelta(hours=1)), "expected_attendees": 10}


def _create(api: Api, scene, days: int, hour: int) -> int:
    response = api.post("/bookings", scene.member, json=_payload(scene, days, hour))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_a_booking_request_costs_a_fixed_handful_of_statements(app, api, scene, session):
    _create(api, scene, 3, 9)
    forget_everything(session)
    with statements(db.engine) as sent:
        _create(api, scene, 3, 12)
    assert len(sent) <= CREATE_BUDGET, "\n".join(sent)
    inserts = [s for s in sent if s.lstrip().upper().startswith("INSERT")]
    tables = [s.split()[2] for s in inserts]
    assert tables[:2] == ["bookings", "audit_entries"]
    # One INSERT for all messages on PostgreSQL; SQLite's RETURNING cannot batch them.
    assert set(tables[2:]) == {"outbox_messages"}


def test_approving_and_cancelling_do_not_fetch_the_same_rows_again(app, api, scene, session):
    first, second = _create(api, scene, 4, 9), _create(api, scene, 4, 12)
    assert api.post(f"/bookings/{first}/approve", scene.staff).status_code == 200
    forget_everything(session)
    with statements(db.engine) as approving:
        assert api.post(f"/bookings/{second}/approve", scene.staff).status_code == 200
    forget_everything(session)
    with statements(db.engine) as cancelling:
        response = api.post(f"/bookings/{second}/cancel", scene.member, json={"reason": "Ertelendi"})
        assert response.status_code == 200
    assert len(approving) <= APPROVE_BUDGET, "\n".join(approving)
    assert len(cancelling) <= CANCEL_BUDGET, "\n".join(cancelling)
    room_loads = [s for s in approving if s.lstrip().startswith("SELECT rooms.id, rooms.center_id")]
    assert len(room_loads) == 1, "\n".join(room_loads)


def test_one_conflict_query_reports_bookings_then_closures_in_time_order(app, api, scene, session):
    taken = _create(api, scene, 5, 10)
    assert api.post(f"/bookings/{taken}/approve", scene.staff).status_code == 200
    closures.add_closure(session, scene.staff, start=at(5, 8), end=at(5, 9, 30), reason="Bakım",
                         center_id=scene.center.id, room_id=scene.room.id, now=utcnow())
    session.commit()
    clash = {**_payload(scene, 5, 9), "end": iso(at(5, 10, 30))}
    response = api.post("/bookings", scene.member, json=clash)
    assert response.status_code == 409
    conflicts = response.get_json()["conflicts"]
    assert [(c["kind"], c.get("booking_id")) for c in conflicts] == [("booking", taken),
                                                                      ("closure", None)]
    assert conflicts[0]["start"] == iso(at(5, 10))
    assert conflicts[1]["end"] == iso(at(5, 9, 30))
