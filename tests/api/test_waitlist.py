"""The waitlist over the API (SPEC §8): join, list, leave, accept, decline,
with the rights and the problem answers."""
from __future__ import annotations

from datetime import timedelta

from booking.models import Booking, BookingStatus, WaitlistEntry, WaitlistState
from tests.support.api import assert_problem, at, booking_row, iso
from tests.support.factories import make_organization, make_user

S = BookingStatus


def _payload(scene, room=None, days=3, hour=10, minutes=120, **extra):
    start = at(days, hour)
    payload = {"room_id": (room or scene.room).id, "title": "Gönüllü buluşması",
               "start": iso(start), "end": iso(start + timedelta(minutes=minutes)),
               "expected_attendees": 20}
    payload.update(extra)
    return payload


def _taken(session, scene, room=None, days=3, hour=10, minutes=120):
    return booking_row(session, room or scene.room, days, hour, minutes, status=S.APPROVED,
                       organization=scene.other_org, created_by=scene.other_member)


def _offered(api, session, scene, room=None):
    """The member waits for a taken slot, the other organisation cancels: an offer."""
    taken = _taken(session, scene, room)
    joined = api.post("/waitlist", scene.member, json=_payload(scene, room))
    assert joined.status_code == 201, joined.get_json()
    cancelled = api.post(f"/bookings/{taken.id}/cancel", scene.other_member, json={})
    assert cancelled.status_code == 200
    entry = session.get(WaitlistEntry, joined.get_json()["id"])
    session.refresh(entry)
    assert entry.state == WaitlistState.OFFERED
    booking_id = entry.booking_id
    session.rollback()
    return booking_id


def test_a_member_joins_and_lists_the_waitlist_in_center_time(api, session, scene):
    _taken(session, scene)
    response = api.post("/waitlist", scene.member, json=_payload(scene))
    assert response.status_code == 201
    body = response.get_json()
    assert body["state"] == "waiting" and body["organization_id"] == scene.org.id
    assert body["start"] == iso(at(3, 10)) and body["booking_id"] is None
    listed = api.get("/waitlist", scene.member).get_json()["items"]
    assert [item["id"] for item in listed] == [body["id"]]
    assert api.get("/waitlist", scene.other_member).get_json()["items"] == []
    assert [i["id"] for i in api.get("/waitlist", scene.staff).get_json()["items"]] == [body["id"]]
    assert api.get("/waitlist", scene.other_staff).get_json()["items"] == []
    assert len(api.get("/waitlist", scene.admin).get_json()["items"]) == 1


def test_a_free_interval_answers_422_book_it_instead(api, scene):
    body = assert_problem(api.post("/waitlist", scene.member, json=_payload(scene)), 422)
    assert body["errors"][0]["field"] == "start"


def test_bad_input_answers_422_not_500(api, session, scene):
    _taken(session, scene)
    backwards = _payload(scene, minutes=-60)
    assert assert_problem(api.post("/waitlist", scene.member, json=backwards), 422)["errors"]
    unknown_room = _payload(scene, room_id=999_999)
    body = assert_problem(api.post("/waitlist", scene.member, json=unknown_room), 422)
    assert body["errors"][0]["field"] == "room_id"
    assert_problem(api.post("/waitlist", scene.member, json={"room_id": scene.room.id}), 422)
    assert_problem(api.post("/waitlist", scene.member, json=_payload(scene, extra=1)), 422)
    assert_problem(api.post("/waitlist", scene.member,
                            json=_payload(scene, expected_attendees=0)), 422)


def test_an_unverified_organisation_is_refused_and_staff_book_directly(api, session, scene):
    _taken(session, scene)
    unverified = make_organization(session, name="Yeni Dernek", is_verified=False)
    newcomer = make_user(session, organization=unverified, name="Yeni Üye")
    session.commit()
    body = assert_problem(api.post("/waitlist", newcomer, json=_payload(scene)), 422)
    assert body["errors"][0]["field"] == "organization_id"
    assert_problem(api.post("/waitlist", scene.staff, json=_payload(scene)), 403)
    assert_problem(api.post("/waitlist", None, json=_payload(scene)), 401)


def test_leaving_answers_204_and_other_organisations_see_404(api, session, scene):
    _taken(session, scene)
    entry_id = api.post("/waitlist", scene.member, json=_payload(scene)).get_json()["id"]
    assert_problem(api.delete(f"/waitlist/{entry_id}", scene.other_member), 404)
    assert_problem(api.delete(f"/waitlist/{entry_id}", scene.other_staff), 404)
    response = api.delete(f"/waitlist/{entry_id}", scene.member)
    assert response.status_code == 204 and response.get_data() == b""
    assert_problem(api.delete(f"/waitlist/{entry_id}", scene.member), 409)
    assert_problem(api.delete("/waitlist/999999", scene.member), 404)


def test_accepting_an_offer_on_an_approval_room_makes_a_pending_request(api, session, scene):
    booking_id = _offered(api, session, scene)
    offer = api.get(f"/bookings/{booking_id}", scene.member).get_json()
    assert offer["status"] == "offered" and offer["offer_expires_at"] is not None
    assert_problem(api.post(f"/bookings/{booking_id}/accept", scene.other_member), 404)
    response = api.post(f"/bookings/{booking_id}/accept", scene.member)
    assert response.status_code == 200
    assert response.get_json()["status"] == "pending"
    assert response.get_json()["offer_expires_at"] is None
    again = assert_problem(api.post(f"/bookings/{booking_id}/accept", scene.member), 409)
    assert "teklifi değil" in again["detail"]


def test_accepting_on_a_room_without_approval_approves(api, session, scene):
    booking_id = _offered(api, session, scene, room=scene.open_room)
    response = api.post(f"/bookings/{booking_id}/accept", scene.member)
    assert response.get_json()["status"] == "approved"


def test_declining_expires_the_offer_and_offers_the_next_entry(api, session, scene):
    taken = _taken(session, scene)
    first = api.post("/waitlist", scene.member, json=_payload(scene)).get_json()["id"]
    second = api.post("/waitlist", scene.other_member, json=_payload(scene, minutes=60))
    assert second.status_code == 201
    api.post(f"/bookings/{taken.id}/cancel", scene.other_member, json={})
    offer_id = session.get(WaitlistEntry, first).booking_id
    session.rollback()
    response = api.post(f"/bookings/{offer_id}/decline", scene.member)
    assert response.status_code == 200 and response.get_json()["status"] == "expired"
    items = api.get("/waitlist", scene.other_member).get_json()["items"]
    assert items[0]["state"] == "offered" and items[0]["offer_expires_at"] is not None
    body = assert_problem(api.post(f"/bookings/{offer_id}/accept", scene.member), 409)
    assert "süresi doldu" in body["detail"]


def test_an_ordinary_booking_cannot_be_accepted_or_declined(api, session, scene):
    mine = booking_row(session, scene.room, 4, 10, status=S.PENDING, organization=scene.org,
                       created_by=scene.member)
    assert_problem(api.post(f"/bookings/{mine.id}/accept", scene.member), 409)
    assert_problem(api.post(f"/bookings/{mine.id}/decline", scene.member), 409)
    assert session.get(Booking, mine.id).status == S.PENDING
