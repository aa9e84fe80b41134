"""Security and caching headers (SPEC §13, booking/headers.py): a strict CSP,
nosniff, no framing and a same-origin referrer on pages, the API and the feeds;
HSTS and Secure cookies only with an https BASE_URL; ``no-store`` on what a
signed-in caller sees, while public answers and the feeds keep their caching."""
from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from booking.headers import OTHER_POLICY, PAGE_POLICY
from tests.support.api import Api
from tests.support.factories import PASSWORD
from tests.support.paths import ROOT
from tests.support.scene import Scene
from tests.support.web import ahead, approved_booking, login, scene_for

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _paths(scene: Scene) -> dict[str, str]:
    return {"page": "/", "api": "/api/v1/centers", "feed": f"/rooms/{scene.room.id}/calendar.ics"}


def _policy(response) -> dict[str, str]:
    """The CSP's directives by name."""
    parts = (part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    return {name: (value[0] if value else "") for name, *value in parts}


def test_pages_the_api_and_feeds_send_the_security_headers(client: FlaskClient, scene: Scene) -> None:
    for kind, path in _paths(scene).items():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        for name, value in COMMON.items():
            assert response.headers.get(name) == value, (path, name)
        policy = _policy(response)
        assert policy["frame-ancestors"] == "'none'", path
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"], path
        assert "unsafe-eval" not in response.headers["Content-Security-Policy"], path
        assert "Strict-Transport-Security" not in response.headers, path  # http BASE_URL
        if kind == "page":
            assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
            assert policy["object-src"] == "'none'" and policy["form-action"] == "'self'"
        else:
            assert policy["default-src"] == "'none'", path


def test_the_page_policy_is_the_documented_one(client: FlaskClient, scene: Scene) -> None:
    assert client.get("/").headers["Content-Security-Policy"] == PAGE_POLICY
    assert client.get("/api/v1/centers").headers["Content-Security-Policy"] == OTHER_POLICY
    documented = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    assert PAGE_POLICY in documented and OTHER_POLICY in documented


def test_a_feed_keeps_what_calendar_clients_need(client: FlaskClient, scene: Scene,
                                                 app: Flask) -> None:
    approved_booking(app, scene, ahead(2, 10))
    url = _paths(scene)["feed"]
    first = client.get(url)
    assert first.content_type == "text/calendar; charset=utf-8"
    assert first.headers["Content-Disposition"] == f'inline; filename="room-{scene.room.id}.ics"'
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert first.get_data().startswith(b"BEGIN:VCALENDAR\r\n")
    assert b"BEGIN:VEVENT" in first.get_data()
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["X-Content-Type-Options"] == "nosniff"
    assert again.headers["Cache-Control"] == "public, max-age=300"
    login(client, scene.member)  # a signed-in subscriber's feed is cached the same
    assert client.get(url).headers["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize("app_config", [{"BASE_URL": "https://rezervasyon.example.bel.tr"}])
def test_an_https_base_url_adds_hsts_and_secure_cookies(client: FlaskClient, scene: Scene,
                                                        app: Flask) -> None:
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    for path in _paths(scene).values():
        response = client.get(path)
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000", path
    signed_in = client.post("/login", data={"email": scene.member.email, "password": PASSWORD})
    cookies = signed_in.headers.getlist("Set-Cookie")
    assert cookies and all("; Secure" in cookie for cookie in cookies), cookies


def test_an_http_base_url_leaves_cookies_usable_over_http(client: FlaskClient, scene: Scene,
                                                          app: Flask) -> None:
    assert app.config["SESSION_COOKIE_SECURE"] is False
    login(client, scene.member)
    assert client.get("/bookings").status_code == 200  # the session cookie came back


def test_templates_have_no_inline_script_style_or_handler() -> None:
    """What the CSP would block: a <script> with a body, <style>, style="", on…= handlers.
    (E-mail templates are not web pages: mail clients need inline styles.)"""
    found = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        if "email" in template.relative_to(ROOT / "templates").parts:
            continue
        text = template.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)", r"<script[^>]*>\s*[^<\s]", r"<style\b",
                        r"\sstyle\s*=", r"\son[a-z]+\s*=", r"javascript:"):
            found += [f"{template.relative_to(ROOT)}: {m.group(0)!r}"
                      for m in re.finditer(pattern, text, re.IGNORECASE)]
    assert found == []


# --- Cache-Control ------------------------------------------------------------------


def test_public_answers_to_anonymous_visitors_keep_their_caching(client: FlaskClient,
                                                                 scene: Scene) -> None:
    assert "Cache-Control" not in client.get("/").headers
    assert "Cache-Control" not in client.get("/api/v1/centers").headers
    assert client.get("/static/app.css").headers["Cache-Control"] == "no-cache"


def test_the_profile_with_a_new_token_and_the_bookings_list_are_not_stored(
        client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    assert client.post("/profile/tokens", data={"name": "Takvim betiği"}).status_code == 302
    profile = client.get("/profile")
    assert 'id="new-token"' in profile.get_data(as_text=True)
    assert profile.headers["Cache-Control"] == "no-store"
    assert client.get("/bookings").headers["Cache-Control"] == "no-store"
    assert client.get("/").headers["Cache-Control"] == "no-store"  # the menu names the person
    # What sets its own caching keeps it.
    assert client.get("/static/app.css").headers["Cache-Control"] == "no-cache"


def test_api_answers_to_an_authenticated_caller_are_not_stored(api: Api, scene: Scene,
                                                               client: FlaskClient) -> None:
    booking_id = approved_booking(client.application, scene, ahead(2, 10))  # other_org's
    for path in ("/bookings", f"/bookings/{booking_id}", "/users/me", "/auth/tokens", "/centers"):
        response = api.get(path, scene.other_member)
        assert response.status_code == 200, (path, response.get_data(as_text=True))
        assert response.headers["Cache-Control"] == "no-store", path
    # The same list to an anonymous caller is public.
    assert "Cache-Control" not in api.get("/centers").headers


def test_api_answers_to_a_signed_in_browser_are_not_stored(client: FlaskClient,
                                                           scene: Scene) -> None:
    login(client, scene.member)
    response = client.get("/api/v1/bookings")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_a_new_token_over_the_api_is_not_stored(api: Api, scene: Scene) -> None:
    """The caller is anonymous (an e-mail and a password), the answer a secret."""
    response = api.post("/auth/tokens", json={"email": scene.member.email,
                                               "password": PASSWORD, "name": "betik"})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_errors_under_the_api_get_the_headers_too(api: Api, scene: Scene) -> None:
    response = api.get("/bookings/999999", scene.member)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    missing = api.get("/no-such-endpoint")
    assert missing.status_code == 404 and missing.headers["X-Frame-Options"] == "DENY"
