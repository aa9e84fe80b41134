"""Holidays and administrative leave for every centre in the JSON API: admins
import a year's holidays and declare leave; everyone else is refused; bad
input is problem+json on its field."""
from __future__ import annotations

from booking.models import BookingStatus
from tests.support.api import assert_problem, at
from tests.support.factories import make_booking


def _day(days: int) -> str:
    return at(days, 0).date().isoformat()


def test_an_admin_declares_leave_and_sees_it_listed(api, scene):
    created = api.post("/administrative-leave", scene.admin,
                       json={"first_day": _day(20), "last_day": _day(21), "half_day": True})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["days"] == [_day(20), _day(21)]
    assert (body["added"], body["already"], body["overlapping"]) == (4, 0, [])
    listed = api.get("/administrative-leave", scene.admin)
    assert listed.status_code == 200
    assert [(i["day"], i["closed_from"], i["centers"]) for i in listed.get_json()["items"]] == [
        (_day(20), "13:00", 2), (_day(21), "13:00", 2)]


def test_leave_answers_the_approved_bookings_it_meets(api, scene, session):
    booking = make_booking(session, scene.room, at(22, 10), status=BookingStatus.APPROVED,
                           organization=scene.org)
    session.commit()
    body = api.post("/administrative-leave", scene.admin, json={"first_day": _day(22)}).get_json()
    assert [b["id"] for b in body["overlapping"]] == [booking.id]


def test_removing_a_day_answers_204_then_404(api, scene):
    api.post("/administrative-leave", scene.admin, json={"first_day": _day(20)})
    assert api.delete(f"/administrative-leave?day={_day(20)}", scene.admin).status_code == 204
    assert_problem(api.delete(f"/administrative-leave?day={_day(20)}", scene.admin), 404)
    assert api.get("/administrative-leave", scene.admin).get_json()["items"] == []


def test_staff_and_members_may_not_close_every_centre(api, scene):
    for user in (scene.staff, scene.member):
        assert_problem(api.post("/administrative-leave", user, json={"first_day": _day(20)}), 403)
        assert_problem(api.post("/holidays/import", user, json={"year": 2030}), 403)
        assert_problem(api.get("/administrative-leave", user), 403)
    assert_problem(api.post("/administrative-leave", None, json={"first_day": _day(20)}), 401)


def test_a_backwards_span_and_a_bad_date_are_422_on_their_fields(api, scene):
    backwards = assert_problem(api.post("/administrative-leave", scene.admin, json={
        "first_day": _day(21), "last_day": _day(20)}), 422)
    assert [e["field"] for e in backwards["errors"]] == ["last_day"]
    malformed = assert_problem(api.post("/administrative-leave", scene.admin, json={
        "first_day": "2030-02-30"}), 422)
    assert "first_day" in {e["field"] for e in malformed["errors"]}
    assert_problem(api.post("/holidays/import", scene.admin, json={"year": 1999}), 422)


def test_the_holiday_import_for_every_centre_adds_nothing_the_second_time(api, scene):
    first = api.post("/holidays/import", scene.admin, json={"year": 2030})
    assert first.status_code == 201 and first.get_json()["added"] > 0
    assert api.post("/holidays/import", scene.admin, json={"year": 2030}).get_json() == {
        "added": 0}
