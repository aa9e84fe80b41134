"""The "Takvimlerim" page (/profile/calendars): the personal link made,
regenerated and revoked (the address shown once), the older organisation
link's notice and revocation, the places' public feeds, and who sees what."""
from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from booking.models import BookingStatus
from tests.support.factories import make_booking, make_organization_feed_link
from tests.support.scene import Scene
from tests.support.web import ahead, database, login, scene_for

PAGE = "/profile/calendars"


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _personal_url(html: str) -> str | None:
    match = re.search(r'id="personal-feed-url" type="text" readonly value="([^"]+)"', html)
    return match.group(1) if match else None


def test_signing_in_is_needed_and_the_menu_and_profile_lead_there(client: FlaskClient,
                                                                  scene: Scene) -> None:
    assert client.get(PAGE).status_code == 302
    login(client, scene.member)
    profile = client.get("/profile").get_data(as_text=True)
    assert f'href="{PAGE}"' in profile
    html = client.get(PAGE).get_data(as_text=True)
    nav = html[html.index('<nav class="site-nav"'):html.index("</nav>")]
    assert 'aria-current="page">Takvimlerim</a>' in nav
    assert "<h1>Takvimlerim</h1>" in html


def test_the_new_link_is_shown_once_as_webcal_https_and_download(client: FlaskClient,
                                                                 scene: Scene) -> None:
    login(client, scene.member)
    assert "Henüz bir takvim bağlantınız yok." in client.get(PAGE).get_data(as_text=True)
    client.post(f"{PAGE}/personal")
    html = client.get(PAGE).get_data(as_text=True)
    url = _personal_url(html)
    assert url and url.startswith("http://localhost/feeds/")
    assert f'href="{url.replace("http://", "webcal://", 1)}"' in html
    assert f'href="{url}?download=1" download' in html
    again = client.get(PAGE).get_data(as_text=True)
    assert _personal_url(again) is None and "Bir takvim bağlantınız var" in again
    assert client.get(url.removeprefix("http://localhost")).status_code == 200


def test_revoking_the_personal_link_stops_it(client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    client.post(f"{PAGE}/personal")
    path = _personal_url(client.get(PAGE).get_data(as_text=True)).removeprefix("http://localhost")
    done = client.post(f"{PAGE}/personal/revoke", follow_redirects=True).get_data(as_text=True)
    assert "Kişisel takvim bağlantınız iptal edildi." in done
    assert client.get(path).status_code == 404
    assert "Henüz bir takvim bağlantınız yok." in client.get(PAGE).get_data(as_text=True)


def test_an_organisation_link_has_a_notice_and_is_revoked_by_a_member(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    with database(app) as session:
        shared = make_organization_feed_link(session, session.merge(scene.org))
        session.commit()
    login(client, scene.other_member)  # another organisation: no notice of ours
    assert 'id="organization-link"' not in client.get(PAGE).get_data(as_text=True)
    client.post(f"{PAGE}/organization/revoke")
    assert client.get(f"/feeds/{shared}.ics").status_code == 200
    login(client, scene.member)
    html = client.get(PAGE).get_data(as_text=True)
    assert 'id="organization-link"' in html and "Artık her kişinin kendi bağlantısı var" in html
    client.post(f"{PAGE}/organization/revoke")
    assert client.get(f"/feeds/{shared}.ics").status_code == 404
    assert 'id="organization-link"' not in client.get(PAGE).get_data(as_text=True)


def test_members_see_the_rooms_they_use_and_staff_their_centers(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    with database(app) as session:
        make_booking(session, session.merge(scene.big_room), ahead(3, 10), 60,
                     BookingStatus.APPROVED, session.merge(scene.org))
        make_booking(session, session.merge(scene.small_room), ahead(3, 10), 60,
                     BookingStatus.APPROVED, session.merge(scene.other_org))
        session.commit()
    login(client, scene.member)
    html = client.get(PAGE).get_data(as_text=True)
    assert f"/rooms/{scene.big_room.id}/calendar.ics" in html
    assert f"/rooms/{scene.small_room.id}/calendar.ics" not in html  # not theirs
    login(client, scene.staff)
    html = client.get(PAGE).get_data(as_text=True)
    assert f"/centers/{scene.center.id}/calendar.ics" in html
    assert "merkezlerinizin rezervasyonları" in html
    assert 'id="organization-link"' not in html


def test_the_page_speaks_english_when_asked(client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    client.post("/language", data={"language": "en", "next": PAGE})
    client.post(f"{PAGE}/personal")
    html = client.get(PAGE).get_data(as_text=True)
    for words in ("My calendars", "Open in calendar app", "Copy link", "Download (.ics)"):
        assert words in html, words
