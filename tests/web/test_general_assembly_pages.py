"""General assemblies on the pages (SPEC §9): the request form's second date,
the 15-day warning after the request, both dates and the call text on the
booking page, the quorum button, and refusals shown on their fields."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from booking.i18n.dates import heading_day
from booking.models import Booking, BookingKind, BookingStatus, GeneralAssembly
from tests.support.factories import make_booking
from tests.support.scene import Scene
from tests.support.web import ahead, booking_form, database, login, page_text, scene_for


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _form(scene: Scene, days: int = 20, gap: int = 14, **values: object) -> dict:
    second = ahead(days + gap, 10)
    data = booking_form(scene.room.id, ahead(days, 10), title="Olağan Genel Kurul",
                        kind="general_assembly", second_date=second.date().isoformat())
    data.update(values)
    return data


def _count(app: Flask) -> int:
    with database(app) as session:
        return session.scalar(select(func.count()).select_from(Booking))


def test_the_request_form_offers_the_kind_and_the_second_date(client: FlaskClient, scene: Scene):
    login(client, scene.member)
    html = client.get("/bookings/new").get_data(as_text=True)
    assert 'value="general_assembly"' in html and 'name="second_date"' in html
    assert '<details class="assembly-second" id="assembly-second">' in html  # closed for a meeting


def test_a_member_requests_a_general_assembly_and_sees_both_dates_and_the_call_text(
        app: Flask, client: FlaskClient, scene: Scene):
    login(client, scene.member)
    response = client.post("/bookings/new", data=_form(scene, days=10))
    assert response.status_code == 302, response.get_data(as_text=True)
    html = unescape(client.get(response.location).get_data(as_text=True))
    assert "Genel kurulun iki tarihi birlikte kaydedildi." in html
    assert "en az 15 gün önce ilan edilmelidir" in html  # a warning, not a refusal
    for days in (10, 24):
        assert page_text(app, heading_day, ahead(days, 10).date()) in html
    assert 'id="call-text" readonly' in html and scene.org.name in html
    assert "çoğunluk sağlanamadığı takdirde" in html
    assert "Yeter sayı sağlandı" not in html  # the first meeting has not started
    with database(app) as session:
        assembly = session.scalar(select(GeneralAssembly))
        second_id = assembly.second_booking_id
    text = client.get(f"/bookings/{second_id}/call.txt")
    assert text.mimetype == "text/plain" and scene.room.name in text.get_data(as_text=True)


def test_a_second_date_out_of_bounds_is_an_error_on_its_field_and_nothing_is_stored(
        app: Flask, client: FlaskClient, scene: Scene):
    login(client, scene.member)
    response = client.post("/bookings/new", data=_form(scene, gap=61))
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "7 ile 60 gün sonra olmalı (şimdi 61 gün)" in html
    assert 'id="assembly-second" open' in html
    response = client.post("/bookings/new", data=_form(scene, second_date=""))
    assert "İkinci toplantının tarihini ve saatlerini girin." in unescape(
        response.get_data(as_text=True))
    assert _count(app) == 0


def test_a_conflict_on_the_second_date_offers_no_single_date_button(
        app: Flask, client: FlaskClient, scene: Scene):
    with database(app) as session:
        make_booking(session, session.merge(scene.room), ahead(34, 9), 240,
                     BookingStatus.APPROVED, organization=session.merge(scene.other_org))
        session.commit()
    login(client, scene.member)
    response = client.post("/bookings/new", data=_form(scene))
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 409 or "Çakışma" in html
    assert "İkinci toplantı tarihi" in html and "Bu zamanı iste" not in html
    assert _count(app) == 1


def test_the_quorum_button_cancels_the_second_date(app: Flask, client: FlaskClient, scene: Scene):
    now = datetime.now(UTC)
    with database(app) as session:
        room, org = session.merge(scene.room), session.merge(scene.org)
        first = make_booking(session, room, now - timedelta(minutes=30), 120,
                             BookingStatus.APPROVED, organization=org,
                             kind=BookingKind.GENERAL_ASSEMBLY)
        second = make_booking(session, room, now + timedelta(days=14), 120,
                              BookingStatus.APPROVED, organization=org,
                              kind=BookingKind.GENERAL_ASSEMBLY)
        session.add(GeneralAssembly(organization_id=org.id, first_booking_id=first.id,
                                    second_booking_id=second.id, created_at=now))
        session.commit()
        first_id, second_id = first.id, second.id
    login(client, scene.other_member)
    assert client.post(f"/bookings/{first_id}/quorum-reached").status_code == 404
    login(client, scene.member)
    html = client.get(f"/bookings/{first_id}").get_data(as_text=True)
    assert "Yeter sayı sağlandı" in html
    response = client.post(f"/bookings/{first_id}/quorum-reached", follow_redirects=True)
    assert "ikinci tarih iptal edildi" in unescape(response.get_data(as_text=True))
    with database(app) as session:
        assert session.get(Booking, second_id).status == BookingStatus.CANCELLED
