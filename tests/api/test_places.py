"""Centers, rooms, closures and availability over the API."""
from __future__ import annotations

from datetime import datetime

from booking.models import BookingStatus, Closure
from tests.support.api import assert_problem, at, booking_row, iso
from tests.support.factories import make_center, make_room

S = BookingStatus


# --- centers -----------------------------------------------------------------


def test_admins_create_centers_with_the_default_zone(api, scene):
    response = api.post("/centers", scene.admin, json={"name": "Kadıköy Merkezi",
                                                       "address": "Moda Cad. 1"})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["name"], body["timezone"], body["address"]) == \
        ("Kadıköy Merkezi", "Europe/Istanbul", "Moda Cad. 1")
    assert api.get(f"/centers/{body['id']}").get_json()["name"] == "Kadıköy Merkezi"


def test_only_admins_create_centers(api, scene):
    payload = {"name": "Yeni Merkez"}
    assert_problem(api.post("/centers", json=payload), 401)
    for user in (scene.member, scene.staff):
        assert_problem(api.post("/centers", user, json=payload), 403)


def test_center_validation_is_422(api, scene):
    body = assert_problem(api.post("/centers", scene.admin, json={
        "name": scene.center.name, "timezone": "Mars/Olympus"}), 422)
    assert {e["field"] for e in body["errors"]} == {"name", "timezone"}
    assert_problem(api.post("/centers", scene.admin, json={"name": ""}), 422)


def test_anyone_lists_active_centers_and_admins_also_inactive_ones(api, scene, session):
    closed = make_center(session, name="Kapalı Merkez", is_active=False)
    session.commit()
    public = api.get("/centers").get_json()
    names = {c["name"] for c in public["items"]}
    assert scene.center.name in names and "Kapalı Merkez" not in names
    assert public["total"] == len(public["items"])
    assert_problem(api.get(f"/centers/{closed.id}"), 404)
    assert api.get(f"/centers/{closed.id}", scene.admin).status_code == 200
    assert_problem(api.get("/centers/424242"), 404)


def test_admins_change_a_center(api, scene):
    response = api.patch(f"/centers/{scene.center.id}", scene.admin, json={"phone": "0216 000"})
    assert response.get_json()["phone"] == "0216 000"
    assert_problem(api.patch(f"/centers/{scene.center.id}", scene.staff, json={"phone": "1"}), 403)


# --- rooms -------------------------------------------------------------------


def test_admins_create_rooms_with_the_spec_defaults(api, scene):
    response = api.post("/rooms", scene.admin, json={
        "center_id": scene.center.id, "name": "Yeni Salon", "capacity": 25,
        "features": ["projector", "wifi"]})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["requires_approval"], body["buffer_minutes"], body["opening_time"],
            body["closing_time"], body["min_duration_minutes"], body["max_duration_minutes"],
            body["max_advance_days"]) == (True, 0, "08:00", "22:00", 30, 480, 180)
    assert body["features"] == ["projector", "wifi"] and body["timezone"] == "Europe/Istanbul"


def test_room_creation_errors(api, scene):
    payload = {"center_id": scene.center.id, "name": "Salon", "capacity": 10}
    assert_problem(api.post("/rooms", json=payload), 401)
    assert_problem(api.post("/rooms", scene.staff, json=payload), 403)
    body = assert_problem(api.post("/rooms", scene.admin, json={
        **payload, "opening_time": "20:00", "closing_time": "09:00", "features": ["pool"]}), 422)
    assert {e["field"] for e in body["errors"]} >= {"features.0"}
    hours = assert_problem(api.post("/rooms", scene.admin, json={
        **payload, "opening_time": "20:00", "closing_time": "09:00"}), 422)
    assert {e["field"] for e in hours["errors"]} == {"closing_time"}
    assert_problem(api.post("/rooms", scene.admin, json={**payload, "center_id": 424242}), 422)


def test_listing_rooms_filters_by_center_capacity_and_features(api, scene, session):
    elsewhere = make_room(session, scene.other_staff.centers[0], name="Uzak", capacity=200,
                          features=["projector"])
    make_room(session, scene.center, name="Kapalı Oda", is_active=False)
    session.commit()

    def names(query):
        return {r["name"] for r in api.get(f"/rooms?{query}").get_json()["items"]}

    assert names(f"center_id={scene.center.id}") == {
        "Toplantı Salonu", "Atölye", "Konferans Salonu", "Serbest Oda"}
    assert names("min_capacity=100") == {"Konferans Salonu", "Uzak"}
    assert names("feature=projector&feature=sound_system") == {"Konferans Salonu"}
    assert names("feature=projector") == {"Konferans Salonu", "Uzak"}
    assert "Kapalı Oda" in {r["name"] for r in api.get("/rooms?per_page=50", scene.admin)
                            .get_json()["items"]}
    assert_problem(api.get("/rooms?feature=jacuzzi"), 422)
    assert api.get(f"/rooms/{elsewhere.id}").get_json()["capacity"] == 200


