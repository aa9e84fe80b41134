"""The waitlist pages (SPEC §8): join from a conflict answer or a taken block,
"My waitlist" with offers to accept or decline and entries to leave."""
from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.models import Booking, BookingStatus, WaitlistEntry, WaitlistState, utcnow
from booking.services import bookings as booking_service
from tests.support.scene import Scene
from tests.support.web import ahead, approved_booking, booking_form, database, login, scene_for


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _entries(app: Flask) -> list[WaitlistEntry]:
    with database(app) as session:
        rows = list(session.scalars(select(WaitlistEntry).order_by(WaitlistEntry.id)))
        for row in rows:
            _ = row.booking
        return rows


def _hidden_fields(html: str) -> dict[str, str]:
    """The fields of the conflict answer's "join the waitlist" form."""
    form = re.search(r'<form method="post" action="/waitlist/join".*?</form>', html, re.S)
    assert form, "no join button in the conflict answer"
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form.group(0)))


def _cancel(app: Flask, scene: Scene, booking_id: int) -> None:
    with database(app) as session:
        booking_service.cancel_booking(session, session.merge(scene.staff), booking_id, None,
                                       utcnow())
        session.commit()


def test_a_member_joins_the_waitlist_from_the_conflict_answer(app: Flask, client: FlaskClient,
                                                              scene: Scene) -> None:
    _taken = approved_booking(app, scene, ahead(3, 10))
    login(client, scene.member)
    answer = client.post("/bookings/new", data=booking_form(scene.room.id, ahead(3, 10)))
    assert answer.status_code == 422
    fields = _hidden_fields(answer.get_data(as_text=True))
    assert fields["start_time"] == "10:00" and fields["room_id"] == str(scene.room.id)
    joined = client.post("/waitlist/join", data=fields)
    assert joined.status_code == 302 and joined.location.endswith("/waitlist")
    [entry] = _entries(app)
    assert entry.state == WaitlistState.WAITING and entry.start_at == ahead(3, 10)
    page = unescape(client.get("/waitlist").get_data(as_text=True))
    assert "Sıraya girdiniz." in page and "Gönüllü buluşması" in page
    assert f'action="/waitlist/{entry.id}/leave"' in page
    left = client.post(f"/waitlist/{entry.id}/leave")
    assert left.status_code == 302
    assert _entries(app)[0].state == WaitlistState.LEFT


def test_staff_get_no_join_button_and_no_join_page(app: Flask, client: FlaskClient,
                                                   scene: Scene) -> None:
    approved_booking(app, scene, ahead(3, 10))
    login(client, scene.staff)
    answer = client.post("/bookings/new", data=booking_form(
        scene.room.id, ahead(3, 10), organization_id=scene.org.id))
    assert answer.status_code == 422
    assert 'action="/waitlist/join"' not in answer.get_data(as_text=True)
    assert client.get(f"/waitlist/join?room_id={scene.room.id}").status_code == 404


def test_a_taken_block_of_the_room_week_links_to_a_filled_join_form(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    approved_booking(app, scene, ahead(3, 10))
    login(client, scene.member)
    week = client.get(f"/rooms/{scene.room.id}?week={ahead(3, 10).date().isoformat()}")
    links = re.findall(r'class="tl-wait" href="([^"]+)"', week.get_data(as_text=True))
    assert links, "no join link on the taken block"
    form = client.get(unescape(links[0]))
    html = form.get_data(as_text=True)
    assert form.status_code == 200
    assert 'value="10:00"' in html and 'value="12:00"' in html


def test_bad_join_input_is_a_form_error_not_a_500(app: Flask, client: FlaskClient,
                                                  scene: Scene) -> None:
    approved_booking(app, scene, ahead(3, 10))
    login(client, scene.member)
    base = {"room_id": scene.room.id, "title": "Gönüllü buluşması",
            "date": ahead(3, 10).date().isoformat(), "start_time": "12:00", "end_time": "10:00",
            "expected_attendees": 20}
    backwards = client.post("/waitlist/join", data=base)
    assert backwards.status_code == 422
    assert "Bitiş zamanı başlangıçtan sonra olmalı." in unescape(backwards.get_data(as_text=True))
    assert client.post("/waitlist/join", data={**base, "start_time": "soon"}).status_code == 422
    assert client.post("/waitlist/join", data={**base, "room_id": 999_999}).status_code == 404
    assert client.get("/waitlist/join?room_id=abc").status_code == 404
    free = client.post("/waitlist/join", data={**base, "start_time": "15:00", "end_time": "16:00"})
    assert free.status_code == 422
    assert "doğrudan rezervasyon" in unescape(free.get_data(as_text=True))
    assert _entries(app) == []


def test_an_offer_is_accepted_on_my_waitlist_page(app: Flask, client: FlaskClient,
                                                  scene: Scene) -> None:
    taken = approved_booking(app, scene, ahead(3, 10))
    login(client, scene.member)
    fields = _hidden_fields(client.post("/bookings/new", data=booking_form(
        scene.room.id, ahead(3, 10))).get_data(as_text=True))
    client.post("/waitlist/join", data=fields)
    _cancel(app, scene, taken)
    [entry] = _entries(app)
    offer_id = entry.booking_id
    page = unescape(client.get("/waitlist").get_data(as_text=True))
    assert "Size ayrılan saatler <small>(1)</small>" in page
    assert f'action="/bookings/{offer_id}/accept"' in page
    assert f'action="/bookings/{offer_id}/decline"' in page
    detail = unescape(client.get(f"/bookings/{offer_id}").get_data(as_text=True))
    assert "Bekleme listesi teklifi" in detail
    accepted = client.post(f"/bookings/{offer_id}/accept")
    assert accepted.status_code == 302 and accepted.location.endswith(f"/bookings/{offer_id}")
    with database(app) as session:
        assert session.get(Booking, offer_id).status == BookingStatus.PENDING
    again = client.post(f"/bookings/{offer_id}/accept", follow_redirects=True)
    assert "teklifi değil" in unescape(again.get_data(as_text=True))


def test_another_organisation_cannot_answer_the_offer(app: Flask, client: FlaskClient,
                                                      scene: Scene) -> None:
    taken = approved_booking(app, scene, ahead(3, 10))
    login(client, scene.member)
    client.post("/waitlist/join", data=_hidden_fields(client.post(
        "/bookings/new", data=booking_form(scene.room.id, ahead(3, 10))).get_data(as_text=True)))
    _cancel(app, scene, taken)
    offer_id = _entries(app)[0].booking_id
    client.post("/logout")
    login(client, scene.other_member)
    answer = client.post(f"/bookings/{offer_id}/decline", follow_redirects=True)
    assert "Rezervasyon bulunamadı." in unescape(answer.get_data(as_text=True))
    assert client.get(f"/bookings/{offer_id}").status_code == 404
    with database(app) as session:
        assert session.get(Booking, offer_id).status == BookingStatus.OFFERED
