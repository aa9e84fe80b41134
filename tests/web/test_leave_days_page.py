"""The admin page for days every centre closes: import a year's holidays for
all centres, declare administrative leave (a bridge day in one click), see it
listed in the reader's language, remove it; staff and members cannot."""
from __future__ import annotations

from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.i18n import force_language
from booking.i18n.dates import heading_day
from booking.models import Closure
from booking.services import leave_days
from tests.support.scene import Scene
from tests.support.web import ahead, database, login, scene_for


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _leave(app: Flask) -> list[Closure]:
    with database(app) as session:
        return list(session.scalars(select(Closure).where(Closure.source == "leave")))


def test_an_admin_declares_a_half_day_of_leave_and_sees_it_listed(app: Flask, client: FlaskClient,
                                                                  scene: Scene) -> None:
    login(client, scene.admin)
    day = ahead(20, 0).date()
    response = client.post("/admin/holidays/leave", data={"first_day": day.isoformat(),
                                                          "half_day": "y"})
    assert response.status_code == 302
    assert len(_leave(app)) == 2
    html = unescape(client.get("/admin/holidays").get_data(as_text=True))
    assert "İdari izin eklendi: 2 merkez kapanışı." in html
    with app.test_request_context(), force_language("tr"):
        assert heading_day(day) in html
    assert "13:00'ten itibaren" in html


def test_a_backwards_span_shows_the_error_on_the_last_day_and_keeps_what_was_typed(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    login(client, scene.admin)
    first, last = ahead(21, 0).date(), ahead(20, 0).date()
    response = client.post("/admin/holidays/leave", data={
        "first_day": first.isoformat(), "last_day": last.isoformat(), "reason": "Köprü"})
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Son gün ilk günden önce olamaz." in html and 'value="Köprü"' in html
    assert _leave(app) == []


def test_a_suggested_bridge_day_is_added_with_one_button(app: Flask, client: FlaskClient,
                                                         scene: Scene) -> None:
    login(client, scene.admin)
    html = client.get("/admin/holidays").get_data(as_text=True)
    today = ahead(0, 0).date()
    upcoming = [d for y in (today.year, today.year + 1) for d in leave_days.bridge_days(y)
                if d >= today]
    if not upcoming:  # a year can have none (2028): then the page suggests none
        assert "Köprü günleri" not in html
        return
    assert "Köprü günleri" in html and f'value="{upcoming[0].isoformat()}"' in html
    client.post("/admin/holidays/leave", data={"first_day": upcoming[0].isoformat()})
    html = client.get("/admin/holidays").get_data(as_text=True)
    assert f'value="{upcoming[0].isoformat()}"' not in html  # no longer suggested: declared


def test_removing_a_leave_day_opens_the_centres_again(app: Flask, client: FlaskClient,
                                                      scene: Scene) -> None:
    login(client, scene.admin)
    day = ahead(20, 0).date().isoformat()
    client.post("/admin/holidays/leave", data={"first_day": day})
    response = client.post(f"/admin/holidays/leave/{day}/delete")
    assert response.status_code == 302 and _leave(app) == []
    assert client.post(f"/admin/holidays/leave/{day}/delete").status_code == 404
    assert client.post("/admin/holidays/leave/not-a-day/delete").status_code == 404


def test_the_holiday_import_fills_every_centre(app: Flask, client: FlaskClient,
                                               scene: Scene) -> None:
    login(client, scene.admin)
    assert client.post("/admin/holidays/import", data={"year": 2030}).status_code == 302
    with database(app) as session:
        centres = set(session.scalars(select(Closure.center_id).where(
            Closure.source == "holiday")))
    assert len(centres) == 2
    assert client.post("/admin/holidays/import", data={"year": 1900}).status_code == 422


def test_the_english_page_reads_in_english(app: Flask, client: FlaskClient, scene: Scene) -> None:
    login(client, scene.admin)
    client.post("/language", data={"language": "en", "next": "/admin/holidays"})
    client.post("/admin/holidays/leave", data={"first_day": ahead(20, 0).date().isoformat()})
    html = client.get("/admin/holidays").get_data(as_text=True)
    assert "Administrative leave added: 2 centre closures." in html
    assert "Public holidays and administrative leave" in html
    assert "Administrative leave" in html and "İdari izin" not in html


@pytest.mark.parametrize("who", ["staff", "member"])
def test_staff_and_members_cannot_open_or_post_the_page(client: FlaskClient, scene: Scene,
                                                        who: str) -> None:
    login(client, getattr(scene, who))
    assert client.get("/admin/holidays").status_code in (403, 404)
    day = ahead(20, 0).date().isoformat()
    assert client.post("/admin/holidays/leave", data={"first_day": day}).status_code in (403, 404)
