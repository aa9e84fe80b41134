"""The room's QR poster (printable page, PNG, SVG) and the check-in settings on
the admin forms."""
from __future__ import annotations

import io

import pytest
from flask import Flask

from booking.models import Center, Room
from tests.support.scene import Scene
from tests.support.web import database, plant_sign_in, scene_for


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"BASE_URL": "https://rezervasyon.example.org"}


def test_the_rooms_admin_page_links_the_poster(client, scene):
    plant_sign_in(client, scene.admin)
    page = client.get(f"/admin/rooms/{scene.room.id}").get_data(as_text=True)
    assert f'href="/admin/rooms/{scene.room.id}/poster"' in page
    assert "Karekod afişi" in page


def test_the_poster_names_room_and_center_in_both_languages_and_shows_the_code(client, scene):
    plant_sign_in(client, scene.staff)
    response = client.get(f"/admin/rooms/{scene.room.id}/poster")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert scene.room.name in page and scene.center.name in page
    assert "Toplantınıza geldiğinizde okutun" in page
    assert "Scan when you arrive" in page
    assert f"https://rezervasyon.example.org/rooms/{scene.room.id}/checkin" in page
    assert f'<img class="poster-code" src="/admin/rooms/{scene.room.id}/poster.svg"' in page
    assert "<style" not in page and "style=" not in page  # the CSP allows no inline style
    assert "/static/poster.css" in page


def test_the_svg_and_png_hold_the_absolute_checkin_address(client, scene):
    zxing = pytest.importorskip("segno")  # the writer; read back below with segno's matrix
    plant_sign_in(client, scene.staff)
    svg = client.get(f"/admin/rooms/{scene.room.id}/poster.svg")
    assert svg.mimetype == "image/svg+xml"
    assert b"<svg" in svg.data
    assert f"https://rezervasyon.example.org/rooms/{scene.room.id}/checkin".encode() in svg.data
    png = client.get(f"/admin/rooms/{scene.room.id}/poster.png?download=1")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert "attachment" in png.headers["Content-Disposition"]
    expected = zxing.make(f"https://rezervasyon.example.org/rooms/{scene.room.id}/checkin",
                          error="m", micro=False)
    buffer = io.BytesIO()
    expected.save(buffer, kind="png", scale=16, border=4)
    assert png.data == buffer.getvalue()


def test_the_poster_is_for_the_centers_staff_and_admins_only(client, scene):
    for user in (scene.member, scene.other_staff):
        plant_sign_in(client, user)
        assert client.get(f"/admin/rooms/{scene.room.id}/poster").status_code == 404
        assert client.get(f"/admin/rooms/{scene.room.id}/poster.png").status_code == 404
    plant_sign_in(client, scene.staff)
    assert client.get(f"/admin/rooms/{scene.room.id}/poster.gif").status_code == 404


def test_admins_set_check_in_on_the_center_and_room_forms(app, client, scene):
    plant_sign_in(client, scene.admin)
    with database(app) as session:
        center = session.get(Center, scene.center.id)
        data = {"name": center.name, "timezone": center.timezone, "is_active": "y"}
    assert client.post(f"/admin/centers/{scene.center.id}", data=data).status_code == 302
    page = client.get(f"/admin/rooms/{scene.room.id}").get_data(as_text=True)
    assert '<option selected value="">' in page or 'value="" selected' in page
    with database(app) as session:
        room = session.get(Room, scene.room.id)
        form = {"name": room.name, "capacity": room.capacity, "buffer_minutes": 15,
                "opening_time": "08:00", "closing_time": "22:00", "min_duration_minutes": 30,
                "max_duration_minutes": 480, "max_advance_days": 180, "is_active": "y",
                "requires_approval": "y", "checkin_required": "1"}
    assert client.post(f"/admin/rooms/{scene.room.id}", data=form).status_code == 302
    with database(app) as session:
        assert session.get(Center, scene.center.id).checkin_required is False
        room = session.get(Room, scene.room.id)
        assert (room.checkin_required, room.requires_checkin) == (True, True)
    bad = client.post(f"/admin/rooms/{scene.room.id}", data={**form, "checkin_required": "x"})
    assert bad.status_code == 422
