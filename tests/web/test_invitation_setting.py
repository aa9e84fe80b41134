"""The profile's "Takvim davetleri" setting: on by default, turned off and on
again by its owner, written to the audit trail, in Turkish and English."""
from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.models import AuditEntry, User
from tests.support.scene import Scene
from tests.support.web import database, login, scene_for


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _setting(app: Flask, user_id: int) -> bool:
    with database(app) as session:
        return session.get(User, user_id).calendar_invitations


def _checkbox(html: str) -> str:
    start = html.index('name="calendar_invitations"')
    return html[html.rindex("<input", 0, start):html.index(">", start)]


def test_invitations_are_on_until_their_owner_turns_them_off(app: Flask, client: FlaskClient,
                                                              scene: Scene) -> None:
    login(client, scene.member)
    html = client.get("/profile").get_data(as_text=True)
    assert "<h2 id=\"invitations-heading\">Takvim davetleri</h2>" in html
    assert "checked" in _checkbox(html)
    assert _setting(app, scene.member.id) is True

    off = client.post("/profile/invitations", data={})
    assert off.status_code == 302 and off.headers["Location"].endswith("/profile#invitations")
    assert _setting(app, scene.member.id) is False
    html = client.get("/profile").get_data(as_text=True)
    assert "Takvim davetleri kapatıldı." in html
    assert "checked" not in _checkbox(html)

    client.post("/profile/invitations", data={"calendar_invitations": "y"})
    assert _setting(app, scene.member.id) is True
    with database(app) as session:
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "calendar_invitations").order_by(AuditEntry.id)).all()
        assert [(e.actor_id, e.details) for e in entries] == [
            (scene.member.id, {"enabled": False}), (scene.member.id, {"enabled": True})]


def test_the_setting_needs_a_signed_in_person_and_speaks_english(app: Flask, client: FlaskClient,
                                                                scene: Scene) -> None:
    assert client.post("/profile/invitations", data={}).status_code == 302
    assert _setting(app, scene.member.id) is True  # nobody signed in: nothing changed
    login(client, scene.member)
    client.post("/language", data={"language": "en", "next": "/profile"})
    html = client.get("/profile").get_data(as_text=True)
    assert "Calendar invitations" in html
