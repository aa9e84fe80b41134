"""Bookings over the API: every endpoint, role and error status of SPEC §3."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from booking.models import Booking, BookingStatus
from tests.support.api import assert_problem, at, booking_row, iso
from tests.support.factories import make_center, make_organization, make_room, make_user

S = BookingStatus
BOOKING_MEMBERS = {"id", "room_id", "center_id", "organization_id", "title", "description",
                   "kind", "category", "start", "end", "expected_attendees", "actual_attendees",
                   "status", "status_reason", "is_public", "series_id", "created_at", "updated_at"}


def _request(scene, room=None, days=3, hour=10, minutes=120, **extra):
    start = at(days, hour)
    payload = {"room_id": (room or scene.room).id, "title": "Gönüllü buluşması",
               "start": iso(start), "end": iso(start + timedelta(minutes=minutes)),
               "expected_attendees": 20}
    payload.update(extra)
    return payload


def _status(session, booking_id):
    status = session.get(Booking, booking_id).status
    session.rollback()
    return status


# --- create ----------------------------------------------------------------


def test_a_member_requests_a_room_and_gets_a_pending_booking_in_center_time(api, scene):
    response = api.post("/bookings", scene.member, json=_request(scene, description="Aylık"))
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) >= BOOKING_MEMBERS
    assert body["status"] == "pending" and body["organization_id"] == scene.org.id
    assert body["center_id"] == scene.center.id and body["description"] == "Aylık"
    assert body["start"].endswith("+03:00") and body["created_at"].endswith("+03:00")
    assert datetime.fromisoformat(body["start"]) == at(3, 10)


def test_times_without_an_offset_are_read_in_the_rooms_center_zone(api, scene, session):
    berlin = make_center(session, name="Berlin Merkezi", timezone="Europe/Berlin")
    room = make_room(session, berlin, name="Saal", requires_approval=False)
    session.commit()
    day = at(5, 0).date()
    payload = _request(scene, room=room, start=f"{day}T10:00:00", end=f"{day}T11:00:00")
    body = api.post("/bookings", scene.member, json=payload).get_json()
    start = datetime.fromisoformat(body["start"])
    assert (start.hour, start.utcoffset()) == (10, berlin.tz.utcoffset(start.replace(tzinfo=None)))
    assert body["status"] == "approved"  # that room needs no approval


def test_staff_book_directly_approved_for_no_organisation_or_any(api, scene):
    internal = api.post("/bookings", scene.staff, json=_request(scene)).get_json()
    assert internal["status"] == "approved" and internal["organization_id"] is None
    for_org = api.post("/bookings", scene.admin, json=_request(
        scene, days=4, organization_id=scene.other_org.id)).get_json()
    assert for_org["status"] == "approved" and for_org["organization_id"] == scene.other_org.id


def test_anonymous_callers_cannot_book(api, scene):
    assert_problem(api.post("/bookings", json=_request(scene)), 401)


def test_a_member_of_an_unverified_organisation_gets_422(api, scene, session):
    newcomer = make_user(session, organization=make_organization(session, is_verified=False))
    session.commit()
    body = assert_problem(api.post("/bookings", newcomer, json=_request(scene)), 422)
    assert [e["field"] for e in body["errors"]] == ["organization_id"]


def test_a_member_cannot_book_for_another_organisation(api, scene):
    body = assert_problem(api.post("/bookings", scene.member, json=_request(
        scene, organization_id=scene.other_org.id)), 422)
    assert body["errors"][0]["field"] == "organization_id"


def test_staff_of_another_center_may_not_book_here(api, scene):
    assert_problem(api.post("/bookings", scene.other_staff, json=_request(scene)), 403)


def test_broken_rules_are_422_with_each_field(api, scene):
    body = assert_problem(api.post("/bookings", scene.member, json=_request(
        scene, room=scene.small_room, hour=6, expected_attendees=500)), 422)
    fields = {e["field"] for e in body["errors"]}
    assert "expected_attendees" in fields
    past = assert_problem(api.post("/bookings", scene.member, json=_request(scene, days=-2)), 422)
    assert "start" in {e["field"] for e in past["errors"]}
    missing_room = assert_problem(api.post("/bookings", scene.member, json=_request(
        scene, room_id=999_999)), 422)
    assert missing_room["errors"][0]["field"] == "room_id"


def test_an_overlapping_request_on_a_taken_slot_is_409_with_conflicts_and_suggestions(api, scene):
    taken = booking_row(api.session, scene.room, 3, 10, 120, status=S.APPROVED,
                        organization=scene.other_org)
    body = assert_problem(api.post("/bookings", scene.staff, json=_request(scene, hour=11)), 409)
    assert body["conflicts"][0]["booking_id"] == taken.id
    assert body["conflicts"][0]["start"].endswith("+03:00")
    assert body["suggestions"], body
    for suggestion in body["suggestions"]:
        assert set(suggestion) == {"room_id", "start", "end"}
    assert any(s["room_id"] != scene.room.id for s in body["suggestions"])


def test_a_conflict_names_only_bookings_the_caller_may_see(api, scene):
    """Like availability's busy times: another organisation's booking is a
    conflict with its time and room but without its id (asking for it is 404)."""
    taken = booking_row(api.session, scene.room, 3, 10, 120, status=S.APPROVED,
                        organization=scene.other_org)
    stranger = assert_problem(api.post("/bookings", scene.member, json=_request(scene, hour=11)),
                              409)
    assert [set(c) for c in stranger["conflicts"]] == [{"start", "end", "kind", "room_id"}]
    assert_problem(api.get(f"/bookings/{taken.id}", scene.member), 404)
    owner = assert_problem(api.post("/bookings", scene.other_member,
                                    json=_request(scene, hour=11)), 409)
    assert owner["conflicts"][0]["booking_id"] == taken.id
    # A series' skipped occurrences follow the same rule.
    series = api.post("/bookings", scene.member, json=_request(
        scene, days=3, hour=11, recurrence={"freq": "daily", "count": 2}, skip_conflicts=True))
    assert series.status_code == 201, series.get_json()
    skipped = series.get_json()["skipped"]
    assert len(skipped) == 1 and skipped[0]["conflicts"]
    assert all(c.get("booking_id") is None for c in skipped[0]["conflicts"])


def test_a_weekly_series_books_each_occurrence_and_can_skip_conflicts(api, scene):
    booking_row(api.session, scene.room, 10, 10, 120, status=S.APPROVED, organization=scene.other_org)
    whole = api.post("/bookings", scene.member, json=_request(
        scene, recurrence={"freq": "weekly", "count": 3}))
    assert_problem(whole, 409)
    response = api.post("/bookings", scene.member, json=_request(
        scene, recurrence={"freq": "weekly", "count": 3}, skip_conflicts=True))
    assert response.status_code == 201
    body = response.get_json()
    assert len(body["bookings"]) == 2 and len(body["skipped"]) == 1
    assert {b["series_id"] for b in body["bookings"]} == {body["series_id"]}
    assert body["skipped"][0]["start"].startswith(str(at(10, 10).date()))


# --- list and read ---------------------------------------------------------


@pytest.fixture
def bookings(scene, session):
    """Three bookings: one of each organisation in the scene's center, one elsewhere."""
    other_center_room = make_room(session, scene.other_staff.centers[0], name="Uzak Salon")
    rows = {
        "mine": booking_row(session, scene.room, 3, 10, organization=scene.org,
                            created_by=scene.member),
        "theirs": booking_row(session, scene.big_room, 4, 10, status=S.APPROVED,
                              organization=scene.other_org),
        "far": booking_row(session, other_center_room, 5, 10, organization=scene.org),
    }
    return rows


