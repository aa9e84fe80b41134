"""Accounts over HTTP: registering an NGO, signing in (safe next, fresh session,
rate limit), password change and reset by e-mail through a real SMTP server,
API tokens, the private feed link, the language switch and CSRF."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.models import ApiToken, Organization, PasswordResetToken, User, utcnow
from tests.support.factories import PASSWORD
from tests.support.mailbox import Mailbox, parts
from tests.support.scene import Scene
from tests.support.web import confirmation_link, database, login, scene_for

NEW_PASSWORD = "yeni parola 2030"


@pytest.fixture
def app_config(smtp_port: int) -> dict[str, object]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_TIMEOUT": 5}


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


REGISTRATION = {
    "org_name": "İyilik Derneği", "org_kind": "association", "registry_number": "34-123-456",
    "org_email": "iletisim@iyilik.org", "org_phone": "+90 212 000 00 00",
    "user_name": "Şule Işık", "user_email": "Sule@Iyilik.org",
    "password": PASSWORD, "password_confirm": PASSWORD,
}


def test_registering_an_ngo_creates_an_unverified_organisation_signed_in_once_confirmed(
        app: Flask, client: FlaskClient, mailbox: Mailbox) -> None:
    response = client.post("/register", data=REGISTRATION)
    assert response.status_code == 302 and response.location == "/register/sent"
    assert "E-postanızı kontrol edin" in client.get("/register/sent").get_data(as_text=True)
    with database(app) as session:
        organization = session.scalar(
            select(Organization).where(Organization.name == "İyilik Derneği"))
        assert organization is not None and not organization.is_verified
        user = session.scalar(select(User).where(User.email == "sule@iyilik.org"))
        assert user is not None and user.organization_id == organization.id
        assert user.email_confirmed_at is None
    assert client.get("/bookings").status_code == 302  # not signed in yet
    link = confirmation_link(mailbox, "sule@iyilik.org")
    assert "Adresimi doğrula ve giriş yap" in client.get(link).get_data(as_text=True)
    response = client.post(link)
    assert response.status_code == 302 and response.location == "/bookings"
    page = client.get("/bookings").get_data(as_text=True)
    assert "henüz doğrulanmadı" in page


def test_an_organisation_name_is_taken_whatever_its_turkish_case(client: FlaskClient, app: Flask) -> None:
    assert client.post("/register", data=REGISTRATION).status_code == 302
    client.post("/logout", data={})
    for taken in ("İYİLİK DERNEĞİ", "iyilik derneği", " İyilik Derneği ", "İyilik   Derneği"):
        data = dict(REGISTRATION, org_name=taken, user_email="baska@iyilik.org",
                    org_email="baska@iyilik.org")
        html = client.post("/register", data=data).get_data(as_text=True)
        assert "Bu adla kayıtlı bir kuruluş var." in html, taken
    # Dotless I is another letter in Turkish: "IYILIK" is "ıyılık", a different name.
    # Spaces are tidied before the name is kept.
    data = dict(REGISTRATION, org_name="  IYILIK   DERNEĞİ ", user_email="ayri@iyilik.org",
                registry_number="35-999-001")
    assert client.post("/register", data=data).status_code == 302
    with database(app) as session:
        names = set(session.scalars(select(Organization.name).where(
            Organization.name.in_(["İyilik Derneği", "IYILIK DERNEĞİ"]))))
    assert names == {"İyilik Derneği", "IYILIK DERNEĞİ"}


def test_a_registry_number_belongs_to_one_organisation(client: FlaskClient, app: Flask) -> None:
    assert client.post("/register", data=REGISTRATION).status_code == 302
    client.post("/logout", data={})
    data = dict(REGISTRATION, org_name="Başka Dernek", registry_number=" 34 123 456 ",
                user_email="baska@iyilik.org")
    response = client.post("/register", data=data)
    assert response.status_code == 200
    assert "Bu kayıt numarasıyla kayıtlı bir kuruluş var." in response.get_data(as_text=True)
    data["registry_number"] = ""
    assert client.post("/register", data=data).status_code == 302  # the number is optional


def test_registration_shows_field_errors(client: FlaskClient, scene: Scene) -> None:
    data = dict(REGISTRATION, org_name=scene.org.name, user_email=scene.member.email,
                password_confirm="başka bir parola")
    response = client.post("/register", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Parolalar aynı değil." in html
    data["password_confirm"] = PASSWORD
    html = client.post("/register", data=data).get_data(as_text=True)
    assert "Bu adla kayıtlı bir kuruluş var." in html
    # Whether the address has an account is not told (its owner is mailed instead).
    assert "Bu e-posta adresiyle bir hesap zaten var." not in html
    assert 'aria-invalid="true"' in html


def test_login_rejects_a_wrong_password(client: FlaskClient, scene: Scene) -> None:
    response = client.post("/login", data={"email": scene.member.email, "password": "yanlış"})
    assert response.status_code == 200
    assert "E-posta adresi ya da parola yanlış." in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302


def test_login_follows_only_safe_next_targets(app: Flask, scene: Scene) -> None:
    for target, expected in [("/profile", "/profile"),
                             ("https://evil.example/phish", "/bookings"),
                             ("//evil.example/phish", "/bookings"),
                             ("/\\evil.example", "/bookings")]:
        response = app.test_client().post("/login", data={
            "email": scene.member.email, "password": PASSWORD, "next": target})
        assert response.status_code == 302
        assert response.location == expected, target


def test_login_starts_a_new_session_keeping_only_the_language(client: FlaskClient,
                                                              scene: Scene) -> None:
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
        sess["language"] = "en"
    login(client, scene.member)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["language"] == "en"
        assert sess["_user_id"] == f"{scene.member.id}:{scene.member.session_nonce}"


def test_session_cookie_is_httponly_and_samesite_lax(client: FlaskClient, scene: Scene) -> None:
    response = client.post("/login", data={"email": scene.member.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


class TestBehindHttps:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"SESSION_COOKIE_SECURE": True}

    def test_the_session_cookie_is_secure(self, client: FlaskClient, scene: Scene) -> None:
        response = client.post("/login", data={"email": scene.member.email, "password": PASSWORD})
        assert "Secure" in response.headers["Set-Cookie"]


def test_logout_needs_a_post(client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/profile").status_code == 302


def test_changing_the_password_ends_other_sessions(app: Flask, scene: Scene) -> None:
    phone, laptop = app.test_client(), app.test_client()
    login(phone, scene.member)
    login(laptop, scene.member)
    response = laptop.post("/profile/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert laptop.get("/profile").status_code == 200
    assert phone.get("/profile").status_code == 302
    login(phone, scene.member, NEW_PASSWORD)


def test_password_change_shows_errors(client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    response = client.post("/profile/password", data={
        "current_password": "yanlış", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 422
    assert "Şu anki parola yanlış." in response.get_data(as_text=True)
    response = client.post("/profile/password", data={
        "current_password": PASSWORD, "password": "kısa", "password_confirm": "kısa"})
    assert "Parola en az 8 karakter olmalı." in response.get_data(as_text=True)


def _reset_link(message) -> str:
    text, html = parts(message)
    match = re.search(r"(http://localhost/password/reset/\S+)", text)
    assert match, text
    assert match.group(1) in html
    return match.group(1).removeprefix("http://localhost")


def test_password_reset_by_an_emailed_single_use_link(client: FlaskClient, scene: Scene,
                                                      app: Flask, mailbox: Mailbox) -> None:
    response = client.post("/password/forgot", data={"email": scene.member.email.upper()})
    assert response.status_code == 302
    mailbox.wait_for(1)
    [message] = mailbox.to(scene.member.email)
    assert message["Subject"] == "Parola sıfırlama bağlantınız"
    assert message["X-Booking-Notification"] == "password_reset"
    link = _reset_link(message)
    secret = link.rsplit("/", 1)[1]
    # Only the hash is stored.
    with database(app) as session:
        assert session.scalar(select(PasswordResetToken.token_hash)) != secret
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    login(client, scene.member, NEW_PASSWORD)
    assert client.get(link).status_code == 404  # single use


def test_password_reset_for_an_unknown_address_sends_nothing(client: FlaskClient, scene: Scene,
                                                            mailbox: Mailbox) -> None:
    response = client.post("/password/forgot", data={"email": "kimse@example.org"})
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    assert "Bu adresle bir hesap varsa" in html
    assert len(mailbox) == 0


def test_an_expired_reset_link_is_refused(client: FlaskClient, scene: Scene, app: Flask,
                                          mailbox: Mailbox) -> None:
    client.post("/password/forgot", data={"email": scene.member.email})
    mailbox.wait_for(1)
    link = _reset_link(mailbox.messages[0])
    with database(app) as session:
        token = session.scalar(select(PasswordResetToken))
        token.expires_at = utcnow() - timedelta(minutes=1)
        session.commit()
    response = client.get(link)
    assert response.status_code == 404
    assert "süresi dolmuş" in response.get_data(as_text=True)


def test_reset_mail_is_in_the_users_language(client: FlaskClient, scene: Scene, app: Flask,
                                              mailbox: Mailbox) -> None:
    with database(app) as session:
        session.get(User, scene.member.id).language = "en"
        session.commit()
    client.post("/password/forgot", data={"email": scene.member.email})
    mailbox.wait_for(1)
    assert mailbox.messages[0]["Subject"] == "Your password reset link"


def test_api_tokens_are_created_shown_once_and_revoked(client: FlaskClient, scene: Scene,
                                                       app: Flask) -> None:
    login(client, scene.member)
    response = client.post("/profile/tokens", data={"name": "Takvim betiği"})
    assert response.status_code == 302
    html = client.get("/profile").get_data(as_text=True)
    secret = re.search(r'id="new-token" type="text" readonly value="([^"]+)"', html).group(1)
    assert client.get("/api/v1/users/me",
                      headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert secret not in client.get("/profile").get_data(as_text=True)
    with database(app) as session:
        token = session.scalar(select(ApiToken))
    assert client.post(f"/profile/tokens/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/users/me",
                      headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert client.post("/profile/tokens", data={"name": ""}).status_code == 422


def test_the_personal_feed_link_is_regenerated_on_the_calendars_page(
        client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    client.post("/profile/calendars/personal")
    html = client.get("/profile/calendars").get_data(as_text=True)
    first = re.search(r'id="personal-feed-url" type="text" readonly value="([^"]+)"',
                      html).group(1)
    assert first.startswith("http://localhost/feeds/")
    assert "webcal://localhost/feeds/" in html
    path = first.removeprefix("http://localhost")
    feed = client.get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    client.post("/profile/calendars/personal")
    assert client.get(path).status_code == 404


def test_regenerating_an_existing_feed_link_asks_first(client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    first = client.get("/profile/calendars").get_data(as_text=True)
    assert "Takvim bağlantısı oluştur" in first and "data-confirm" not in first.split(
        'id="personal"')[1].split("</section>")[0]  # nothing to break yet
    client.post("/profile/calendars/personal")
    client.get("/profile/calendars")  # the page that shows the new address once
    again = client.get("/profile/calendars").get_data(as_text=True)
    assert "data-confirm=\"Eski bağlantınız hemen çalışmayı bırakır" in again
    assert 'id="personal-feed-url"' not in again


def test_language_switch_is_kept_in_the_session_and_on_the_user(
        client: FlaskClient, scene: Scene, app: Flask) -> None:
    response = client.post("/language", data={"language": "en", "next": "/centers"})
    assert response.location == "/centers"
    html = client.get("/centers").get_data(as_text=True)
    assert 'lang="en"' in html and "Centres and rooms" in html
    login(client, scene.member)
    client.post("/language", data={"language": "tr", "next": "https://evil.example/"})
    with database(app) as session:
        assert session.get(User, scene.member.id).language == "tr"
    assert "Merkezler ve salonlar" in client.get("/centers").get_data(as_text=True)


def test_accept_language_english_is_honoured(client: FlaskClient, scene: Scene) -> None:
    html = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(as_text=True)
    assert "I forgot my password" in html


class TestWithCsrf:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"WTF_CSRF_ENABLED": True}

    def test_forms_without_a_csrf_token_are_refused(self, client: FlaskClient,
                                                    scene: Scene) -> None:
        response = client.post("/login", data={"email": scene.member.email, "password": PASSWORD})
        assert response.status_code == 400
        assert client.post("/language", data={"language": "en"}).status_code == 400

    def test_forms_with_the_token_work(self, client: FlaskClient, scene: Scene) -> None:
        from tests.support.web import csrf_token

        token = csrf_token(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"email": scene.member.email, "password": PASSWORD,
                                               "csrf_token": token})
        assert response.status_code == 302


class TestRateLimit:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"RATELIMIT_ENABLED": True}

    def test_login_is_rate_limited(self, client: FlaskClient, scene: Scene) -> None:
        codes = [client.post("/login", data={"email": scene.member.email, "password": "x"}).status_code
                 for _ in range(11)]
        assert codes[:10] == [200] * 10
        assert codes[10] == 429
