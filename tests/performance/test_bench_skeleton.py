"""bench/skeleton_app.py, the load bench's ceiling, does the product's database
work for a booking request: the same statements (its ``same`` variant), the
same rows, and it refuses the same conflicts. If it drifted from the product
(a column added, a statement removed from the create path), its figure in
docs/performance.md would stop meaning anything; these tests say so first.
PostgreSQL only: the bench runs there, and the merged variant's writable CTE
is PostgreSQL SQL."""
from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest
from sqlalchemy import func, select

from booking.extensions import db
from booking.models import AuditEntry, Booking, OutboxMessage
from tests.performance.test_statement_budget import _create, _payload, forget_everything, statements
from tests.support.api import Api
from tests.support.paths import ROOT

pytestmark = pytest.mark.postgres
SKELETON = ROOT / "bench" / "skeleton_app.py"


def _skeleton(monkeypatch: pytest.MonkeyPatch, database_url: str, variant: str) -> ModuleType:
    """A fresh import of the skeleton app on this test's database (it reads its
    variant and database from the environment when imported, as under gunicorn)."""
    monkeypatch.setenv("BOOKING_DATABASE_URL", database_url)
    monkeypatch.setenv("BOOKING_SECRET_KEY", "bench-secret")  # as bench/booking_load.py gives it
    monkeypatch.setenv("BENCH_SKELETON", variant)
    spec = importlib.util.spec_from_file_location(f"skeleton_app_{variant}", SKELETON)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module


def _rows(session, booking_id: int) -> tuple[int, list[str]]:
    audits = session.scalar(select(func.count()).select_from(AuditEntry)
                            .where(AuditEntry.booking_id == booking_id))
    kinds = sorted(session.scalars(select(OutboxMessage.kind)
                                   .where(OutboxMessage.booking_id == booking_id)))
    return audits, kinds


@pytest.mark.parametrize("variant", ["same", "merged"])
def test_the_skeleton_writes_what_the_product_writes(app, api: Api, scene, session, monkeypatch,
                                                    database_url, variant):
    product_id = _create(api, scene, 3, 9)
    forget_everything(session)
    with statements(db.engine) as product_sent:
        _create(api, scene, 3, 12)
    skeleton = _skeleton(monkeypatch, database_url, variant)
    headers = {"Authorization": f"Bearer {api.token(scene.member)}"}
    with skeleton.app.app_context():
        with statements(skeleton.db.engine) as skeleton_sent:
            answer = skeleton.app.test_client().post(
                "/api/v1/bookings", json=_payload(scene, 3, 15), headers=headers)
        skeleton.db.engine.dispose()
    assert answer.status_code == 201, answer.get_data(as_text=True)
    skeleton_id = answer.get_json()["id"]
    session.expire_all()
    made = session.get(Booking, skeleton_id)
    assert (made.room_id, made.organization_id, made.created_by_id, made.status) == (
        scene.room.id, scene.member.organization_id, scene.member.id, "pending")
    product_audits, product_kinds = _rows(session, product_id)
    skeleton_audits, skeleton_kinds = _rows(session, skeleton_id)
    assert skeleton_audits == product_audits == 1
    if variant == "same":
        assert len(skeleton_sent) == len(product_sent), "\n".join(product_sent)
        assert skeleton_kinds == product_kinds
    else:  # one message to the requester, one to the center instead of each staff member
        # token, room, conflicts, quota rules, the one writable CTE
        assert len(skeleton_sent) == 5, "\n".join(skeleton_sent)
        assert skeleton_kinds == ["new_request", "request_received"]


def test_the_skeleton_refuses_a_slot_an_approved_booking_holds(app, api: Api, scene, session,
                                                             monkeypatch, database_url):
    taken = _create(api, scene, 5, 10)
    assert api.post(f"/bookings/{taken}/approve", scene.staff).status_code == 200
    skeleton = _skeleton(monkeypatch, database_url, "same")
    headers = {"Authorization": f"Bearer {api.token(scene.member)}"}
    with skeleton.app.app_context():
        answer = skeleton.app.test_client().post(
            "/api/v1/bookings", json=_payload(scene, 5, 10), headers=headers)
        skeleton.db.engine.dispose()
    assert answer.status_code == 409