def _ids(response):
    assert response.status_code == 200, response.get_json()
    return {item["id"] for item in response.get_json()["items"]}


def test_listing_is_scoped_by_role(api, scene, bookings):
    mine, theirs, far = bookings["mine"].id, bookings["theirs"].id, bookings["far"].id
    assert _ids(api.get("/bookings", scene.member)) == {mine, far}
    assert _ids(api.get("/bookings", scene.other_member)) == {theirs}
    assert _ids(api.get("/bookings", scene.staff)) == {mine, theirs}
    assert _ids(api.get("/bookings", scene.other_staff)) == {far}
    assert _ids(api.get("/bookings", scene.admin)) == {mine, theirs, far}
    assert_problem(api.get("/bookings"), 401)


def test_listing_filters_and_paginates(api, scene, bookings):
    admin = scene.admin
    assert _ids(api.get("/bookings?status=approved", admin)) == {bookings["theirs"].id}
    assert _ids(api.get(f"/bookings?room_id={scene.room.id}", admin)) == {bookings["mine"].id}
    assert _ids(api.get(f"/bookings?center_id={scene.center.id}", scene.staff)) == \
        {bookings["mine"].id, bookings["theirs"].id}
    assert _ids(api.get(f"/bookings?organization_id={scene.org.id}", admin)) == \
        {bookings["mine"].id, bookings["far"].id}
    day4 = at(4, 0).date()
    assert _ids(api.get(f"/bookings?from={day4}T00:00&to={day4}T23:59", admin)) == \
        {bookings["theirs"].id}
    page = api.get("/bookings?per_page=2&page=2", admin).get_json()
    assert (page["page"], page["per_page"], page["total"], len(page["items"])) == (2, 2, 3, 1)
    assert page["items"][0]["id"] == bookings["far"].id  # ordered by start


