"""Every HTML page renders for the roles it is for; anonymous visitors are sent
to sign in and signed-in users without the role get a 404."""
from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.scene import Scene
from tests.support.web import ahead, database, login, scene_for

PUBLIC = ["/", "/centers", "/login", "/register", "/password/forgot"]
MEMBER = ["/bookings", "/bookings/new", "/profile"]
STAFF = ["/staff/queue", "/staff/organizations", "/staff/attendance", "/staff/closures",
         "/bookings", "/bookings/new", "/profile"]
ADMIN = ["/admin/", "/admin/users", "/admin/users/new", "/admin/centers/new", "/admin/rooms/new"]


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _ok(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_public_pages_render_for_anonymous_visitors(client: FlaskClient, scene: Scene) -> None:
    for url in [*PUBLIC, f"/centers/{scene.center.id}", f"/rooms/{scene.room.id}"]:
        html = _ok(client, url)
        assert 'lang="tr"' in html


def test_room_week_shows_capacity_features_and_a_webcal_link(client: FlaskClient,
                                                             scene: Scene) -> None:
    html = _ok(client, f"/rooms/{scene.big_room.id}")
    assert "Konferans Salonu" in html
    assert "150 kişilik" in html
    assert "Projeksiyon" in html and "Ses sistemi" in html
    assert f"webcal://localhost/rooms/{scene.big_room.id}/calendar.ics" in html
    assert "Önceki hafta" in html and "Sonraki hafta" in html


def test_center_day_lists_every_active_room(client: FlaskClient, scene: Scene) -> None:
    html = _ok(client, f"/centers/{scene.center.id}?date={ahead(1, 0).date().isoformat()}")
    for room in (scene.room, scene.small_room, scene.big_room, scene.open_room):
        assert room.name in html
    assert f"webcal://localhost/centers/{scene.center.id}/calendar.ics" in html


def test_unknown_room_center_and_bad_dates(client: FlaskClient, scene: Scene) -> None:
    assert client.get("/rooms/99999").status_code == 404
    assert client.get("/centers/99999").status_code == 404
    # A date that does not parse falls back to today instead of failing.
    assert client.get(f"/rooms/{scene.room.id}?week=not-a-date").status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient, scene: Scene) -> None:
    for url in [*MEMBER, *STAFF[:4], *ADMIN]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.location.startswith("/login?next="), url


def test_member_pages_render_and_staff_pages_are_hidden(client: FlaskClient,
                                                       scene: Scene) -> None:
    login(client, scene.member)
    for url in MEMBER:
        _ok(client, url)
    for url in [*STAFF[:4], *ADMIN]:
        assert client.get(url).status_code == 404, url


def test_staff_pages_render_and_admin_pages_are_hidden(client: FlaskClient,
                                                      scene: Scene) -> None:
    login(client, scene.staff)
    for url in STAFF:
        _ok(client, url)
    for url in ADMIN:
        assert client.get(url).status_code == 404, url


def test_admin_sees_every_page(client: FlaskClient, scene: Scene) -> None:
    login(client, scene.admin)
    for url in [*STAFF, *ADMIN, f"/admin/rooms/{scene.room.id}",
                f"/admin/centers/{scene.center.id}", f"/admin/users/{scene.member.id}",
                "/admin/outbox/"]:
        _ok(client, url)


def test_pages_label_every_form_field(client: FlaskClient, scene: Scene) -> None:
    """Each visible input has a <label for=…> (axe checks this in the browser too)."""
    import re

    login(client, scene.staff)
    for url in ["/bookings/new", "/staff/closures", "/profile"]:
        html = _ok(client, url)
        ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\sid="([^"]+)"',
                         html)
        assert ids, url
        for field_id in ids:
            assert f'for="{field_id}"' in html, (url, field_id)


def test_error_pages_are_html_in_the_visitors_language(client: FlaskClient, scene: Scene) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Sayfa bulunamadı" in response.get_data(as_text=True)
    response = client.get("/rooms/99999", headers={"Accept-Language": "en"})
    assert "Page not found" in response.get_data(as_text=True)
    response = client.get("/logout")
    assert response.status_code == 405
    assert "Bu işlem burada yapılamaz" in response.get_data(as_text=True)
    # The JSON API keeps its problem+json answers.
    assert client.get("/api/v1/no-such-thing").mimetype == "application/problem+json"


def test_ids_beyond_what_the_database_holds_are_404_not_500(client: FlaskClient, scene: Scene) -> None:
    login(client, scene.admin)
    for too_big in ("2147483648", "9223372036854775808", "99999999999999999999"):
        for url in (f"/rooms/{too_big}", f"/centers/{too_big}", f"/rooms/{too_big}/calendar.ics",
                    f"/centers/{too_big}/calendar.ics", f"/admin/rooms/{too_big}",
                    f"/admin/organizations/{too_big}"):
            response = client.get(url)
            assert response.status_code == 404, (url, response.status_code)
        api = client.get(f"/api/v1/rooms/{too_big}")
        assert api.status_code == 404 and api.mimetype == "application/problem+json"



def test_admins_see_inactive_centers_and_rooms_on_the_pages_as_in_the_api(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    """One rule (services/access.visible_room): an inactive room is a 404 for
    visitors, members and staff, and shown, marked, to admins."""
    with database(app) as session:
        session.merge(scene.small_room).is_active = False
        session.commit()
    week = f"/rooms/{scene.small_room.id}"
    assert client.get(week).status_code == 404
    assert scene.small_room.name not in client.get("/centers").get_data(as_text=True)
    for user in (scene.member, scene.staff):
        login(client, user)
        assert client.get(week).status_code == 404
        client.post("/logout")
    login(client, scene.admin)
    _ok(client, week)
    listing = _ok(client, "/centers")
    assert scene.small_room.name in listing and "Devre dışı" in listing
    assert scene.small_room.name in _ok(client, f"/centers/{scene.center.id}")
