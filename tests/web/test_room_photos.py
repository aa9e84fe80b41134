"""Room photos over HTTP: the admin's upload, the file's caching headers,
who may upload, the body limit of the one route that takes a photo."""
from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from booking.models import RoomPhoto
from tests.support.images import jpeg_with_gps, png
from tests.support.scene import Scene
from tests.support.web import database, login, scene_for


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _upload(client: FlaskClient, room_id: int, data: bytes, name: str = "salon.jpg",
            alt: str = "Sahneye bakan sandalyeler"):
    return client.post(f"/admin/rooms/{room_id}/photos", data={
        "photo": (io.BytesIO(data), name), "alt_text": alt, "alt_text_en": "Chairs facing the stage",
    }, content_type="multipart/form-data")


def _photo_urls(html: str) -> list[str]:
    return re.findall(r'src="(/photos/[^"]+)"', html)


def test_an_admin_uploads_a_photo_and_the_room_page_shows_it_with_its_alt_text(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    login(client, scene.admin)
    response = _upload(client, scene.room.id, jpeg_with_gps())
    assert response.status_code == 302 and response.location.endswith("#photos")
    client.post("/logout")
    page = client.get(f"/rooms/{scene.room.id}").get_data(as_text=True)
    assert 'alt="Sahneye bakan sandalyeler"' in page
    assert "▦" not in page
    [url] = _photo_urls(page)
    answer = client.get(url)
    assert answer.status_code == 200 and answer.mimetype == "image/jpeg"
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    with database(app) as session:
        photo = session.query(RoomPhoto).one()
        assert answer.headers["ETag"] == f'"{photo.sha256}"' and photo.sha256 in url


def test_a_photo_answers_304_to_its_etag(app: Flask, client: FlaskClient, scene: Scene) -> None:
    login(client, scene.admin)
    _upload(client, scene.room.id, png())
    client.post("/logout")
    [url] = _photo_urls(client.get(f"/rooms/{scene.room.id}").get_data(as_text=True))
    thumb = url.replace(".png", "-thumb.png")
    first = client.get(thumb)
    assert first.status_code == 200 and first.mimetype == "image/png"
    again = client.get(thumb, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["Cache-Control"].startswith("public, max-age=31536000")
    assert client.get(url.rsplit("/", 1)[0] + "/0000.png").status_code == 404


def test_the_room_page_without_photos_shows_no_picture(client: FlaskClient, scene: Scene) -> None:
    page = client.get(f"/rooms/{scene.room.id}").get_data(as_text=True)
    assert "▦" not in page and "photo-placeholder" not in page and not _photo_urls(page)


def test_a_text_file_named_jpg_comes_back_as_a_form_error(client: FlaskClient,
                                                          scene: Scene) -> None:
    login(client, scene.admin)
    response = _upload(client, scene.room.id, b"not a photo at all" * 50)
    assert response.status_code == 422
    assert "JPEG, PNG ya da WebP" in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["member", "staff", "other_staff"])
def test_members_and_staff_cannot_upload_photos(client: FlaskClient, scene: Scene,
                                                who: str) -> None:
    login(client, getattr(scene, who))
    assert _upload(client, scene.room.id, png()).status_code == 404


def test_a_photo_of_an_inactive_room_is_hidden_from_visitors(app: Flask, client: FlaskClient,
                                                             scene: Scene) -> None:
    login(client, scene.admin)
    _upload(client, scene.room.id, png())
    [url] = _photo_urls(client.get(f"/admin/rooms/{scene.room.id}").get_data(as_text=True))
    with database(app) as session:
        session.get(type(scene.room), scene.room.id).is_active = False
        session.commit()
    private = client.get(url.replace("-thumb", ""))
    assert private.status_code == 200 and private.headers["Cache-Control"].startswith("private")
    client.post("/logout")
    assert client.get(url).status_code == 404


def test_the_upload_route_alone_takes_a_photo_sized_body(app: Flask, client: FlaskClient,
                                                         scene: Scene) -> None:
    login(client, scene.admin)
    big = b"\x00" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    too_large_for_a_form = client.post(f"/admin/rooms/{scene.room.id}", data={"name": big},
                                       content_type="multipart/form-data")
    assert too_large_for_a_form.status_code == 413
    refused = _upload(client, scene.room.id, big)
    assert refused.status_code == 422  # read, and refused by Pillow, not by the size
    app.config["ROOM_PHOTO_MAX_BYTES"] = 1024
    answer = _upload(client, scene.room.id, png(800, 800) + b"\x00" * 70_000)
    assert answer.status_code == 413
    assert "Fotoğraf çok büyük" in answer.get_data(as_text=True)


def test_an_admin_reorders_edits_and_deletes_photos(app: Flask, client: FlaskClient,
                                                    scene: Scene) -> None:
    login(client, scene.admin)
    _upload(client, scene.room.id, png(100, 100), alt="Birinci")
    _upload(client, scene.room.id, png(120, 100), alt="İkinci")
    with database(app) as session:
        first, second = session.query(RoomPhoto).order_by(RoomPhoto.position).all()
        first_id, second_id = first.id, second.id
    client.post(f"/admin/photos/{second_id}/move", data={"direction": "up"})
    client.post(f"/admin/photos/{first_id}/alt", data={f"photo-{first_id}-alt_text": "Pencere"})
    client.post(f"/admin/photos/{second_id}/delete")
    with database(app) as session:
        [left] = session.query(RoomPhoto).all()
        assert left.id == first_id and left.alt_text == "Pencere" and left.position == 1