def test_a_list_range_ending_before_it_starts_is_422_like_availability(api, scene, bookings):
    day4 = at(4, 0).date()
    body = assert_problem(api.get(f"/bookings?from={day4}T12:00&to={day4}T10:00", scene.admin),
                          422)
    assert body["errors"] == [{"field": "to", "message": "Aralığın sonu başından sonra olmalı."}]
    # Offsets are compared as instants: 12:00+03:00 is before 10:00Z.
    ok = api.get(f"/bookings?from={day4}T12:00%2B03:00&to={day4}T10:00Z", scene.admin)
    assert ok.status_code == 200
    unencoded = assert_problem(api.get(f"/bookings?from={day4}T12:00+03:00", scene.admin), 422)
    assert unencoded["errors"][0]["field"] == "from"
    # Date-only values are accepted in the filters (midnight in the zone).
    assert _ids(api.get(f"/bookings?from={day4}&to={day4 + timedelta(days=1)}", scene.admin)) \
        == {bookings["theirs"].id}


def test_a_booking_the_caller_may_not_see_is_404(api, scene, bookings):
    mine = bookings["mine"].id
    assert api.get(f"/bookings/{mine}", scene.member).get_json()["id"] == mine
    assert api.get(f"/bookings/{mine}", scene.staff).status_code == 200
    for outsider in (scene.other_member, scene.other_staff):
        assert_problem(api.get(f"/bookings/{mine}", outsider), 404)
    assert_problem(api.get(f"/bookings/{mine}"), 401)
    assert_problem(api.get("/bookings/424242", scene.admin), 404)


# --- organisation A against organisation B's booking ------------------------


@pytest.mark.parametrize("method, path, payload", [
    ("GET", "", None),
    ("PATCH", "", {"title": "Ele geçirildi"}),
    ("POST", "/cancel", {}),
    ("POST", "/approve", None),
    ("POST", "/reject", {"reason": "Hayır"}),
    ("POST", "/attendance", {"actual_attendees": 3}),
])
def test_a_member_of_another_organisation_gets_404_for_everything(api, scene, session, method,
                                                                   path, payload):
    theirs = booking_row(session, scene.room, 3, 10, organization=scene.other_org)
    response = api.call(method, f"/bookings/{theirs.id}{path}", scene.member, json=payload)
    assert_problem(response, 404)
    fresh = session.get(Booking, theirs.id)
    assert (fresh.status, fresh.title) == (S.PENDING, "Toplantı")
    session.rollback()


# --- change ----------------------------------------------------------------


def test_a_member_moving_an_approved_booking_sends_it_back_to_pending(api, scene, session):
    booking = booking_row(session, scene.room, 3, 10, status=S.APPROVED, organization=scene.org,
                          created_by=scene.member)
    response = api.patch(f"/bookings/{booking.id}", scene.member, json={
        "start": iso(at(3, 14)), "end": iso(at(3, 15)), "title": "Yeni saat"})
    body = response.get_json()
    assert response.status_code == 200, body
    assert (body["status"], body["title"]) == ("pending", "Yeni saat")
    assert datetime.fromisoformat(body["start"]) == at(3, 14)
    renamed = api.patch(f"/bookings/{booking.id}", scene.member, json={"is_public": True})
    assert renamed.get_json()["is_public"] is True


def test_changing_into_a_taken_slot_is_409_and_a_bad_change_is_422(api, scene, session):
    booking = booking_row(session, scene.room, 3, 10, organization=scene.org)
    booking_row(session, scene.room, 3, 14, 120, status=S.APPROVED, organization=scene.other_org)
    assert_problem(api.patch(f"/bookings/{booking.id}", scene.member, json={
        "start": iso(at(3, 14)), "end": iso(at(3, 15))}), 409)
    body = assert_problem(api.patch(f"/bookings/{booking.id}", scene.member,
                                    json={"expected_attendees": 1000}), 422)
    assert body["errors"][0]["field"] == "expected_attendees"
    assert_problem(api.patch(f"/bookings/{booking.id}", json={"title": "x"}), 401)


def test_a_cancelled_booking_cannot_be_changed_409(api, scene, session):
    booking = booking_row(session, scene.room, 3, 10, status=S.CANCELLED, organization=scene.org)
    assert_problem(api.patch(f"/bookings/{booking.id}", scene.member, json={"title": "x"}), 409)


# --- approve, reject, cancel, attendance -------------------------------------


def test_staff_approve_and_overlapping_requests_are_rejected(api, scene, session):
    first = booking_row(session, scene.room, 3, 10, organization=scene.org)
    rival = booking_row(session, scene.room, 3, 11, organization=scene.other_org)
    response = api.post(f"/bookings/{first.id}/approve", scene.staff)
    assert response.status_code == 200 and response.get_json()["status"] == "approved"
    assert _status(session, rival.id) == S.REJECTED
    body = assert_problem(api.post(f"/bookings/{first.id}/approve", scene.staff), 409)
    assert body["type"].endswith("#problem-invalid-transition")


