"""Hostile text on web forms is a form error, never a 500 (issue 16, items 6
and 7): a NUL character anywhere, ids no row can have, numbers no column
holds; line breaks in single-line fields become spaces before they are kept,
so no name or title can break an e-mail header."""
from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.models import Booking, Center, Closure, Organization, User
from tests.support.factories import PASSWORD
from tests.support.scene import Scene
from tests.support.web import ahead, booking_form, database, login, scene_for

NUL = "A\x00B"
HUGE = "99999999999999999999"
NUL_MESSAGE = "Metin geçersiz bir karakter (NUL) içeriyor."


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _refused(response, message: str = NUL_MESSAGE) -> None:  # type: ignore[no-untyped-def]
    """The form again (200 or 4xx, never a 500 or a redirect), saying why."""
    assert response.status_code == 200 or 400 <= response.status_code < 500, response.status_code
    assert message in response.get_data(as_text=True)


def test_a_nul_in_a_booking_request_is_a_form_error(client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    for field in ("title", "description"):
        data = booking_form(scene.open_room.id, ahead(8, 10), **{field: NUL})
        _refused(client.post("/bookings/new", data=data))


def test_a_nul_in_staff_and_admin_forms_is_a_form_error(app: Flask, client: FlaskClient,
                                                         scene: Scene) -> None:
    login(client, scene.staff)
    day = ahead(9, 0).date().isoformat()
    _refused(client.post("/staff/closures", data={
        "room_id": scene.room.id, "start_date": day, "end_date": day, "reason": NUL}))
    client.post("/logout")
    login(client, scene.admin)
    _refused(client.post("/admin/centers/new", data={
        "name": NUL, "timezone": "Europe/Istanbul", "is_active": "y"}))
    _refused(client.post("/profile/tokens", data={"name": NUL}))
    with database(app) as session:
        assert session.scalar(select(Closure)) is None
        assert session.scalar(select(Center).where(Center.name.like("A%B"))) is None


def test_a_nul_in_registration_or_sign_in_is_a_form_error(client: FlaskClient,
                                                          scene: Scene) -> None:
    _refused(client.post("/register", data={
        "org_name": NUL, "org_kind": "association", "org_email": "a@example.org",
        "user_name": "Ayşe", "user_email": "ayse@example.org", "password": PASSWORD,
        "password_confirm": PASSWORD}))
    _refused(client.post("/login", data={"email": scene.member.email, "password": "x\x00y"}))


def test_ids_and_numbers_no_column_holds_are_form_errors(client: FlaskClient,
                                                         scene: Scene) -> None:
    login(client, scene.staff)
    data = {**booking_form(scene.room.id, ahead(8, 10)), "room_id": HUGE}
    _refused(client.post("/bookings/new", data=data), "Listeden bir seçim yapın.")
    data = booking_form(scene.room.id, ahead(8, 10), organization_id=HUGE)
    assert client.post("/bookings/new", data=data).status_code == 422
    data = booking_form(scene.room.id, ahead(8, 10), expected_attendees=HUGE)
    _refused(client.post("/bookings/new", data=data), "Bu sayı çok büyük.")
    assert client.get(f"/reports/summary?center_id={HUGE}").status_code in (200, 404)


def test_line_breaks_in_names_and_titles_become_spaces(app: Flask, client: FlaskClient,
                                                       scene: Scene) -> None:
    response = client.post("/register", data={
        "org_name": "Yeni\r\nDernek", "org_kind": "association", "org_email": "yeni@example.org",
        "user_name": "Ayşe\r\nBcc: x@evil.example", "user_email": "ayse@example.org",
        "password": PASSWORD, "password_confirm": PASSWORD})
    assert response.status_code == 302
    with database(app) as session:
        user = session.scalar(select(User).where(User.email == "ayse@example.org"))
        assert user is not None and user.name == "Ayşe Bcc: x@evil.example"
        assert session.scalar(select(Organization.name).where(
            Organization.email == "yeni@example.org")) == "Yeni Dernek"
    client.post("/logout")
    login(client, scene.member)
    data = booking_form(scene.open_room.id, ahead(8, 10), title="Toplantı\nSubject: spam")
    assert client.post("/bookings/new", data=data).status_code == 302
    with database(app) as session:
        assert session.scalar(select(Booking.title)) == "Toplantı Subject: spam"


def test_a_control_character_in_a_booking_title_is_a_form_error_as_on_the_api(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    data = booking_form(scene.open_room.id, ahead(8, 10), title="Zil\x07 sesi")
    _refused(client.post("/bookings/new", data=data),
             "Başlık görünmeyen denetim karakterleri içeremez.")
    with database(app) as session:
        assert session.scalar(select(Booking).where(Booking.title.like("Zil%"))) is None
