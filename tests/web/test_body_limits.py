"""Bodies are bounded everywhere (issue 16, item 3): a huge sign-in is refused
with a translated 413 before it is read or any password is hashed, chunked
bodies too; the API answers its own 413 problem; passwords have a maximum."""
from __future__ import annotations

import io
import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from booking.services import accounts
from tests.support.factories import PASSWORD
from tests.support.scene import Scene
from tests.support.web import login, scene_for

MIB = 1024 * 1024


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _form(size: int) -> bytes:
    return b"email=a%40example.org&password=" + b"x" * size


@pytest.mark.parametrize("path", ["/login", "/register", "/password/forgot"])
def test_a_form_body_over_the_limit_is_a_translated_413(client: FlaskClient, path: str) -> None:
    response = client.post(path, data=_form(2 * MIB),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "Gönderilen veri çok büyük" in response.get_data(as_text=True)
    english = client.post(path, data=_form(2 * MIB), headers={"Accept-Language": "en"},
                          content_type="application/x-www-form-urlencoded")
    assert english.status_code == 413 and "lang=\"en\"" in english.get_data(as_text=True)


def test_a_chunked_body_is_cut_off_at_the_limit(client: FlaskClient) -> None:
    """No Content-Length: the body is read only up to the limit, then 413."""
    response = client.post("/login", input_stream=io.BytesIO(_form(2 * MIB)),
                           content_type="application/x-www-form-urlencoded",
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413


def test_one_huge_multipart_field_under_the_body_limit_is_refused_too(
        app: Flask, client: FlaskClient) -> None:
    size = app.config["MAX_FORM_MEMORY_SIZE"] + 1
    assert size < app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/login", data={"email": "a@example.org", "password": "x" * size},
                           content_type="multipart/form-data")
    assert response.status_code == 413


def test_the_api_keeps_its_own_larger_limit(client: FlaskClient, scene: Scene) -> None:
    """A JSON body between the form limit and the API's limit reaches the API."""
    padding = "x" * (512 * 1024)
    response = client.post("/api/v1/auth/tokens", data=json.dumps(
        {"email": scene.member.email, "password": "wrong", "name": padding}),
        content_type="application/json")
    assert response.status_code == 422  # the name is too long, not the body
    huge = client.post("/api/v1/auth/tokens", data=b'{"a": "' + b"x" * (2 * MIB) + b'"}',
                       content_type="application/json")
    assert huge.status_code == 413 and huge.mimetype == "application/problem+json"


def test_a_password_longer_than_the_maximum_is_never_checked(client: FlaskClient,
                                                             scene: Scene) -> None:
    long = "x" * (accounts.MAX_PASSWORD_LENGTH + 1)
    response = client.post("/login", data={"email": scene.member.email, "password": long})
    assert response.status_code == 200
    assert "Parola en fazla 1024 karakter olabilir." in response.get_data(as_text=True)
    assert accounts.authenticate(None, scene.member.email, long) is None  # type: ignore[arg-type]


def test_a_new_password_may_not_exceed_the_maximum(client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    long = "y" * (accounts.MAX_PASSWORD_LENGTH + 1)
    response = client.post("/profile/password", data={
        "current_password": PASSWORD, "password": long, "password_confirm": long})
    assert response.status_code == 422
    assert "Parola en fazla 1024 karakter olabilir." in response.get_data(as_text=True)
    login(client, scene.member)  # the old password still works


def test_a_refused_body_and_a_replayed_cookie_are_logged_in_one_line(
        app: Flask, client: FlaskClient, scene: Scene, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.WARNING, logger="booking.security")
    client.post("/login", data=_form(2 * MIB), content_type="application/x-www-form-urlencoded")
    login(client, scene.member)
    copied = client.get_cookie("session")
    assert copied is not None
    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("session", copied.value)
    replay.get("/profile")
    lines = [r.getMessage() for r in caplog.records]
    assert any("reason=body-too-large" in line and "POST /login" in line for line in lines)
    assert any("reason=ended-session" in line and f"account={scene.member.email}" in line
               for line in lines)
