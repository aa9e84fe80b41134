"""GET /availability as the one search: every center, districts, features, best fit first."""
from __future__ import annotations

from booking.models import BookingStatus
from tests.support.api import assert_problem, at, booking_row
from tests.support.factories import make_center, make_room


def _world(session, scene):
    scene.center.district = "Üsküdar"
    bornova = make_center(session, name="Bornova Merkezi", district="Bornova")
    make_room(session, bornova, name="Sinema", capacity=15, features=["projector"])
    make_room(session, bornova, name="Çatı Katı", capacity=20)
    closed = make_center(session, name="Kapalı Merkez", district="Bornova", is_active=False)
    make_room(session, closed, name="Eski Salon", capacity=15)
    booking_row(session, scene.big_room, 3, 10, 120, status=BookingStatus.APPROVED,
                organization=scene.org)
    session.commit()


def _names(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [room["name"] for room in response.get_json()]


def test_without_a_center_every_active_center_is_searched_best_fit_first(api, scene, session):
    _world(session, scene)
    day = at(3, 0).date()
    query = f"/availability?start={day}T10:00&end={day}T12:00&attendees=15"
    assert _names(api.get(query)) == ["Sinema", "Çatı Katı", "Serbest Oda", "Toplantı Salonu"]
    assert _names(api.get(query + "&district=bornova")) == ["Sinema", "Çatı Katı"]
    assert _names(api.get(query + "&feature=projector")) == ["Sinema"]
    assert _names(api.get(query + "&feature=projector&feature=wifi")) == []
    assert _names(api.get(query + f"&center_id={scene.center.id}")) == \
        ["Serbest Oda", "Toplantı Salonu"]


def test_search_errors_are_problems(api, scene, session):
    day = at(3, 0).date()
    assert_problem(api.get(f"/availability?start={day}T12:00&end={day}T10:00"), 422)
    assert_problem(api.get(f"/availability?start={day}T10:00&end={day}T12:00&feature=jacuzzi"),
                   422)
    assert_problem(api.get(f"/availability?start={day}T10:00&end={day}T12:00&attendees=0"), 422)
    assert_problem(api.get(f"/availability?start={day}T10:00&end={day}T10:00Z"), 422)


def test_the_document_describes_the_new_parameters(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    parameters = {p["name"]: p for p in doc["paths"]["/availability"]["get"]["parameters"]}
    assert {"center_id", "district", "feature", "attendees", "start", "end"} <= set(parameters)
    assert not parameters["center_id"].get("required")
    assert parameters["feature"]["schema"]["type"] == "array"


def test_availability_filters_by_accessibility_and_rooms_show_their_details(api, scene, session):
    _world(session, scene)
    bornova = session.query(type(scene.center)).filter_by(name="Bornova Merkezi").one()
    bornova.latitude, bornova.longitude, bornova.postal_code = 38.4622, 27.2166, "35040"
    make_room(session, bornova, name="Engelsiz Salon", capacity=16, floor_level=-1,
              accessibility=["step_free_entrance", "lift", "accessible_wc"])
    make_room(session, bornova, name="Asansörlü Oda", capacity=16, accessibility=["lift"])
    session.commit()
    day = at(3, 0).date()
    query = f"/availability?start={day}T10:00&end={day}T12:00&attendees=15"
    assert _names(api.get(query + "&accessibility=lift")) == ["Asansörlü Oda", "Engelsiz Salon"]
    rooms = api.get(query + "&accessibility=lift&accessibility=accessible_wc").get_json()
    assert [r["name"] for r in rooms] == ["Engelsiz Salon"]
    assert rooms[0]["floor_level"] == -1 and rooms[0]["photos"] == []
    assert rooms[0]["accessibility"] == ["accessible_wc", "lift", "step_free_entrance"]
    assert_problem(api.get(query + "&accessibility=jacuzzi"), 422)
    listed = api.get("/rooms?accessibility=accessible_wc").get_json()["items"]
    assert [r["name"] for r in listed] == ["Engelsiz Salon"]
    center = api.get(f"/centers/{bornova.id}").get_json()
    assert (center["latitude"], center["longitude"], center["postal_code"]) == \
        (38.4622, 27.2166, "35040")
    assert center["map_url"] == ("https://www.openstreetmap.org/?mlat=38.4622&mlon=27.2166"
                                 "#map=18/38.4622/27.2166")


def test_an_admin_sets_coordinates_both_or_neither_within_range(api, scene, session):
    path = f"/centers/{scene.center.id}"
    assert_problem(api.patch(path, scene.admin, json={"latitude": 91}), 422)
    body = assert_problem(api.patch(path, scene.admin, json={"latitude": 38.4}), 422)
    assert "longitude" in str(body)
    done = api.patch(path, scene.admin, json={"latitude": 38.4, "longitude": 27.1})
    assert done.status_code == 200 and done.get_json()["map_url"].startswith("https://www.openstreetmap.org/")
    room = api.patch(f"/rooms/{scene.room.id}", scene.admin,
                     json={"floor_level": 2, "accessibility": ["hearing_loop"]})
    assert room.status_code == 200
    assert room.get_json()["floor_level"] == 2 and room.get_json()["accessibility"] == ["hearing_loop"]
    assert_problem(api.patch(f"/rooms/{scene.room.id}", scene.member, json={"floor_level": 1}), 403)
