"""The one search on the home page and /ara: form errors, results best fit
first, and the request link that opens the prefilled form (SPEC §11)."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.models import Booking, BookingStatus
from tests.support.factories import make_center, make_room
from tests.support.scene import Scene
from tests.support.web import ahead, approved_booking, csrf_token, database, login, scene_for


@pytest.fixture
def scene(app: Flask) -> Scene:
    scene = scene_for(app)
    with database(app) as session:
        center = make_center(session, name="Bornova Merkezi", district="Bornova")
        make_room(session, center, name="Sinema", capacity=15, features=["projector"])
        session.commit()
    return scene


def _search(client: FlaskClient, **values) -> str:
    day = ahead(3, 0).date().isoformat()
    args = {"date": day, "start_time": "10:00", "end_time": "12:00", "attendees": "15",
            **values}
    response = client.get("/ara", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _rows(html: str) -> list[str]:
    return [unescape(re.sub(r"<[^>]+>", "", m)).strip()
            for m in re.findall(r'<th scope="row">(.*?)</th>', html, re.S)]


def _links(html: str) -> list[str]:
    return [unescape(m) for m in re.findall(r'<a class="button" href="([^"]+)"', html)]


def test_home_and_search_page_show_the_form(client: FlaskClient, scene: Scene) -> None:
    for path in ("/", "/ara"):
        html = client.get(path).get_data(as_text=True)
        assert 'action="/ara"' in html and 'role="search"' in html
        assert '<label for="attendees">' in html
        assert "Bornova" in html  # the districts and centers to choose from
    assert "boş salon" not in client.get("/ara").get_data(as_text=True).split("</form>")[1]


def test_results_are_best_fit_first_across_centers(app: Flask, client: FlaskClient,
                                                   scene: Scene) -> None:
    approved_booking(app, scene, ahead(3, 11), 60)  # Toplantı Salonu is taken
    html = _search(client)
    assert _rows(html) == ["Sinema", "Serbest Oda", "Konferans Salonu"]
    assert "4 boş salon" not in html and "3 boş salon" in html
    assert _rows(_search(client, features="projector", district="Bornova")) == ["Sinema"]
    nothing = _search(client, attendees="1000")
    assert _rows(nothing) == [] and "Bu arama için boş salon yok" in nothing


def test_any_time_that_day_lists_first_slots(client: FlaskClient, scene: Scene) -> None:
    html = _search(client, any_time="y", minutes="90", start_time="", end_time="", attendees="5",
                   center_id=str(scene.center.id))
    assert _rows(html)[0] == "Atölye"
    assert "08:00–09:30" in html


@pytest.mark.parametrize("values, message", [
    ({"date": "2030-02-30"}, "Geçerli bir tarih girin."),
    ({"date": "yarın"}, "Geçerli bir tarih girin."),
    ({"end_time": "09:00"}, "Bitiş saati başlangıçtan sonra olmalı."),
    ({"attendees": "0"}, "1 ile 100000 arasında olmalı."),
    ({"attendees": "99999999999999999999"}, "Bu sayı çok büyük."),
    ({"attendees": "abc"}, "Bir tam sayı girin."),
    ({"start_time": ""}, "Bu alan gerekli."),
    ({"any_time": "y", "minutes": ""}, "Bu alan gerekli."),
    ({"any_time": "y", "minutes": "5000"}, "1 ile 1440 dakika arasında olmalı."),
    ({"center_id": "99999999999999999999"}, "Listeden bir seçim yapın."),
    ({"features": "jacuzzi"}, "geçerli bir seçim değil"),
    ({"district": "x\x00"}, "NUL"),
])
def test_bad_input_is_a_form_error(client: FlaskClient, scene: Scene, values, message) -> None:
    html = _search(client, **values)
    assert 'class="alert alert-error" role="alert"' in html
    assert message in unescape(html)
    assert _rows(html) == []


def test_anonymous_visitors_sign_in_then_land_on_the_prefilled_form(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    links = _links(_search(client))
    sign_in = urlsplit(links[0])
    assert sign_in.path == "/login"
    target = parse_qs(sign_in.query)["next"][0]
    response = client.post("/login", data={"email": scene.member.email,
                                           "password": "correct horse battery",
                                           "next": target})
    assert response.status_code == 302 and response.headers["Location"].endswith(target)
    form = client.get(target).get_data(as_text=True)
    assert 'value="10:00"' in form and 'value="12:00"' in form and 'value="15"' in form
    sinema = re.search(r'<option selected value="(\d+)">Bornova Merkezi — Sinema', form) or \
        re.search(r'<option[^>]*selected[^>]*>[^<]*Sinema', form)
    assert sinema, form[:3000]


def test_the_prefilled_request_link_books_end_to_end(app: Flask, client: FlaskClient,
                                                     scene: Scene) -> None:
    login(client, scene.member)
    link = _links(_search(client, center_id=str(scene.center.id)))[0]
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert set(query) == {"room_id", "date", "start_time", "end_time", "expected_attendees"}
    page = client.get(link).get_data(as_text=True)
    data = {**query, "title": "Gönüllü buluşması", "kind": "meeting", "category": "youth",
            "interval": "1", "csrf_token": csrf_token(page) if "csrf_token" in page else ""}
    response = client.post("/bookings/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with database(app) as session:
        booking = session.scalars(select(Booking)).one()
        assert booking.room_id == int(query["room_id"]) == scene.open_room.id
        assert booking.expected_attendees == 15
        assert booking.start_at == ahead(3, 10)
        assert booking.status in (BookingStatus.PENDING, BookingStatus.APPROVED)


def test_staff_get_request_links_only_for_their_centers(client: FlaskClient,
                                                        scene: Scene) -> None:
    login(client, scene.staff)
    html = _search(client)
    links = [parse_qs(urlsplit(href).query)["room_id"][0] for href in _links(html)]
    assert len(_rows(html)) == 4 and len(links) == 3  # Sinema is another center's


def test_the_search_speaks_english(client: FlaskClient, scene: Scene) -> None:
    day = ahead(3, 0).date().isoformat()
    html = client.get(f"/ara?date={day}&start_time=10:00&end_time=12:00&attendees=15",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Find a free room" in html and "4 free rooms" in html
    assert ">Request<" in html


def test_other_parameters_leave_the_empty_form(client: FlaskClient, scene: Scene) -> None:
    for path in ("/?attendees=0", "/ara?attendees=0"):
        html = client.get(path).get_data(as_text=True)
        assert 'role="alert"' not in html and 'id="date" name="date"' in html
        assert re.search(r'id="date" name="date"[^>]*value="\d{4}-\d\d-\d\d"', html), html[:200]
