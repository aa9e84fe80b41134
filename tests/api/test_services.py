"""Services with a booking over the API (SPEC §9): the catalogue, items in
POST /bookings and GET /bookings/{id}, the staff's tasks and marking one
done, with the rights and the problem answers."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from booking.models import Booking, BookingServiceItem
from booking.services import service_catalogue
from booking.services.service_catalogue import ItemValues
from tests.support.api import assert_problem, at, iso


@pytest.fixture
def items(session, scene):
    now = datetime.now(UTC)
    made = {name: service_catalogue.add_item(session, scene.admin, scene.center.id,
                                             ItemValues(name, unit, stock, active), now).id
            for name, unit, stock, active in (("Çay ikramı", "kişi", None, True),
                                              ("Projeksiyon", "adet", 2, True),
                                              ("Tepegöz", "adet", 1, False))}
    session.commit()
    return made


def _payload(scene, services, room=None, days=3, hour=10):
    start = at(days, hour)
    return {"room_id": (room or scene.room).id, "title": "Gönüllü buluşması",
            "start": iso(start), "end": iso(start + timedelta(hours=2)),
            "expected_attendees": 20, "services": services}


def test_the_catalogue_lists_active_items_for_anyone_and_inactive_ones_for_staff(
        api, scene, items):
    public = api.get(f"/centers/{scene.center.id}/services").get_json()["items"]
    assert [(i["name"], i["unit"], i["stock"]) for i in public] == [
        ("Çay ikramı", "kişi", None), ("Projeksiyon", "adet", 2)]
    staff = api.get(f"/centers/{scene.center.id}/services", scene.staff).get_json()["items"]
    assert len(staff) == 3
    assert_problem(api.get("/centers/999999/services"), 404)


def test_a_request_with_services_answers_them_and_the_booking_shows_them(api, scene, items):
    created = api.post("/bookings", scene.member, json=_payload(scene, [
        {"item_id": items["Çay ikramı"], "quantity": 30, "note": "Simit de"},
        {"item_id": items["Projeksiyon"], "quantity": 1}]))
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert [(s["name"], s["quantity"], s["status"]) for s in body["services"]] == [
        ("Çay ikramı", 30, "requested"), ("Projeksiyon", 1, "requested")]
    approved = api.post(f"/bookings/{body['id']}/approve", scene.staff, json={})
    assert approved.status_code == 200, approved.get_json()
    shown = api.get(f"/bookings/{body['id']}", scene.member).get_json()
    assert {s["status"] for s in shown["services"]} == {"promised"}


@pytest.mark.parametrize(("service", "status"), [
    ({"quantity": 0}, 422), ({"quantity": -1}, 422), ({"quantity": 3}, 422),
    ({"quantity": "2"}, 422), ({"item": "Tepegöz", "quantity": 1}, 422),
    ({"item_id": 999999, "quantity": 1}, 422)])
def test_bad_services_answer_a_problem_and_nothing_is_booked(api, session, scene, items,
                                                             service, status):
    wanted = {"item_id": service.get("item_id", items[service.get("item", "Projeksiyon")]),
              "quantity": service["quantity"]}
    response = api.post("/bookings", scene.member, json=_payload(scene, [wanted]))
    body = assert_problem(response, status)
    assert body["errors"], body
    assert session.query(Booking).count() == 0 and session.query(BookingServiceItem).count() == 0


def test_approval_beyond_stock_answers_422_naming_the_item(api, session, scene, items):
    first = api.post("/bookings", scene.staff, json=_payload(
        scene, [{"item_id": items["Projeksiyon"], "quantity": 2}], room=scene.big_room))
    assert first.get_json()["status"] == "approved"
    asked = api.post("/bookings", scene.member, json=_payload(
        scene, [{"item_id": items["Projeksiyon"], "quantity": 1}], hour=11)).get_json()
    body = assert_problem(api.post(f"/bookings/{asked['id']}/approve", scene.staff, json={}), 422)
    assert body["errors"][0]["field"] == "services" and "Projeksiyon" in body["errors"][0]["message"]
    assert api.get(f"/bookings/{asked['id']}", scene.staff).get_json()["status"] == "pending"


def test_staff_list_the_days_tasks_and_mark_one_done_others_get_404(api, scene, items):
    made = api.post("/bookings", scene.staff, json=_payload(
        scene, [{"item_id": items["Çay ikramı"], "quantity": 25}])).get_json()
    task_id = made["services"][0]["id"]
    day = at(3, 10).date().isoformat()
    tasks = api.get(f"/centers/{scene.center.id}/tasks?day={day}", scene.staff).get_json()
    assert [(t["name"], t["quantity"], t["room_name"], t["booking_id"]) for t in tasks["items"]] \
        == [("Çay ikramı", 25, scene.room.name, made["id"])]
    assert api.get(f"/centers/{scene.center.id}/tasks?day={at(4, 10).date().isoformat()}",
                   scene.staff).get_json()["items"] == []
    assert_problem(api.get(f"/centers/{scene.center.id}/tasks", scene.member), 404)
    assert_problem(api.get(f"/centers/{scene.center.id}/tasks", scene.other_staff), 404)
    assert_problem(api.post(f"/tasks/{task_id}/done", scene.other_staff, json={}), 404)
    assert_problem(api.post(f"/tasks/{task_id}/done", scene.member, json={}), 404)
    done = api.post(f"/tasks/{task_id}/done", scene.staff, json={})
    assert done.status_code == 200 and done.get_json()["status"] == "done"
    assert done.get_json()["done_at"] is not None
