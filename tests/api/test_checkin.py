"""POST /api/v1/bookings/{id}/checkin: 200 with the booking, problem+json
outside the window or for a booking that is not approved, 404 for one the
caller may not see (SPEC §8)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from booking.models import BookingStatus
from tests.support.api import assert_problem
from tests.support.factories import make_booking


def _approved(session, scene, minutes_from_now: int, **values):
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=minutes_from_now)
    booking = make_booking(session, scene.room, start, 60, status=values.pop(
        "status", BookingStatus.APPROVED), organization=scene.org, created_by=scene.member,
        **values)
    session.commit()
    return booking.id


def test_a_member_checks_in_inside_the_window_and_gets_the_booking(api, scene, session):
    booking_id = _approved(session, scene, 5)
    response = api.post(f"/bookings/{booking_id}/checkin", scene.member)
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "approved" and body["requires_checkin"] is True
    first = datetime.fromisoformat(body["checked_in_at"])
    assert body["checked_in_at"].endswith("+03:00")
    again = api.post(f"/bookings/{booking_id}/checkin", scene.staff).get_json()
    assert datetime.fromisoformat(again["checked_in_at"]) == first


def test_staff_of_the_center_check_in(api, scene, session):
    booking_id = _approved(session, scene, -10)
    assert api.post(f"/bookings/{booking_id}/checkin", scene.staff).status_code == 200


def test_before_the_window_opens_the_answer_is_422_naming_when_it_opens(api, scene, session):
    booking_id = _approved(session, scene, 60)
    response = api.post(f"/bookings/{booking_id}/checkin", scene.member)
    body = assert_problem(response, 422)
    assert body["errors"][0]["field"] == "checkin"
    assert "açılır" in body["errors"][0]["message"]


def test_after_the_window_closed_the_answer_is_422(api, scene, session):
    booking_id = _approved(session, scene, -30)
    body = assert_problem(api.post(f"/bookings/{booking_id}/checkin", scene.member), 422)
    assert "doldu" in body["errors"][0]["message"]


def test_a_pending_or_no_show_booking_answers_409(api, scene, session):
    for status in (BookingStatus.PENDING, BookingStatus.NO_SHOW):
        booking_id = _approved(session, scene, 5, status=status)
        body = assert_problem(api.post(f"/bookings/{booking_id}/checkin", scene.member), 409)
        assert "onaylı" in body["detail"]


def test_another_organisation_and_another_centers_staff_get_404(api, scene, session):
    booking_id = _approved(session, scene, 5)
    for outsider in (scene.other_member, scene.other_staff):
        assert_problem(api.post(f"/bookings/{booking_id}/checkin", outsider), 404)
    assert_problem(api.post("/bookings/999999/checkin", scene.member), 404)


def test_anonymous_callers_get_401(api, scene, session):
    booking_id = _approved(session, scene, 5)
    assert_problem(api.post(f"/bookings/{booking_id}/checkin"), 401)


def test_admins_set_check_in_on_centers_and_rooms(api, scene, session):
    center = api.patch(f"/centers/{scene.center.id}", scene.admin,
                       json={"checkin_required": False})
    assert center.status_code == 200 and center.get_json()["checkin_required"] is False
    room = api.get(f"/rooms/{scene.room.id}").get_json()
    assert (room["checkin_required"], room["requires_checkin"]) == (None, False)
    room = api.patch(f"/rooms/{scene.room.id}", scene.admin, json={"checkin_required": True})
    assert (room.get_json()["checkin_required"], room.get_json()["requires_checkin"]) == (True, True)
    assert_problem(api.patch(f"/centers/{scene.center.id}", scene.admin,
                             json={"checkin_required": None}), 422)


def test_the_openapi_document_declares_the_checkin_operation_and_the_new_members(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    operation = doc["paths"]["/bookings/{booking_id}/checkin"]["post"]
    assert {"200", "401", "404", "409", "422"} <= set(operation["responses"])
    schemas = doc["components"]["schemas"]
    booking = schemas["BookingOut"]["properties"]
    assert {"checked_in_at", "requires_checkin"} <= set(booking)
    statuses = schemas["BookingStatus"]["enum"]
    assert {"no_show", "offered", "expired"} <= set(statuses)
    report = schemas["ReportOut"]["properties"]
    assert {"no_shows", "no_show_rate", "occupancy"} <= set(report)
