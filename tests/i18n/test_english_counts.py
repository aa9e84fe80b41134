"""Counts read as English counts: "for 1 person", "for 150 people", never
"1 people" or "seats 20"; Turkish keeps "1 kişilik" (issue 17's English defects)."""
from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.scene import Scene
from tests.support.web import database, login, scene_for


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def test_room_capacities_are_singular_or_plural_in_english(app: Flask, client: FlaskClient,
                                                           scene: Scene) -> None:
    with database(app) as session:
        session.merge(scene.small_room).capacity = 1
        session.merge(scene.member).language = "en"
        session.commit()
    english = {"Accept-Language": "en"}
    page = client.get("/centers", headers=english).get_data(as_text=True)
    assert "for 1 person" in page and "for 150 people" in page
    assert "1 people" not in page and "seats" not in page
    week = client.get(f"/rooms/{scene.small_room.id}", headers=english).get_data(as_text=True)
    assert "for 1 person" in week
    assert "1 kişilik" in client.get("/centers").get_data(as_text=True)
    login(client, scene.member)
    form = client.get("/bookings/new", headers=english).get_data(as_text=True)
    assert f">{scene.small_room.name} (1 person, needs approval)<" in form
    assert f">{scene.big_room.name} (150 people, needs approval)<" in form
    assert f">{scene.open_room.name} (20 people)<" in form
