"""The quota in the JSON API: a request past a limit is 422 on the field
`quota`, staff book past it with `quota_reason`, an organisation reads what it
has used, and only admins set the rules."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.api import ISTANBUL, assert_problem, at, iso


def _book(api, scene, user, start, minutes, **extra):
    return api.post("/bookings", user, json={
        "room_id": scene.room.id, "title": "Kota", "start": iso(start),
        "end": iso(start + timedelta(minutes=minutes)), "expected_attendees": 10, **extra})


def _set(api, scene, user, **body):
    return api.call("PUT", f"/centers/{scene.center.id}/quotas", user, json=body)


def test_a_request_past_the_monthly_hours_is_a_422_on_the_quota_field(api, scene):
    assert _set(api, scene, scene.admin, monthly_hours=2).status_code == 200
    first = (at(3, 10).replace(day=1) + timedelta(days=32)).replace(day=2)  # a month of its own
    assert _book(api, scene, scene.member, first, 120).status_code == 201
    body = assert_problem(_book(api, scene, scene.member, first + timedelta(days=1), 60), 422)
    [error] = body["errors"]
    assert error["field"] == "quota"
    assert "2 saat kullanıldı" in error["message"] and "izin verilen 2 saat" in error["message"]


def test_staff_book_past_the_quota_with_a_reason(api, scene):
    _set(api, scene, scene.admin, weekly_bookings=1)
    monday = at(14, 10) - timedelta(days=at(14, 10).weekday())
    assert _book(api, scene, scene.member, monday, 60).status_code == 201
    refused = _book(api, scene, scene.staff, monday + timedelta(days=1), 60,
                    organization_id=scene.org.id)
    assert {e["field"] for e in assert_problem(refused, 422)["errors"]} == {"quota"}
    allowed = _book(api, scene, scene.staff, monday + timedelta(days=1), 60,
                    organization_id=scene.org.id, quota_reason="Bayram programı")
    assert allowed.status_code == 201, allowed.get_json()


def test_an_organisation_reads_what_it_has_used_this_month(api, scene):
    _set(api, scene, scene.admin, monthly_hours=20, open_requests=5)
    _set(api, scene, scene.admin, organization_id=scene.org.id, monthly_hours=30)
    starts = [at(1, 10), at(2, 10)]
    for start, minutes in zip(starts, (120, 90), strict=True):
        assert _book(api, scene, scene.member, start, minutes).status_code == 201
    before = datetime.now(UTC).astimezone(ISTANBUL).strftime("%Y-%m")
    response = api.get(f"/organizations/{scene.org.id}/quota?center_id={scene.center.id}",
                       scene.member)
    assert response.status_code == 200
    this_month = response.get_json()["month"]  # the service's month: midnight may pass meanwhile
    assert this_month in {before, datetime.now(UTC).astimezone(ISTANBUL).strftime("%Y-%m")}
    expected = sum(minutes for start, minutes in zip(starts, (120, 90), strict=True)
                   if start.astimezone(ISTANBUL).strftime("%Y-%m") == this_month) / 60
    assert response.get_json() | {"week_count": None} == {
        "month": this_month, "hours_used": expected, "hours_limit": 30, "open_requests": 2,
        "open_limit": 5, "week_count": None, "week_limit": None}


def test_nobody_else_reads_an_organisations_quota(api, scene):
    path = f"/organizations/{scene.org.id}/quota?center_id={scene.center.id}"
    assert_problem(api.get(path, scene.other_member), 404)
    assert_problem(api.get(path), 401)
    assert api.get(path, scene.other_staff).status_code == 200
    assert_problem(api.get(f"/organizations/{scene.org.id}/quota", scene.member), 422)
    assert_problem(api.get(f"/organizations/{scene.org.id}/quota?center_id=999999",
                           scene.member), 404)


def test_only_admins_set_rules_and_a_limit_below_one_is_refused(api, scene):
    assert_problem(_set(api, scene, scene.staff, monthly_hours=5), 403)
    assert_problem(_set(api, scene, scene.member, monthly_hours=5), 403)
    assert_problem(_set(api, scene, scene.admin, monthly_hours=0), 422)
    assert_problem(_set(api, scene, scene.admin, open_requests=-1), 422)
    assert_problem(_set(api, scene, scene.admin, organization_id=999999, monthly_hours=3), 422)
    listed = api.get(f"/centers/{scene.center.id}/quotas", scene.staff).get_json()
    assert listed == {"items": []}
    assert _set(api, scene, scene.admin, monthly_hours=5).status_code == 200
    items = api.get(f"/centers/{scene.center.id}/quotas", scene.staff).get_json()["items"]
    assert [(i["organization_id"], i["monthly_hours"]) for i in items] == [(None, 5)]
    assert _set(api, scene, scene.admin).get_json() == {"items": []}  # no limit left: removed
    assert_problem(api.get(f"/centers/{scene.center.id}/quotas", scene.member), 404)
