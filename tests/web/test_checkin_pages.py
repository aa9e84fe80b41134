"""The check-in pages: the booking page's button, the room's QR page and the
staff's list of today, each through the one check-in service (SPEC §8)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from booking.models import AuditEntry, Booking, BookingStatus, Organization
from tests.support.factories import make_booking
from tests.support.scene import Scene
from tests.support.web import database, plant_sign_in, scene_for


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _booking(app, scene, minutes_from_now: int, org=None, status=BookingStatus.APPROVED,
             room=None):
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=minutes_from_now)
    with database(app) as session:
        booking = make_booking(session, session.merge(room or scene.room), start, 60, status,
                               organization=session.merge(org or scene.org),
                               title="Gönüllü buluşması")
        session.commit()
        return booking.id


def _checked_in(app, booking_id):
    with database(app) as session:
        booking = session.get(Booking, booking_id)
        via = [e.details for e in session.query(AuditEntry).filter_by(
            booking_id=booking_id, action="check_in")]
        return booking.checked_in_at, booking.checked_in_by_id, via


def test_the_booking_page_offers_the_button_in_the_window_and_it_checks_in(app, client, scene):
    booking_id = _booking(app, scene, 5)
    plant_sign_in(client, scene.member)
    page = client.get(f"/bookings/{booking_id}").get_data(as_text=True)
    assert "Geldik, varışımızı kaydet" in page
    response = client.post(f"/bookings/{booking_id}/checkin")
    assert response.status_code == 302
    at, by, via = _checked_in(app, booking_id)
    assert at is not None and by == scene.member.id and via == [{"via": "booking_page"}]
    page = client.get(f"/bookings/{booking_id}").get_data(as_text=True)
    assert "Varış kaydedildi" in page and "Geldik, varışımızı kaydet" not in page


def test_the_booking_page_says_when_the_window_opens_and_offers_no_button_before(
        app, client, scene):
    booking_id = _booking(app, scene, 120)
    plant_sign_in(client, scene.member)
    page = client.get(f"/bookings/{booking_id}").get_data(as_text=True)
    assert "Geldik, varışımızı kaydet" not in page
    assert "Varış kaydı henüz açılmadı" in page
    client.post(f"/bookings/{booking_id}/checkin")
    assert _checked_in(app, booking_id)[0] is None
    assert "Varış kaydı henüz açılmadı" in client.get(f"/bookings/{booking_id}").get_data(as_text=True)


def test_the_qr_page_sends_anonymous_visitors_to_sign_in_and_back(app, client, scene):
    response = client.get(f"/rooms/{scene.room.id}/checkin")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert f"rooms%2F{scene.room.id}%2Fcheckin" in response.headers["Location"] \
        or f"/rooms/{scene.room.id}/checkin" in response.headers["Location"]


def test_the_qr_page_shows_the_members_booking_now_and_checks_it_in(app, client, scene):
    _booking(app, scene, 3, org=scene.other_org, status=BookingStatus.NO_SHOW)  # not theirs
    booking_id = _booking(app, scene, 10)
    plant_sign_in(client, scene.member)
    page = client.get(f"/rooms/{scene.room.id}/checkin").get_data(as_text=True)
    assert "Gönüllü buluşması" in page and "Geldik, varışımızı kaydet" in page
    assert f'name="booking_id" value="{booking_id}"' in page
    response = client.post(f"/rooms/{scene.room.id}/checkin", data={"booking_id": booking_id})
    assert response.status_code == 302
    assert _checked_in(app, booking_id)[2] == [{"via": "room_qr"}]


def test_the_qr_page_explains_when_there_is_no_booking_or_the_window_is_not_open(
        app, client, scene):
    plant_sign_in(client, scene.member)
    page = client.get(f"/rooms/{scene.room.id}/checkin").get_data(as_text=True)
    assert "Bugün bu salonda rezervasyonunuz yok" in page
    start = datetime.now(UTC) + timedelta(minutes=90)
    if start.astimezone(scene.center.tz).date() == datetime.now(UTC).astimezone(
            scene.center.tz).date():
        _booking(app, scene, 90)
        page = client.get(f"/rooms/{scene.room.id}/checkin").get_data(as_text=True)
        assert "Varış kaydı henüz açılmadı" in page and "Geldik, varışımızı kaydet" not in page


def test_the_qr_page_refuses_another_organisations_booking_and_bad_input(app, client, scene):
    other = _booking(app, scene, 5, org=scene.other_org)
    plant_sign_in(client, scene.member)
    client.post(f"/rooms/{scene.room.id}/checkin", data={"booking_id": other})
    assert _checked_in(app, other)[0] is None
    assert client.post(f"/rooms/{scene.room.id}/checkin",
                       data={"booking_id": "x\x00"}).status_code == 400
    assert client.get("/rooms/99999999/checkin").status_code == 404


def test_staff_see_today_and_check_in_from_the_list(app, client, scene):
    booking_id = _booking(app, scene, 5)
    plant_sign_in(client, scene.staff)
    page = client.get("/staff/today").get_data(as_text=True)
    assert "Gönüllü buluşması" in page and scene.org.name in page
    assert f'id="booking-{booking_id}"' in page
    response = client.post(f"/staff/today/{booking_id}/checkin")
    assert response.status_code == 302
    at, by, via = _checked_in(app, booking_id)
    assert at is not None and by == scene.staff.id and via == [{"via": "staff_today"}]


def test_staff_of_another_center_cannot_check_in_nor_see_the_booking_today(app, client, scene):
    booking_id = _booking(app, scene, 5)
    plant_sign_in(client, scene.other_staff)
    assert "Gönüllü buluşması" not in client.get("/staff/today").get_data(as_text=True)
    client.post(f"/staff/today/{booking_id}/checkin")
    assert _checked_in(app, booking_id)[0] is None


def test_members_do_not_reach_the_today_list(app, client, scene):
    plant_sign_in(client, scene.member)
    assert client.get("/staff/today").status_code == 404


def test_the_organisations_page_shows_no_shows_of_the_last_90_days(app, client, scene):
    _booking(app, scene, -60 * 24 * 3, status=BookingStatus.NO_SHOW)
    _booking(app, scene, -60 * 24 * 4, room=scene.small_room)
    plant_sign_in(client, scene.staff)
    page = client.get("/staff/organizations?status=all").get_data(as_text=True)
    row = page[page.index(f'id="organization-{scene.org.id}"'):]
    row = row[:row.index("</tr>")]
    assert "1 / 2 rezervasyon" in row and "%50" in row
    with database(app) as session:
        assert session.get(Organization, scene.other_org.id) is not None
