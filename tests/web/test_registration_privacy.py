"""Registration tells nobody which addresses have an account, new accounts
sign in once their address is confirmed, and the ways into an account are
limited per address and per account (issue 16, item 4)."""
from __future__ import annotations

import logging
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from booking.extensions import limiter
from booking.models import Organization, User
from tests.support.factories import PASSWORD
from tests.support.mailbox import Mailbox, parts
from tests.support.scene import Scene
from tests.support.web import confirmation_link, database, login, scene_for

NEW = {
    "org_name": "Deniz Feneri Derneği", "org_kind": "association",
    "org_email": "bilgi@denizfeneri.org", "user_name": "Deniz Kaya",
    "user_email": "deniz@denizfeneri.org", "password": PASSWORD, "password_confirm": PASSWORD,
}


@pytest.fixture
def app_config(smtp_port: int) -> dict[str, object]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_TIMEOUT": 5}


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _organizations(app: Flask) -> int:
    with database(app) as session:
        return int(session.scalar(select(func.count()).select_from(Organization)) or 0)


def _page(client: FlaskClient, path: str) -> str:
    """The page without its per-session CSRF tokens."""
    return re.sub(r'name="csrf_token" value="[^"]*"', "", client.get(path).get_data(as_text=True))


def test_a_taken_address_gets_the_same_answer_and_its_owner_a_message(
        app: Flask, client: FlaskClient, scene: Scene, mailbox: Mailbox) -> None:
    before = _organizations(app)
    taken = client.post("/register", data={**NEW, "user_email": scene.member.email.upper()})
    other = app.test_client()
    fresh = other.post("/register", data=NEW)
    assert (taken.status_code, taken.location) == (fresh.status_code, fresh.location) \
        == (302, "/register/sent")
    assert _page(client, taken.location) == _page(other, fresh.location)
    assert _organizations(app) == before + 1  # only the new address registered
    mailbox.wait_for(2)
    [warning] = mailbox.to(scene.member.email)
    assert warning["Subject"] == "Adresinizle yeni bir kayıt denendi"
    text, _ = parts(warning)
    assert "http://localhost/login" in text and "http://localhost/password/forgot" in text
    assert confirmation_link(mailbox, "deniz@denizfeneri.org").startswith("/register/confirm/")


def test_an_unconfirmed_account_does_not_sign_in_until_its_link_is_opened(
        app: Flask, client: FlaskClient, mailbox: Mailbox) -> None:
    client.post("/register", data=NEW)
    page = client.post("/login", data={"email": NEW["user_email"], "password": PASSWORD})
    assert page.status_code == 200
    assert "E-posta adresiniz henüz doğrulanmadı" in page.get_data(as_text=True)
    assert client.get("/profile").status_code == 302
    first = confirmation_link(mailbox, NEW["user_email"])
    resend = client.post("/register/resend", data={"email": NEW["user_email"]})
    assert resend.location == "/register/sent"
    mailbox.wait_for(2)
    second = confirmation_link(mailbox, NEW["user_email"])
    assert client.post(second).location == "/bookings"
    assert client.get("/profile").status_code == 200
    # Used once: the other link (and this one) no longer sign anyone in.
    for link in (first, second):
        again = app.test_client().get(link)
        assert again.status_code == 404 and "zaten doğrulandı" in again.get_data(as_text=True)
    client.post("/logout")
    login(client, NEW["user_email"])


def test_a_forged_or_garbled_confirmation_link_is_refused(client: FlaskClient) -> None:
    for token in ("abc", "eyJ1IjoxLCJlIjoiYUBiLm9yZyJ9.Zz.sig"):
        response = client.get(f"/register/confirm/{token}")
        assert response.status_code == 404
        assert "geçersiz ya da süresi dolmuş" in response.get_data(as_text=True)


def test_a_password_reset_confirms_the_address(app: Flask, client: FlaskClient,
                                               mailbox: Mailbox) -> None:
    client.post("/register", data=NEW)
    confirmation_link(mailbox, NEW["user_email"])
    client.post("/password/forgot", data={"email": NEW["user_email"]})
    mailbox.wait_for(2)
    reset = next(m for m in mailbox.to(NEW["user_email"])
                 if m["X-Booking-Notification"] == "password_reset")
    link = parts(reset)[0].split("http://localhost", 1)[1].split()[0]
    client.post(link, data={"password": "yepyeni parola", "password_confirm": "yepyeni parola"})
    login(client, NEW["user_email"], "yepyeni parola")
    with database(app) as session:
        user = session.scalar(select(User).where(User.email == NEW["user_email"]))
        assert user is not None and user.email_confirmed_at is not None


class TestLimits:
    @pytest.fixture
    def app_config(self, smtp_port: int) -> dict[str, object]:
        return {"RATELIMIT_ENABLED": True, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port,
                "SIGN_IN_ACCOUNT_RATE_LIMIT": "5 per hour", "REGISTER_RATE_LIMIT": "2 per hour"}

    @pytest.fixture(autouse=True)
    def _fresh_counts(self, app: Flask) -> None:
        limiter.reset()

    def _from(self, app: Flask, address: str) -> FlaskClient:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client

    def test_wrong_passwords_from_many_addresses_lock_the_account_slowly(
            self, app: Flask, scene: Scene, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.WARNING, logger="booking.security")
        for n in range(5):
            wrong = self._from(app, f"10.0.0.{n + 1}").post(
                "/login", data={"email": scene.member.email, "password": "yanlış parola"})
            assert wrong.status_code == 200
        locked = self._from(app, "10.0.1.1").post(
            "/login", data={"email": scene.member.email.upper(), "password": PASSWORD})
        assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
        text = locked.get_data(as_text=True)
        assert re.search(r"girişler \d+ dakika durduruldu", text) and "Parolamı unuttum" in text
        # The same over the API: the account's count is one.
        api = self._from(app, "10.0.1.2").post("/api/v1/auth/tokens", json={
            "email": scene.member.email, "password": PASSWORD, "name": "x"})
        assert api.status_code == 429 and api.mimetype == "application/problem+json"
        # Another account from the same addresses still signs in.
        assert self._from(app, "10.0.0.1").post("/login", data={
            "email": scene.staff.email, "password": PASSWORD}).status_code == 302
        lines = [r.getMessage() for r in caplog.records]
        assert sum("reason=wrong-password" in line for line in lines) == 5
        assert any("reason=account-limit" in line and "address=10.0.1.1" in line
                   and f"account={scene.member.email}" in line for line in lines)
        assert not any("yanlış parola" in line or PASSWORD in line for line in lines)

    def test_an_unknown_address_is_locked_the_same_way(self, app: Flask) -> None:
        codes = [self._from(app, f"10.0.2.{n}").post("/login", data={
            "email": "kimse@example.org", "password": "yanlış parola"}).status_code
            for n in range(6)]
        assert codes == [200] * 5 + [429]

    def test_registration_is_limited_per_address(self, app: Flask, scene: Scene) -> None:
        browser = self._from(app, "10.0.3.1")
        codes = [browser.post("/register", data={
            **NEW, "org_name": f"Dernek {n}", "user_email": f"kurucu{n}@example.org"}).status_code
            for n in range(3)]
        assert codes == [302, 302, 429]
        assert self._from(app, "10.0.3.2").post("/register", data={
            **NEW, "user_email": "baska@example.org"}).status_code == 302
