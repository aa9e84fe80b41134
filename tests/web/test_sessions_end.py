"""Signing out ends the session on the server; a new password, a reset or
"sign out everywhere" end every session of the person and revoke their API
tokens and personal calendar links (issue 16, items 1 and 2)."""
from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from booking.models import utcnow
from booking.services import feed_tokens, passwords, tokens
from tests.support.factories import PASSWORD, make_organization_feed_link
from tests.support.scene import Scene
from tests.support.web import database, login, scene_for

NEW_PASSWORD = "yeni parola 2030"


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _browser(app: Flask, cookie: str) -> FlaskClient:
    """Another browser holding a copy of ``cookie``."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def _signed_in(client: FlaskClient) -> bool:
    return client.get("/profile").status_code == 200


def _api_token_and_feed(app: Flask, scene: Scene) -> tuple[str, str]:
    """An API token of the staff member and their personal calendar link."""
    with database(app) as session:
        staff = session.merge(scene.staff)
        api = tokens.create_token(session, staff, "takvim", utcnow()).secret
        feed = feed_tokens.issue_personal(session, staff, utcnow()).token
        session.commit()
    return api, feed


def _works(client: FlaskClient, api: str, feed: str) -> tuple[int, int]:
    me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {api}"})
    return me.status_code, client.get(f"/feeds/{feed}.ics").status_code


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app: Flask, client: FlaskClient,
                                                             scene: Scene) -> None:
    login(client, scene.member)
    copied = _cookie(client)
    assert _signed_in(_browser(app, copied))
    client.post("/logout")
    assert not _signed_in(client)
    replayed = _browser(app, copied).get("/profile")
    assert replayed.status_code == 302 and replayed.location.startswith("/login")


def test_signing_out_one_browser_leaves_the_others_signed_in(app: Flask, scene: Scene) -> None:
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, scene.member)
    login(phone, scene.member)
    laptop.post("/logout")
    assert not _signed_in(laptop) and _signed_in(phone)


def test_sign_out_everywhere_ends_every_session_and_revokes_tokens_and_links(
        app: Flask, scene: Scene) -> None:
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, scene.staff)
    login(phone, scene.staff)
    api, feed = _api_token_and_feed(app, scene)
    assert _works(laptop, api, feed) == (200, 200)
    response = laptop.post("/profile/sign-out-everywhere")
    assert response.status_code == 302 and response.location == "/login"
    assert "Bütün oturumlarınız kapatıldı (2)" in laptop.get("/login").get_data(as_text=True)
    assert not _signed_in(laptop) and not _signed_in(phone)
    assert _works(laptop, api, feed) == (401, 404)
    login(phone, scene.staff)  # the password still works
    assert _signed_in(phone)


def test_a_password_change_ends_the_other_sessions_and_revokes_the_tokens(
        app: Flask, scene: Scene) -> None:
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, scene.staff)
    login(phone, scene.staff)
    api, feed = _api_token_and_feed(app, scene)
    response = laptop.post("/profile/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert _signed_in(laptop), "the browser that changed the password stays signed in"
    assert not _signed_in(phone)
    assert _works(laptop, api, feed) == (401, 404)


def test_a_password_reset_ends_every_session_and_revokes_the_tokens(app: Flask,
                                                                   scene: Scene) -> None:
    phone = app.test_client()
    login(phone, scene.staff)
    api, feed = _api_token_and_feed(app, scene)
    with database(app) as session:
        issued = passwords.request_reset(session, scene.staff.email, utcnow())
        session.commit()
    assert issued is not None
    visitor = app.test_client()
    response = visitor.post(f"/password/reset/{issued.secret}", data={
        "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert not _signed_in(phone)
    assert _works(visitor, api, feed) == (401, 404)
    login(visitor, scene.staff, NEW_PASSWORD)
    assert _signed_in(visitor)


def test_an_organisations_shared_calendar_link_survives_a_members_new_password(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    """The organisation's link is not the person's: colleagues subscribe to it."""
    with database(app) as session:
        member = session.merge(scene.member)
        shared = make_organization_feed_link(session, member.organization)
        session.commit()
    login(client, scene.member)
    client.post("/profile/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert client.get(f"/feeds/{shared}.ics").status_code == 200
