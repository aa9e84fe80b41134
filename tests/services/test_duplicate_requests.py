"""A request the organisation already has pending for the very same room and
time (a double-clicked button, an integrator retrying a POST that timed out)
is refused with a clear message instead of becoming a second request, which
staff would see twice and whose approval would auto-reject its twin with a
confusing e-mail. Other organisations' and overlapping-but-different requests
are still allowed: pending requests may overlap (SPEC §2)."""
from __future__ import annotations

from sqlalchemy import func, select

from booking.extensions import db
from booking.models import Booking, User
from booking.services.bookings import create_booking
from booking.services.errors import RuleViolation
from tests.api.test_bookings import _request
from tests.support.api import assert_problem
from tests.support.races import race
from tests.support.scene import NOW, build_scene, local
from tests.support.web import ahead, booking_form, login, scene_for

TWIN = "Kuruluşunuzun bu salon ve saat için bekleyen bir talebi zaten var."


def _count(session, **where) -> int:
    query = select(func.count()).select_from(Booking).filter_by(**where)
    count = session.scalar(query)
    session.rollback()
    return count


def test_the_same_request_sent_twice_is_one_request(api, scene):
    first = api.post("/bookings", scene.member, json=_request(scene))
    assert first.status_code == 201, first.get_json()
    body = assert_problem(api.post("/bookings", scene.member, json=_request(scene)), 422)
    assert body["errors"] == [{"field": "start", "message": TWIN}]
    assert _count(api.session, organization_id=scene.org.id) == 1


def test_others_and_different_times_may_still_ask_for_the_slot(api, scene):
    assert api.post("/bookings", scene.member, json=_request(scene)).status_code == 201
    # Another organisation: pending requests may overlap each other.
    assert api.post("/bookings", scene.other_member, json=_request(scene)).status_code == 201
    # The same organisation, overlapping but not the same time: a deliberate request.
    assert api.post("/bookings", scene.member,
                    json=_request(scene, hour=11, minutes=60)).status_code == 201


def test_after_cancelling_the_first_the_same_request_can_be_sent_again(api, scene):
    first = api.post("/bookings", scene.member, json=_request(scene)).get_json()["id"]
    cancelled = api.post(f"/bookings/{first}/cancel", scene.member, json={"reason": "Yanlış gün"})
    assert cancelled.status_code == 200
    assert api.post("/bookings", scene.member, json=_request(scene)).status_code == 201


def test_a_series_skips_the_dates_already_requested(api, scene):
    assert api.post("/bookings", scene.member, json=_request(scene, days=10)).status_code == 201
    whole = api.post("/bookings", scene.member, json=_request(
        scene, days=3, recurrence={"freq": "weekly", "count": 3}))
    assert assert_problem(whole, 422)["errors"][0]["message"].startswith(TWIN)
    response = api.post("/bookings", scene.member, json=_request(
        scene, days=3, recurrence={"freq": "weekly", "count": 3}, skip_conflicts=True))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert len(body["bookings"]) == 2
    assert [s["reason"] for s in body["skipped"]] == [TWIN]


def test_staff_booking_for_an_organisation_is_not_held_back_by_its_pending_request(api, scene):
    assert api.post("/bookings", scene.member, json=_request(scene)).status_code == 201
    direct = api.post("/bookings", scene.staff, json=_request(scene, organization_id=scene.org.id))
    assert direct.status_code == 201, direct.get_json()  # approved; the pending twin is rejected


def test_a_double_click_at_the_same_moment_makes_one_request(app):
    with app.app_context():
        scene = build_scene(db.session)
        member_id = scene.member.id
        db.session.commit()

    def click(_i: int) -> None:
        create_booking(db.session, db.session.get(User, member_id),
                       scene.request(local(3, 10), 60), NOW)

    outcomes = race(app, click, 2, lambda exc: str(exc.errors[0].message)
                    if isinstance(exc, RuleViolation) else None)
    assert sorted(outcomes) == sorted(["ok", TWIN])


def test_the_web_form_sent_twice_shows_why_on_the_second_page(app, client):
    scene = scene_for(app)
    login(client, scene.member)
    form = booking_form(scene.room.id, ahead(3, 10))
    assert client.post("/bookings/new", data=form).status_code == 302
    again = client.post("/bookings/new", data=form)
    assert again.status_code == 422
    assert TWIN in again.get_data(as_text=True)
    with app.app_context():
        assert _count(db.session, organization_id=scene.org.id) == 1
