"""API tokens, bearer and session authentication, CSRF, rate limits."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from booking.extensions import limiter
from booking.models import ApiToken
from tests.support.api import assert_problem
from tests.support.factories import PASSWORD
from tests.support.web import plant_sign_in


def _login(client, user) -> None:
    plant_sign_in(client, user)


def test_creating_a_token_with_good_credentials_gives_201_and_stores_only_a_hash(api, scene, session):
    response = api.post("/auth/tokens", json={"email": scene.member.email.upper(),
                                              "password": PASSWORD, "name": "takvim"})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) >= {"id", "token"} and len(body["token"]) >= 40
    row = session.get(ApiToken, body["id"])
    assert row.token_hash == hashlib.sha256(body["token"].encode()).hexdigest()
    assert row.prefix == body["token"][:8] and row.name == "takvim"
    assert body["token"] not in {row.token_hash, row.prefix}
    session.rollback()
    me = api.get("/users/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.get_json()["id"] == scene.member.id


def test_bad_credentials_are_401_problems(api, scene):
    for credentials in ({"email": scene.member.email, "password": "wrong password"},
                        {"email": "nobody@example.org", "password": PASSWORD}):
        body = assert_problem(api.post("/auth/tokens", json=credentials), 401)
        assert body["detail"] == "E-posta adresi ya da parola yanlış."
        english = assert_problem(api.post("/auth/tokens", json=credentials,
                                          headers={"Accept-Language": "en"}), 401)
        assert english["detail"] == "Wrong e-mail address or password."


def test_token_request_without_password_is_422_with_field_errors(api, scene):
    body = assert_problem(api.post("/auth/tokens", json={"email": scene.member.email}), 422)
    assert {"field": "password", "message": "Bu alan gerekli."} in body["errors"]


def test_an_inactive_user_gets_no_token_and_their_tokens_stop_working(api, scene, session):
    token = api.token(scene.member)
    scene.member.is_active = False
    session.commit()
    assert_problem(api.post("/auth/tokens", json={"email": scene.member.email,
                                                  "password": PASSWORD}), 401)
    assert_problem(api.get("/users/me", headers={"Authorization": f"Bearer {token}"}), 401)


def test_the_owner_revokes_a_token_and_it_then_answers_401(api, scene, session):
    token = api.token(scene.member)
    token_id = session.scalar(select(ApiToken.id).where(ApiToken.user_id == scene.member.id))
    session.rollback()
    response = api.delete(f"/auth/tokens/{token_id}", scene.member)
    assert response.status_code == 204 and response.data == b""
    assert "Content-Type" not in response.headers
    assert session.get(ApiToken, token_id).revoked_at is not None
    session.rollback()
    body = assert_problem(api.get("/users/me", headers={"Authorization": f"Bearer {token}"}), 401)
    assert body["detail"] == "API anahtarı bilinmiyor ya da iptal edilmiş."


def test_someone_elses_token_cannot_be_revoked_404(api, scene, session):
    api.token(scene.member)
    token_id = session.scalar(select(ApiToken.id).where(ApiToken.user_id == scene.member.id))
    session.rollback()
    assert_problem(api.delete(f"/auth/tokens/{token_id}", scene.other_member), 404)
    assert_problem(api.delete(f"/auth/tokens/{token_id}", scene.admin), 404)
    assert_problem(api.delete(f"/auth/tokens/{token_id}"), 401)
    assert session.get(ApiToken, token_id).revoked_at is None


def test_listing_my_tokens_never_shows_secrets(api, scene):
    token = api.token(scene.member)
    items = api.get("/auth/tokens", scene.member).get_json()["items"]
    assert len(items) == 1 and "token" not in items[0] and items[0]["prefix"] == token[:8]
    others = api.get("/auth/tokens", scene.other_member).get_json()["items"]
    assert [item["prefix"] for item in others] == [api.token(scene.other_member)[:8]]


def test_using_a_token_records_when_it_was_last_used(api, scene, session):
    api.token(scene.member)
    assert api.get("/users/me", scene.member).status_code == 200
    row = session.scalar(select(ApiToken).where(ApiToken.user_id == scene.member.id))
    assert row.last_used_at is not None
    session.rollback()


@pytest.mark.parametrize("header", ["Bearer", "Basic dXNlcjpwYXNz", "Bearer not-a-token",
                                    "Bearer " + "x" * 5000])
def test_a_malformed_or_unknown_authorization_is_401_with_a_challenge(api, scene, header):
    response = api.get("/centers", headers={"Authorization": header})
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.fixture
def app_config(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_cookie_session_writes_need_the_csrf_token_bearer_writes_do_not(api, scene, client):
    payload = {"name": "Kadıköy Sivil Toplum Merkezi"}
    # Bearer: no CSRF token needed.
    assert api.post("/centers", scene.admin, json=payload).status_code == 201
    # The browser session: refused without the token, accepted with it.
    _login(client, scene.admin)
    body = assert_problem(api.post("/centers", json={"name": "Bornova Merkezi"}), 400)
    assert "X-CSRFToken" in body["detail"] and body["type"].endswith("#problem-csrf")
    with client.application.test_request_context():
        from flask import session as flask_session
        from flask_wtf.csrf import generate_csrf

        token = generate_csrf()
        raw = dict(flask_session)
    with client.session_transaction() as web_session:
        web_session.update(raw)
    ok = api.post("/centers", json={"name": "Bornova Merkezi"}, headers={"X-CSRFToken": token})
    assert ok.status_code == 201, ok.get_json()
    # Safe methods on the session path need no token.
    assert api.get("/users/me").get_json()["id"] == scene.admin.id


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True,
                                         "API_AUTH_RATE_LIMIT": "3 per minute"}], indirect=True)
def test_token_creation_is_rate_limited_with_a_429_problem(api, scene):
    limiter.reset()
    credentials = {"email": scene.member.email, "password": "wrong password"}
    statuses = [api.post("/auth/tokens", json=credentials).status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    response = api.post("/auth/tokens", json=credentials, headers={"Accept-Language": "en"})
    body = assert_problem(response, 429)
    assert "Retry-After" in response.headers
    assert body["type"].endswith("#problem-rate-limited")
    assert body["detail"].startswith("Too many requests: at most 3 requests per 60 seconds")
    limiter.reset()


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True,
                                         "API_AUTH_RATE_LIMIT": "2 per minute"}], indirect=True)
def test_registration_is_rate_limited_too(api, scene):
    limiter.reset()
    for _ in range(2):
        assert api.post("/organizations/register", json={}).status_code == 422
    assert_problem(api.post("/organizations/register", json={}), 429)
    limiter.reset()


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "PROXY_COUNT": 1,
                                         "API_AUTH_RATE_LIMIT": "2 per minute"}], indirect=True)
def test_behind_a_proxy_each_visitor_has_their_own_limit(api, scene):
    limiter.reset()
    credentials = {"email": scene.member.email, "password": "wrong password"}

    def attempt(address: str) -> int:
        return api.post("/auth/tokens", json=credentials,
                        headers={"X-Forwarded-For": address}).status_code

    assert [attempt("198.51.100.7") for _ in range(3)] == [401, 401, 429]
    assert attempt("203.0.113.9") == 401  # another visitor behind the same proxy
    limiter.reset()


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True,
                                         "API_AUTH_RATE_LIMIT": "2 per minute"}], indirect=True)
def test_without_a_trusted_proxy_a_forged_forwarded_for_changes_nothing(api, scene):
    limiter.reset()
    credentials = {"email": scene.member.email, "password": "wrong password"}
    statuses = [api.post("/auth/tokens", json=credentials,
                         headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code
                for i in range(3)]
    assert statuses == [401, 401, 429]
    limiter.reset()
