"""The booking form's room picker (SPEC §11 "Everyday paths"): the rooms a
person may book, grouped by center, each option with capacity and (for
members) whether it needs approval; a room chosen only when the link one came
by names it, otherwise an explicit empty first option whose sending is an error."""
from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from booking.models import Booking, Center, Room
from tests.support.factories import make_center, make_room
from tests.support.scene import Scene
from tests.support.web import ahead, booking_form, database, login, scene_for


@pytest.fixture
def scene(app: Flask) -> Scene:
    scene = scene_for(app)
    with database(app) as session:
        bornova = session.scalar(select(Center).where(Center.name == "Bornova Sivil Toplum Merkezi"))
        make_room(session, bornova, name="Yamaç Odası", capacity=8)
        make_room(session, session.merge(scene.center), name="Kapalı Depo", is_active=False)
        closed = make_center(session, name="Kapanmış Merkez", is_active=False)
        make_room(session, closed, name="Eski Salon")
        session.commit()
    return scene


def _select(html: str) -> str:
    match = re.search(r'<select[^>]*id="room_id".*?</select>', unescape(html), re.S)
    assert match, html[:3000]
    return match.group(0)


def _groups(html: str) -> dict[str, list[str]]:
    return {label: re.findall(r"<option[^>]*>([^<]*)</option>", body)
            for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>',
                                          _select(html), re.S)}


def _selected(html: str) -> list[str]:
    return re.findall(r'<option selected value="([^"]*)"', _select(html))


def test_the_picker_groups_the_bookable_rooms_by_center(client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    groups = _groups(client.get("/bookings/new").get_data(as_text=True))
    assert list(groups) == ["Bornova Sivil Toplum Merkezi", "Üsküdar Sivil Toplum Merkezi"]
    assert groups["Bornova Sivil Toplum Merkezi"] == ["Yamaç Odası (8 kişi, onay gerekir)"]
    assert groups["Üsküdar Sivil Toplum Merkezi"] == [
        "Atölye (12 kişi, onay gerekir)", "Konferans Salonu (150 kişi, onay gerekir)",
        "Serbest Oda (20 kişi)", "Toplantı Salonu (40 kişi, onay gerekir)"]


def test_an_inactive_room_or_center_is_not_offered(client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    html = _select(client.get("/bookings/new").get_data(as_text=True))
    assert "Kapalı Depo" not in html and "Eski Salon" not in html and "Kapanmış Merkez" not in html


def test_staff_are_offered_only_their_centers_rooms_without_approval_notes(
        client: FlaskClient, scene: Scene) -> None:
    login(client, scene.staff)
    groups = _groups(client.get("/bookings/new").get_data(as_text=True))
    assert list(groups) == ["Üsküdar Sivil Toplum Merkezi"]
    assert "Toplantı Salonu (40 kişi)" in groups["Üsküdar Sivil Toplum Merkezi"]


def test_without_a_room_in_the_link_the_empty_option_is_chosen(client: FlaskClient,
                                                               scene: Scene) -> None:
    login(client, scene.member)
    html = client.get("/bookings/new").get_data(as_text=True)
    assert re.search(r'<select[^>]*id="room_id"[^>]*>\s*<option selected value="">Oda seçin</option>',
                     unescape(html))
    assert _selected(html) == [""]


def test_sending_the_empty_option_names_the_room_field(app: Flask, client: FlaskClient,
                                                       scene: Scene) -> None:
    login(client, scene.member)
    response = client.post("/bookings/new", data=booking_form("", ahead(3, 10)))
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert re.search(r'id="room_id-error"[^>]*><span aria-hidden="true">⚠</span> Bir salon seçin\.', html)
    assert '<a href="#room_id">Salon: Bir salon seçin.</a>' in html
    with database(app) as session:
        assert session.scalar(select(func.count()).select_from(Booking)) == 0


def test_the_room_pages_link_preselects_its_room(client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    week = client.get(f"/rooms/{scene.small_room.id}").get_data(as_text=True)
    [link] = re.findall(r'href="(/bookings/new\?room_id=\d+)"', week)
    assert _selected(client.get(link).get_data(as_text=True)) == [str(scene.small_room.id)]


def test_a_free_hour_link_preselects_its_room(client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    day = ahead(3, 0).date().isoformat()
    week = unescape(client.get(f"/rooms/{scene.big_room.id}?week={day}").get_data(as_text=True))
    # A free gap on the time axis: its link carries the room, the day and a start.
    link = re.search(rf'href="(/bookings/new\?[^"]*date={day}[^"]*start_time=[^"]*)"', week)
    assert link, week[:3000]
    assert _selected(client.get(link.group(1)).get_data(as_text=True)) == [str(scene.big_room.id)]


def test_a_link_to_a_room_one_may_not_book_chooses_nothing(app: Flask, client: FlaskClient,
                                                           scene: Scene) -> None:
    with database(app) as session:
        yamac = session.scalar(select(Room.id).where(Room.name == "Yamaç Odası"))
    login(client, scene.staff)  # staff of Üsküdar: Bornova's room is not theirs to book
    html = client.get(f"/bookings/new?room_id={yamac}").get_data(as_text=True)
    assert _selected(html) == [""]
    response = client.post("/bookings/new", data=booking_form(yamac, ahead(3, 10)))
    assert response.status_code == 422
    assert "Bir salon seçin." in response.get_data(as_text=True)


def test_a_room_id_that_is_not_a_number_is_a_form_error(client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    response = client.post("/bookings/new", data=booking_form("salon", ahead(3, 10)))
    assert response.status_code == 422
    assert "Listeden bir seçim yapın." in response.get_data(as_text=True)
