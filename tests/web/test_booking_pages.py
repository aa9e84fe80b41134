"""Members request rooms and manage their organisation's bookings over HTTP;
staff decide in the queue, verify organisations, record attendance and add closures."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.models import Booking, BookingStatus, Closure, Organization, utcnow
from booking.services.rules import message_day
from tests.support.scene import Scene
from tests.support.web import (
    ahead,
    approved_booking,
    booking_form,
    database,
    login,
    page_text,
    scene_for,
)


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _bookings(app: Flask) -> list[Booking]:
    with database(app) as session:
        rows = list(session.scalars(select(Booking).order_by(Booking.id)))
        for row in rows:
            _ = row.room.center, row.organization
        return rows


def _approved(app: Flask, scene: Scene, start, minutes: int = 120, **values) -> int:
    return approved_booking(app, scene, start, minutes, **values)


def test_a_member_requests_a_room_and_sees_it_pending(app: Flask, client: FlaskClient,
                                                      scene: Scene) -> None:
    login(client, scene.member)
    response = client.post("/bookings/new", data=booking_form(scene.room.id, ahead(3, 10)))
    assert response.status_code == 302
    [booking] = _bookings(app)
    assert booking.status == BookingStatus.PENDING
    assert booking.organization_id == scene.org.id
    assert booking.start_at == ahead(3, 10)
    html = client.get(response.location).get_data(as_text=True)
    assert "Onay bekliyor" in html and "Gönüllü buluşması" in html
    mine = client.get("/bookings").get_data(as_text=True)
    assert "Onay bekleyenler <small>(1)</small>" in mine


def test_the_request_form_shows_rule_errors_on_their_fields(client: FlaskClient,
                                                            scene: Scene) -> None:
    login(client, scene.member)
    response = client.post("/bookings/new", data=booking_form(
        scene.room.id, ahead(3, 6), expected_attendees=500, title=""))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="title-error"' in html and "Bu alan gerekli." in html
    response = client.post("/bookings/new", data=booking_form(
        scene.room.id, ahead(3, 6), expected_attendees=500))
    html = unescape(response.get_data(as_text=True))
    assert re.search(r'id="expected_attendees-error".*Bu salon en fazla 40 kişiliktir', html)
    response = client.post("/bookings/new", data=booking_form(scene.room.id, ahead(3, 6)))
    html = unescape(response.get_data(as_text=True))
    assert re.search(r'id="start_time-error".*Salon 08:00 ile 22:00 arasında kullanılabilir', html)


def test_an_unverified_organisation_cannot_book(app: Flask, client: FlaskClient,
                                                scene: Scene) -> None:
    with database(app) as session:
        session.get(Organization, scene.org.id).is_verified = False
        session.commit()
    login(client, scene.member)
    assert "henüz doğrulanmadı" in client.get("/bookings/new").get_data(as_text=True)
    response = client.post("/bookings/new", data=booking_form(scene.room.id, ahead(3, 10)))
    assert response.status_code == 422
    assert not _bookings(app)


def test_a_conflict_shows_suggestions_that_fill_the_form(app: Flask, client: FlaskClient,
                                                         scene: Scene) -> None:
    _approved(app, scene, ahead(4, 10))
    login(client, scene.member)
    response = client.post("/bookings/new", data=booking_form(scene.room.id, ahead(4, 10)))
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Bu zaman aralığında salon dolu." in html
    links = re.findall(r'<a class="suggestion-edit" href="(/bookings/new\?[^"]+)"', html)
    assert links, html
    form = unescape(client.get(links[0]).get_data(as_text=True))
    assert 'value="Gönüllü buluşması"' in form
    assert re.search(r'name="start_time"[^>]*value="\d\d:\d\d"', form)
    # Taking the suggestion books it.
    values = dict(re.findall(r'[?&]([a-z_]+)=([^&]*)', links[0]))
    from urllib.parse import unquote_plus

    data = {k: unquote_plus(v) for k, v in values.items()}
    data["interval"] = 1
    assert client.post("/bookings/new", data=data).status_code == 302
    assert len(_bookings(app)) == 2


def test_a_weekly_series_is_requested_and_cancelled_whole(app: Flask, client: FlaskClient,
                                                          scene: Scene) -> None:
    login(client, scene.member)
    start = ahead(7, 18)
    weekday = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][start.weekday()]
    response = client.post("/bookings/new", data=booking_form(
        scene.room.id, start, freq="weekly", interval=1, count=4, byweekday=[weekday]))
    assert response.status_code == 302
    rows = _bookings(app)
    assert len(rows) == 4 and len({b.series_id for b in rows}) == 1
    assert client.post(f"/series/{rows[0].series_id}/cancel").status_code == 302
    assert {b.status for b in _bookings(app)} == {BookingStatus.CANCELLED}


def test_a_series_without_count_or_end_is_refused(client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    response = client.post("/bookings/new", data=booking_form(
        scene.room.id, ahead(7, 18), freq="daily"))
    assert response.status_code == 422
    assert "Tekrar sayısı ya da son tarih girin." in response.get_data(as_text=True)


def test_a_member_changes_and_cancels_a_booking(app: Flask, client: FlaskClient,
                                                scene: Scene) -> None:
    login(client, scene.member)
    client.post("/bookings/new", data=booking_form(scene.room.id, ahead(5, 10)))
    [booking] = _bookings(app)
    page = client.get(f"/bookings/{booking.id}/edit").get_data(as_text=True)
    assert 'value="10:00"' in page
    data = booking_form(scene.room.id, ahead(5, 14), title="Yeni başlık")
    assert client.post(f"/bookings/{booking.id}/edit", data=data).status_code == 302
    [changed] = _bookings(app)
    assert changed.title == "Yeni başlık" and changed.start_at == ahead(5, 14)
    assert client.post(f"/bookings/{booking.id}/cancel",
                       data={"reason": "Etkinlik ertelendi"}).status_code == 302
    [cancelled] = _bookings(app)
    assert cancelled.status == BookingStatus.CANCELLED
    assert cancelled.status_reason == "Etkinlik ertelendi"
    html = client.get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert "İptal edildi" in html and "Etkinlik ertelendi" in html


def test_other_organisations_bookings_are_not_found(app: Flask, client: FlaskClient,
                                                    scene: Scene) -> None:
    booking_id = _approved(app, scene, ahead(4, 10))
    login(client, scene.member)
    assert client.get(f"/bookings/{booking_id}").status_code == 404
    assert client.get(f"/bookings/{booking_id}/edit").status_code == 404
    assert client.post(f"/bookings/{booking_id}/cancel").status_code == 404
    assert _bookings(app)[0].status == BookingStatus.APPROVED


def test_the_week_view_shows_busy_free_and_own_bookings(app: Flask, client: FlaskClient,
                                                        scene: Scene) -> None:
    start = ahead(8, 10)
    _approved(app, scene, start, title="Gizli toplantı")
    week = start.date().isoformat()
    html = client.get(f"/rooms/{scene.room.id}?week={week}").get_data(as_text=True)
    assert '<li class="tl-block tl-busy' in html and "Gizli toplantı" not in html
    login(client, scene.other_member)
    html = client.get(f"/rooms/{scene.room.id}?week={week}").get_data(as_text=True)
    assert '<li class="tl-block tl-mine' in html and "Gizli toplantı" in html
    assert '<a class="tl-pick" href="/bookings/new?room_id=' in html  # free time links to the form


def test_the_queue_shows_overlaps_and_approving_rejects_rivals(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    client.post("/bookings/new", data=booking_form(scene.room.id, ahead(6, 10), title="Birinci"))
    client.post("/logout")
    login(client, scene.other_member)
    client.post("/bookings/new", data=booking_form(scene.room.id, ahead(6, 11), title="İkinci"))
    client.post("/logout")
    login(client, scene.staff)
    html = client.get("/staff/queue").get_data(as_text=True)
    assert html.index("Birinci") < html.index("İkinci")
    assert "Şu bekleyen taleplerle çakışıyor" in html
    first, second = _bookings(app)
    assert client.post(f"/staff/bookings/{first.id}/approve").status_code == 302
    first, second = _bookings(app)
    assert first.status == BookingStatus.APPROVED
    assert second.status == BookingStatus.REJECTED and second.status_reason


def test_the_queue_the_auto_rejection_and_the_engine_count_the_buffer_alike(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    """The room keeps 15 minutes after each booking. A request starting inside
    that quarter of an hour is a rival in the queue, is rejected by the
    approval, and could not be approved beside it; one starting when the
    quarter ends is none of these."""
    assert scene.room.buffer_minutes == 15
    login(client, scene.member)
    client.post("/bookings/new", data=booking_form(scene.room.id, ahead(6, 10), 60,
                                                   title="Birinci"))
    client.post("/logout")
    login(client, scene.other_member)
    client.post("/bookings/new", data=booking_form(scene.room.id, ahead(6, 11, 10), 60,
                                                   title="Tampon içinde"))
    client.post("/bookings/new", data=booking_form(scene.room.id, ahead(6, 11, 15), 60,
                                                   title="Tampondan sonra"))
    client.post("/logout")
    login(client, scene.staff)
    first, inside, after = _bookings(app)
    html = unescape(client.get("/staff/queue").get_data(as_text=True))
    card = html[html.index(f'id="booking-{first.id}"'):html.index(f'id="booking-{inside.id}"')]
    assert "Tampon içinde" in card and "Tampondan sonra" not in card

    client.post(f"/staff/bookings/{first.id}/approve")
    html = unescape(client.get("/staff/queue").get_data(as_text=True))
    assert "Çakışan 1 talep otomatik reddedildi: “Tampon içinde”." in html
    first, inside, after = _bookings(app)
    assert (first.status, inside.status, after.status) == (
        BookingStatus.APPROVED, BookingStatus.REJECTED, BookingStatus.PENDING)
    # The engine agrees: the later request fits beside the approved one.
    assert client.post(f"/staff/bookings/{after.id}/approve").status_code == 302
    assert _bookings(app)[2].status == BookingStatus.APPROVED


def test_rejecting_needs_a_reason(app: Flask, client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    client.post("/bookings/new", data=booking_form(scene.room.id, ahead(6, 10)))
    client.post("/logout")
    login(client, scene.staff)
    [booking] = _bookings(app)
    client.post(f"/staff/bookings/{booking.id}/reject", data={"reason": ""})
    assert _bookings(app)[0].status == BookingStatus.PENDING
    client.post(f"/staff/bookings/{booking.id}/reject", data={"reason": "Salon bakımda"})
    [rejected] = _bookings(app)
    assert rejected.status == BookingStatus.REJECTED and rejected.status_reason == "Salon bakımda"
    client.post("/logout")
    login(client, scene.member)
    assert "Salon bakımda" in client.get("/bookings").get_data(as_text=True)


def test_staff_of_another_center_cannot_decide(app: Flask, client: FlaskClient,
                                               scene: Scene) -> None:
    login(client, scene.member)
    client.post("/bookings/new", data=booking_form(scene.room.id, ahead(6, 10)))
    client.post("/logout")
    login(client, scene.other_staff)
    [booking] = _bookings(app)
    assert "Gönüllü" not in client.get("/staff/queue").get_data(as_text=True)
    assert client.post(f"/staff/bookings/{booking.id}/approve").status_code == 404
    assert _bookings(app)[0].status == BookingStatus.PENDING


def test_staff_book_directly_for_an_organisation(app: Flask, client: FlaskClient,
                                                 scene: Scene) -> None:
    login(client, scene.staff)
    form = client.get("/bookings/new").get_data(as_text=True)
    assert "Kurum içi etkinlik" in form and scene.other_org.name in form
    response = client.post("/bookings/new", data=booking_form(
        scene.room.id, ahead(200, 22), minutes=60, organization_id=scene.other_org.id))
    assert response.status_code == 302
    [booking] = _bookings(app)
    assert booking.status == BookingStatus.APPROVED
    assert booking.organization_id == scene.other_org.id


def test_staff_verify_organisations_found_by_turkish_search(app: Flask, client: FlaskClient,
                                                            scene: Scene) -> None:
    with database(app) as session:
        session.add(Organization(name="IŞIK Gençlik Kooperatifi", kind="cooperative",
                                 email="isik@example.org", is_verified=False))
        session.commit()
    login(client, scene.staff)
    html = client.get("/staff/organizations?q=ışık").get_data(as_text=True)
    assert "IŞIK Gençlik Kooperatifi" in html and scene.org.name not in html
    with database(app) as session:
        org_id = session.scalar(select(Organization.id).where(Organization.kind == "cooperative"))
    assert client.post(f"/staff/organizations/{org_id}/verify",
                       data={"method": "registry_checked"}).status_code == 302
    with database(app) as session:
        assert session.get(Organization, org_id).is_verified


def test_staff_record_attendance_of_past_events(app: Flask, client: FlaskClient,
                                               scene: Scene) -> None:
    booking_id = _approved(app, scene, utcnow() - timedelta(hours=3), minutes=60)
    login(client, scene.staff)
    html = client.get("/staff/attendance").get_data(as_text=True)
    assert f'id="booking-{booking_id}"' in html and "Kaydedilmedi" in html
    client.post(f"/staff/bookings/{booking_id}/attendance", data={"actual_attendees": 37})
    assert _bookings(app)[0].actual_attendees == 37
    client.post(f"/staff/bookings/{booking_id}/attendance", data={"actual_attendees": -1})
    assert _bookings(app)[0].actual_attendees == 37


def test_staff_add_closures_and_import_holidays(app: Flask, client: FlaskClient,
                                               scene: Scene) -> None:
    login(client, scene.staff)
    day = ahead(9, 0).date().isoformat()
    response = client.post("/staff/closures", data={
        "room_id": scene.room.id, "start_date": day, "end_date": day, "reason": "Boya badana"})
    assert response.status_code == 302
    response = client.post("/staff/closures", data={
        "room_id": scene.room.id, "start_date": day, "end_date": day, "reason": ""})
    assert response.status_code == 422
    year = ahead(0, 0).year + 1
    client.post(f"/staff/centers/{scene.center.id}/holidays", data={"year": year})
    with database(app) as session:
        closures = list(session.scalars(select(Closure)))
    assert any(c.reason == "Boya badana" and c.room_id == scene.room.id for c in closures)
    assert sum(c.source == "holiday" for c in closures) >= 10
    html = client.get(f"/rooms/{scene.room.id}?week={day}").get_data(as_text=True)
    assert "Boya badana" in html
    assert client.post(f"/staff/centers/{scene.center.id + 1}/holidays",
                       data={"year": year}).status_code == 404


def test_a_closure_at_a_time_the_clocks_skip_is_a_form_error(app: Flask, client: FlaskClient,
                                                            scene: Scene) -> None:
    """Berlin's clocks jump from 02:00 to 03:00 on the last Sunday of March: a
    closure typed to start at 02:30 that night is refused on its field, as a
    booking would be, instead of being stored an hour off."""
    from datetime import date

    from booking.models import Role
    from tests.support.factories import make_center, make_user

    with database(app) as session:
        berlin = make_center(session, name="Berlin Merkezi", timezone="Europe/Berlin")
        staff = make_user(session, Role.STAFF, centers=[berlin], name="Greta Görevli")
        session.commit()
        berlin_id = berlin.id
    login(client, staff)
    year = ahead(0, 0).year + 1
    sunday = max(date(year, 3, d) for d in range(25, 32) if date(year, 3, d).weekday() == 6)
    response = client.post("/staff/closures", data={
        "room_id": -berlin_id, "start_date": sunday.isoformat(), "start_time": "02:30",
        "end_date": sunday.isoformat(), "end_time": "05:00", "reason": "Bakım"})
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert f"{page_text(app, message_day, sunday)} günü saat 02:30 yok" in html
    with database(app) as session:
        assert session.scalar(select(Closure).where(Closure.center_id == berlin_id)) is None
