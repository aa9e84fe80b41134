"""General assemblies over the API (SPEC §9): the pair in one POST, its
warnings, the call text on GET, quorum reached, and problem+json refusals."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from booking.models import Booking, BookingKind, BookingStatus, GeneralAssembly
from tests.support.api import assert_problem, at, iso
from tests.support.factories import make_booking

S = BookingStatus


def _request(scene, days=20, gap=14, **extra):
    first, second = at(days, 10), at(days + gap, 10)
    payload = {"room_id": scene.room.id, "title": "Olağan Genel Kurul", "kind": "general_assembly",
               "start": iso(first), "end": iso(first + timedelta(hours=2)),
               "second_start": iso(second), "second_end": iso(second + timedelta(hours=2)),
               "expected_attendees": 30}
    payload.update(extra)
    return payload


def _count(session):
    count = session.scalar(select(func.count()).select_from(Booking))
    session.rollback()
    return count


def test_a_member_requests_a_general_assembly_and_gets_both_dates(api, scene):
    response = api.post("/bookings", scene.member, json=_request(scene))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert [b["kind"] for b in body["bookings"]] == ["general_assembly"] * 2
    assert body["warnings"] == []
    assembly = body["assembly"]
    assert assembly["first"]["booking_id"] == body["bookings"][0]["id"]
    assert datetime.fromisoformat(assembly["second"]["start"]) == at(34, 10)
    assert scene.org.name in assembly["call_text"] and scene.room.name in assembly["call_text"]
    shown = api.get(f"/bookings/{body['bookings'][1]['id']}", scene.member).get_json()
    assert shown["assembly"]["id"] == assembly["id"]
    plain = api.post("/bookings", scene.member, json={**_request(scene, days=3), "kind": "meeting",
                                                      "second_start": None, "second_end": None})
    assert plain.get_json()["assembly"] is None


def test_a_first_date_less_than_15_days_away_is_warned_of(api, scene):
    body = api.post("/bookings", scene.member, json=_request(scene, days=10)).get_json()
    assert len(body["bookings"]) == 2 and "15" in body["warnings"][0]


def test_a_second_date_out_of_bounds_is_a_422_naming_it_and_nothing_is_stored(api, scene, session):
    for gap in (6, 61, -3):
        body = assert_problem(api.post("/bookings", scene.member,
                                       json=_request(scene, gap=gap)), 422)
        assert body["errors"][0]["field"] == "second_start"
    body = assert_problem(api.post("/bookings", scene.member,
                                   json=_request(scene, second_start=None, second_end=None)), 422)
    assert body["errors"][0]["field"] == "second_start"
    assert _count(session) == 0


def test_a_conflict_on_the_second_date_is_a_409_with_suggestions_and_nothing_is_stored(
        api, scene, session):
    make_booking(session, scene.room, at(34, 9), 240, status=S.APPROVED,
                 organization=scene.other_org)
    session.commit()
    body = assert_problem(api.post("/bookings", scene.member, json=_request(scene)), 409)
    assert body["suggestions"] and "İkinci" in body["detail"]
    assert _count(session) == 1


def _started_pair(session, scene):
    now = datetime.now(UTC)
    first = make_booking(session, scene.room, now - timedelta(minutes=30), 120, status=S.APPROVED,
                         organization=scene.org, kind=BookingKind.GENERAL_ASSEMBLY)
    second = make_booking(session, scene.room, now + timedelta(days=14), 120, status=S.APPROVED,
                          organization=scene.org, kind=BookingKind.GENERAL_ASSEMBLY)
    session.add(GeneralAssembly(organization_id=scene.org.id, first_booking_id=first.id,
                                second_booking_id=second.id, created_at=now))
    session.commit()
    return first.id, second.id


def test_quorum_reached_cancels_the_second_date(api, scene, session):
    first_id, _second_id = _started_pair(session, scene)
    assert_problem(api.post(f"/bookings/{first_id}/quorum-reached", scene.other_member), 404)
    response = api.post(f"/bookings/{first_id}/quorum-reached", scene.member)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["quorum_reached_at"] and body["second"]["status"] == "cancelled"
    assert_problem(api.post(f"/bookings/{first_id}/quorum-reached", scene.member), 409)


def test_quorum_reached_before_the_first_meeting_is_a_422(api, scene):
    body = api.post("/bookings", scene.staff,
                    json=_request(scene, organization_id=scene.org.id)).get_json()
    first_id = body["bookings"][0]["id"]
    problem = assert_problem(api.post(f"/bookings/{first_id}/quorum-reached", scene.member), 422)
    assert problem["errors"][0]["field"] == "quorum"