def test_admins_change_rooms_and_others_cannot(api, scene):
    path = f"/rooms/{scene.room.id}"
    response = api.patch(path, scene.admin, json={"capacity": 45, "closing_time": "23:00",
                                                  "buffer_minutes": 30})
    body = response.get_json()
    assert (body["capacity"], body["closing_time"], body["buffer_minutes"]) == (45, "23:00", 30)
    assert_problem(api.patch(path, json={"capacity": 5}), 401)
    assert_problem(api.patch(path, scene.staff, json={"capacity": 5}), 403)
    assert_problem(api.patch(path, scene.admin, json={"capacity": 0}), 422)
    assert_problem(api.patch("/rooms/424242", scene.admin, json={"capacity": 5}), 404)


# --- closures ----------------------------------------------------------------


def test_staff_close_a_room_and_see_the_approved_bookings_it_overlaps(api, scene, session):
    hit = booking_row(session, scene.room, 3, 10, status=S.APPROVED, organization=scene.org)
    booking_row(session, scene.room, 3, 12, status=S.PENDING, organization=scene.org)
    day = at(3, 0).date()
    response = api.post(f"/rooms/{scene.room.id}/closures", scene.staff, json={
        "start": f"{day}T09:00", "end": f"{day}T18:00", "reason": "Boya badana"})
    assert response.status_code == 201
    body = response.get_json()
    assert [b["id"] for b in body["overlapping"]] == [hit.id]
    assert body["closure"]["start"] == f"{day}T09:00:00+03:00"
    assert session.get(Closure, body["closure"]["id"]).reason == "Boya badana"
    session.rollback()


def test_closure_errors_by_role_and_input(api, scene):
    path = f"/rooms/{scene.room.id}/closures"
    payload = {"start": iso(at(3, 9)), "end": iso(at(3, 18)), "reason": "Tadilat"}
    assert_problem(api.post(path, json=payload), 401)
    assert_problem(api.post(path, scene.member, json=payload), 403)
    assert_problem(api.post(path, scene.other_staff, json=payload), 403)
    assert_problem(api.post(path, scene.staff, json={**payload, "end": iso(at(3, 8))}), 422)
    assert_problem(api.post(path, scene.staff, json={**payload, "reason": ""}), 422)
    assert_problem(api.post("/rooms/424242/closures", scene.admin, json=payload), 404)
    assert api.post(path, scene.admin, json=payload).status_code == 201


# --- availability ------------------------------------------------------------


def test_room_availability_hides_titles_from_anonymous_callers(api, scene, session):
    booking = booking_row(session, scene.room, 3, 10, 120, status=S.APPROVED,
                          organization=scene.org, title="Gizli toplantı")
    day = at(3, 0).date()
    query = f"/rooms/{scene.room.id}/availability?from={day}T00:00&to={day}T23:59"
    anonymous = api.get(query).get_json()
    busy = [b for b in anonymous["busy"] if b["kind"] == "booking"]
    assert len(busy) == 1 and busy[0]["title"] is None and busy[0]["organization"] is None
    assert busy[0]["booking_id"] is None
    assert busy[0]["start"] == f"{day}T10:00:00+03:00"
    assert any(b["kind"] == "buffer" for b in anonymous["busy"])  # the room's 15 minutes
    free = [(datetime.fromisoformat(f["start"]), datetime.fromisoformat(f["end"]))
            for f in anonymous["free"]]
    # Free within opening hours, a buffer's length away from the booking on both sides.
    assert free == [(at(3, 8), at(3, 9, 45)), (at(3, 12, 15), at(3, 22))]
    owner = api.get(query, scene.member).get_json()
    mine = next(b for b in owner["busy"] if b["kind"] == "booking")
    assert (mine["title"], mine["organization"], mine["booking_id"]) == \
        ("Gizli toplantı", scene.org.name, booking.id)
    stranger = api.get(query, scene.other_member).get_json()
    assert next(b for b in stranger["busy"] if b["kind"] == "booking")["title"] is None


def test_availability_errors(api, scene):
    day = at(3, 0).date()
    assert_problem(api.get("/rooms/424242/availability"), 404)
    assert_problem(api.get(f"/rooms/{scene.room.id}/availability?from={day}T12:00&to={day}T10:00"),
                   422)
    assert_problem(api.get(f"/rooms/{scene.room.id}/availability?from=2030-01-01T00:00&to=2031-01-01T00:00"),
                   422)


def test_free_rooms_of_a_center_for_an_interval(api, scene, session):
    booking_row(session, scene.big_room, 3, 10, 120, status=S.APPROVED, organization=scene.org)
    day = at(3, 0).date()
    response = api.get(f"/availability?center_id={scene.center.id}&start={day}T10:00"
                       f"&end={day}T12:00&attendees=15")
    assert response.status_code == 200
    names = [room["name"] for room in response.get_json()]
    assert names == ["Serbest Oda", "Toplantı Salonu"]  # by capacity; the hall is taken
    assert_problem(api.get("/availability?center_id=424242&start=2030-01-01T10:00"
                           "&end=2030-01-01T11:00"), 404)
    assert_problem(api.get(f"/availability?center_id={scene.center.id}"), 422)