def test_approving_over_an_approved_booking_is_409_with_suggestions(api, scene, session):
    booking_row(session, scene.room, 3, 10, 120, status=S.APPROVED, organization=scene.other_org)
    # A pending request that slipped in (inserted directly, the engine would refuse it later).
    pending = booking_row(session, scene.room, 3, 11, organization=scene.org)
    body = assert_problem(api.post(f"/bookings/{pending.id}/approve", scene.admin), 409)
    assert body["conflicts"] and body["suggestions"]
    assert _status(session, pending.id) == S.PENDING


def test_who_may_approve(api, scene, session):
    booking = booking_row(session, scene.room, 3, 10, organization=scene.org)
    assert_problem(api.post(f"/bookings/{booking.id}/approve"), 401)
    assert_problem(api.post(f"/bookings/{booking.id}/approve", scene.member), 403)  # owner
    assert_problem(api.post(f"/bookings/{booking.id}/approve", scene.other_member), 404)
    assert_problem(api.post(f"/bookings/{booking.id}/approve", scene.other_staff), 404)
    assert api.post(f"/bookings/{booking.id}/approve", scene.admin).status_code == 200


def test_rejecting_needs_a_reason(api, scene, session):
    booking = booking_row(session, scene.room, 3, 10, organization=scene.org)
    body = assert_problem(api.post(f"/bookings/{booking.id}/reject", scene.staff, json={}), 422)
    assert body["errors"][0]["field"] == "reason"
    blank = assert_problem(api.post(f"/bookings/{booking.id}/reject", scene.staff,
                                    json={"reason": "   "}), 422)
    assert blank["errors"][0]["field"] == "reason"
    assert_problem(api.post(f"/bookings/{booking.id}/reject", scene.member,
                            json={"reason": "Vazgeçtik"}), 403)
    response = api.post(f"/bookings/{booking.id}/reject", scene.staff,
                        json={"reason": "Salon tadilatta"})
    assert response.get_json()["status_reason"] == "Salon tadilatta"


def test_the_owner_staff_and_admin_may_cancel(api, scene, session):
    for actor in (scene.member, scene.staff, scene.admin):
        booking = booking_row(session, scene.room, 3 + actor.id, 10, organization=scene.org)
        response = api.post(f"/bookings/{booking.id}/cancel", actor, json={"reason": "Ertelendi"})
        assert response.status_code == 200
        assert response.get_json()["status"] == "cancelled"
    again = api.post(f"/bookings/{booking.id}/cancel", scene.admin)
    assert_problem(again, 409)
    assert_problem(api.post(f"/bookings/{booking.id}/cancel"), 401)


def test_attendance_is_recorded_by_staff_after_the_start(api, scene, session):
    future = booking_row(session, scene.room, 3, 10, status=S.APPROVED, organization=scene.org)
    started = booking_row(session, scene.room, -1, 10, status=S.APPROVED, organization=scene.org)
    body = assert_problem(api.post(f"/bookings/{future.id}/attendance", scene.staff,
                                   json={"actual_attendees": 12}), 422)
    assert body["errors"][0]["field"] == "actual_attendees"
    assert_problem(api.post(f"/bookings/{started.id}/attendance", scene.member,
                            json={"actual_attendees": 12}), 403)
    assert_problem(api.post(f"/bookings/{started.id}/attendance", scene.staff,
                            json={"actual_attendees": -1}), 422)
    response = api.post(f"/bookings/{started.id}/attendance", scene.staff,
                        json={"actual_attendees": 12})
    assert response.status_code == 200 and response.get_json()["actual_attendees"] == 12


# --- series ------------------------------------------------------------------


def test_cancelling_a_series_cancels_its_future_occurrences(api, scene, session):
    created = api.post("/bookings", scene.member, json=_request(
        scene, recurrence={"freq": "weekly", "count": 3, "byweekday": []})).get_json()
    series_id = created["series_id"]
    assert_problem(api.post(f"/series/{series_id}/cancel", scene.other_member), 404)
    assert_problem(api.post(f"/series/{series_id}/cancel"), 401)
    response = api.post(f"/series/{series_id}/cancel", scene.member, json={"reason": "Dağıldık"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["series_id"] == series_id and len(body["bookings"]) == 3
    statuses = set(session.scalars(select(Booking.status).where(Booking.series_id == series_id)))
    session.rollback()
    assert statuses == {S.CANCELLED}
    assert_problem(api.post("/series/424242/cancel", scene.admin), 404)
