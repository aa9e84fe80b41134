"""The yearly summary (SPEC §6) over the API."""
from __future__ import annotations

from booking.models import BookingStatus
from tests.support.api import assert_problem, booking_row


def test_the_yearly_summary_for_staff_and_admins(api, scene, session):
    past = booking_row(session, scene.room, -1, 10, status=BookingStatus.APPROVED,
                       organization=scene.org, actual_attendees=17)
    year = past.start_at.year
    response = api.get(f"/reports/summary?year={year}", scene.staff)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["year"], body["meetings"], body["attendees"]) == (year, 1, 17)
    assert len(body["by_month"]) == 12 and body["by_center"][0]["center_id"] == scene.center.id
    admin = api.get(f"/reports/summary?year={year}&center_id={scene.center.id}", scene.admin)
    assert admin.get_json()["meetings"] == 1


def test_the_summary_refuses_others(api, scene):
    assert_problem(api.get("/reports/summary?year=2030"), 401)
    assert_problem(api.get("/reports/summary?year=2030", scene.member), 403)
    assert_problem(api.get(f"/reports/summary?year=2030&center_id={scene.center.id}",
                           scene.other_staff), 404)
    assert_problem(api.get("/reports/summary", scene.admin), 422)
    assert_problem(api.get("/reports/summary?year=1066", scene.admin), 422)
