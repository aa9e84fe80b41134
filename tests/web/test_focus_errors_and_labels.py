"""A second walkthrough, by keyboard and screen reader: what a staff member's
day and a member's first week stumbled on, each pinned by a test. The
browser half (where the focus lands) is tests/test_browser_keyboard.py."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.models import Booking, BookingStatus, OutboxMessage, OutboxStatus, utcnow
from tests.support.factories import make_booking
from tests.support.scene import Scene
from tests.support.web import ahead, approved_booking, booking_form, database, login, scene_for


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _text(response) -> str:
    return unescape(response.get_data(as_text=True))


def _summary(html: str) -> str:
    match = re.search(r'<div class="alert alert-error" role="alert">(.*?)</div>', html, re.S)
    assert match, "no error summary above the form"
    return match.group(1)


def _past_event(app: Flask, scene: Scene) -> int:
    with database(app) as session:
        booking = make_booking(session, session.merge(scene.room), utcnow() - timedelta(hours=3),
                               60, BookingStatus.APPROVED, organization=session.merge(scene.org),
                               title="Dünkü panel")
        session.commit()
        return booking.id


def test_the_error_summary_links_each_field_error_to_its_field(client: FlaskClient,
                                                               scene: Scene) -> None:
    # Closures: the summary used to be missing; the errors sat only under each field.
    login(client, scene.staff)
    response = client.post("/staff/closures", data={"room_id": scene.room.id, "reason": ""})
    assert response.status_code == 422
    summary = _summary(_text(response))
    for field_id, label in (("start_date", "Başlangıç tarihi"), ("end_date", "Bitiş tarihi"),
                            ("reason", "Neden")):
        assert f'<a href="#{field_id}">{label}: Bu alan gerekli.</a>' in summary, field_id
    client.post("/logout")
    # Registration, sign-in and the booking form name their fields too.
    html = _text(client.post("/register", data={
        "org_name": "Deniz Feneri Gönüllüleri", "org_kind": "association",
        "org_email": "yanlış", "user_name": "Deniz Ak", "user_email": "deniz@example.org",
        "password": "uzun-bir-parola", "password_confirm": "uzun-bir-parola"}))
    assert '<a href="#org_email">Kuruluşun e-posta adresi: Geçerli bir e-posta adresi girin.</a>' \
        in _summary(html)
    html = _text(client.post("/login", data={"email": scene.member.email, "password": "yanlış"}))
    assert '<a href="#password">Parola: E-posta adresi ya da parola yanlış.</a>' in _summary(html)


def test_a_refused_attendance_keeps_the_number_typed_and_says_why_on_its_row(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    booking_id = _past_event(app, scene)
    login(client, scene.staff)
    # More than the room holds (40): refused by the service.
    response = client.post(f"/staff/bookings/{booking_id}/attendance",
                           data={"actual_attendees": "400"})
    assert response.status_code == 422
    html = _text(response)
    assert (f'id="actual-{booking_id}" name="actual_attendees" value="400" required '
            f'aria-invalid="true" aria-describedby="actual-{booking_id}-error"') in html
    error = re.search(rf'<p class="error" id="actual-{booking_id}-error">(.*?)</p>', html, re.S)
    assert error and "40" in error.group(1)
    assert f'<a href="#actual-{booking_id}">Dünkü panel: ' in _summary(html)
    # Not a number at all: the form's own message, on the row.
    html = _text(client.post(f"/staff/bookings/{booking_id}/attendance",
                             data={"actual_attendees": "kırk"}))
    assert "Bir tam sayı girin." in html and 'value="kırk"' in html
    # Nothing was recorded; a good number still goes through.
    response = client.post(f"/staff/bookings/{booking_id}/attendance",
                           data={"actual_attendees": "35"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/attendance")


def test_a_first_count_returns_to_the_next_event_and_a_correction_to_its_row(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    """Recorded, a row moves down among the recorded ones: the page used to open
    there, far from the next event still to record (unrecorded come first)."""
    booking_id = _past_event(app, scene)
    login(client, scene.staff)
    response = client.post(f"/staff/bookings/{booking_id}/attendance",
                           data={"actual_attendees": "35"})
    assert response.headers["Location"].endswith("/staff/attendance")
    response = client.post(f"/staff/bookings/{booking_id}/attendance",
                           data={"actual_attendees": "36"})
    assert response.headers["Location"].endswith(f"/staff/attendance#booking-{booking_id}")


def test_the_menu_marks_the_page_you_are_on(client: FlaskClient, scene: Scene) -> None:
    login(client, scene.staff)
    for url, label in (("/staff/queue", "Onay kuyruğu"), ("/staff/attendance", "Katılım"),
                       ("/staff/closures", "Kapanışlar"), ("/profile", "Profil")):
        html = _text(client.get(url))
        nav = html[html.index('<nav class="site-nav"'):html.index("</nav>")]
        assert nav.count('aria-current="page"') == 1, url
        assert re.search(rf'aria-current="page">{label}</a>', nav), url
    # A form sent back with errors is still that page.
    html = _text(client.post("/staff/closures", data={"reason": ""}))
    assert 'aria-current="page">Kapanışlar</a>' in html


def test_a_first_calendar_link_does_not_speak_of_an_old_one(client: FlaskClient,
                                                            scene: Scene) -> None:
    login(client, scene.member)
    html = _text(client.post("/profile/calendars/personal", follow_redirects=True))
    assert "Takvim bağlantınız hazır." in html
    assert "eski bağlantınız artık çalışmaz" not in html
    # Replacing it does warn that the old one stops.
    html = _text(client.post("/profile/calendars/personal", follow_redirects=True))
    assert "eski bağlantınız artık çalışmaz" in html


def test_repeated_center_links_name_their_center(client: FlaskClient, scene: Scene) -> None:
    """A screen reader's list of links read "Günlük doluluk" six times, all different."""
    html = _text(client.get("/centers"))
    name = scene.center.name
    assert f'Günlük doluluk<span class="visually-hidden">: {name}</span>' in html
    assert f'Merkezin takvimine abone ol<span class="visually-hidden">: {name}</span>' in html
    login(client, scene.admin)
    html = _text(client.get("/admin/"))
    assert f'Bu merkeze salon ekle<span class="visually-hidden">: {name}</span>' in html


def test_a_change_that_collides_offers_free_times_as_links_that_keep_what_was_typed(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    """The request form's suggestions were links; the change form's were plain
    text, to be copied into the fields by hand."""
    approved_booking(app, scene, ahead(5, 14), 120)
    login(client, scene.member)
    client.post("/bookings/new", data=booking_form(scene.room.id, ahead(5, 10)))
    with database(app) as session:
        booking_id = session.scalar(select(Booking.id).where(
            Booking.organization_id == scene.org.id))
    response = client.post(f"/bookings/{booking_id}/edit", data=booking_form(
        scene.room.id, ahead(5, 14), title="Ertelenen buluşma", expected_attendees=25))
    assert response.status_code == 422
    html = _text(response)
    links = re.findall(rf'<li><a href="(/bookings/{booking_id}/edit\?[^"]+)">', html)
    assert links, "the suggested times are not links"
    query = parse_qs(urlsplit(links[0]).query)
    assert query["title"] == ["Ertelenen buluşma"] and query["expected_attendees"] == ["25"]
    form = _text(client.get(links[0]))
    assert 'value="Ertelenen buluşma"' in form and 'value="25"' in form
    assert f'value="{query["start_time"][0]}"' in form
    assert f'value="{query["date"][0]}"' in form
    # Sent as it is, the suggested time is free.
    data = booking_form(scene.room.id, ahead(5, 10), title="Ertelenen buluşma",
                        expected_attendees=25, date=query["date"][0],
                        start_time=query["start_time"][0], end_time=query["end_time"][0])
    assert client.post(f"/bookings/{booking_id}/edit", data=data).status_code == 302


def test_a_cancel_or_reject_refused_by_the_form_says_why(app: Flask, client: FlaskClient,
                                                          scene: Scene) -> None:
    """A reason over 2,000 characters came back as if nothing had happened (cancel)
    or was called missing (reject)."""
    too_long = "ertelendi " * 201
    with database(app) as session:
        booking = make_booking(session, session.merge(scene.room), ahead(4, 10), 60,
                               BookingStatus.APPROVED, organization=session.merge(scene.org))
        session.commit()
        booking_id = booking.id
    login(client, scene.member)
    detail = _text(client.get(f"/bookings/{booking_id}"))
    assert 'maxlength="2000"' in detail
    html = _text(client.post(f"/bookings/{booking_id}/cancel", data={"reason": too_long},
                             follow_redirects=True))
    assert "İptal edilmedi. Gerekçe: Alan 2000 karakterden uzun olamaz." in html
    with database(app) as session:
        assert session.get(Booking, booking_id).status == BookingStatus.APPROVED
    client.post("/logout")
    with database(app) as session:
        pending = make_booking(session, session.merge(scene.room), ahead(5, 10), 60,
                               organization=session.merge(scene.org), title="Bekleyen")
        session.commit()
        pending_id = pending.id
    login(client, scene.staff)
    assert 'maxlength="2000" required' in _text(client.get("/staff/queue"))
    html = _text(client.post(f"/staff/bookings/{pending_id}/reject", data={"reason": too_long},
                             follow_redirects=True))
    assert "Reddedilmedi. Ret gerekçesi: Alan 2000 karakterden uzun olamaz." in html
    assert "Reddetmek için bir gerekçe yazın." not in html
    html = _text(client.post(f"/staff/bookings/{pending_id}/reject", data={"reason": " "},
                             follow_redirects=True))
    assert "Reddetmek için bir gerekçe yazın." in html


def test_a_page_sent_back_with_errors_says_so_in_its_title(app: Flask, client: FlaskClient,
                                                           scene: Scene) -> None:
    def title(response) -> str:
        return re.search(r"<title>(.*?)</title>", _text(response), re.S).group(1)

    assert title(client.get("/register")) == "Kuruluş kaydı · Sivil Toplum Merkezleri"
    assert title(client.post("/register", data={})) == \
        "Hata: Kuruluş kaydı · Sivil Toplum Merkezleri"
    assert title(client.post("/login", data={"email": scene.member.email, "password": "x"})) \
        .startswith("Hata: Giriş yap")
    login(client, scene.staff)
    assert title(client.get("/staff/closures")).startswith("Kapanışlar")
    assert title(client.post("/staff/closures", data={})).startswith("Hata: Kapanışlar")
    booking_id = _past_event(app, scene)
    assert title(client.post(f"/staff/bookings/{booking_id}/attendance",
                             data={"actual_attendees": "400"})).startswith("Hata: Katılım")
    client.post("/logout")
    login(client, scene.member)
    client.post("/language", data={"language": "en", "next": "/profile"})
    assert title(client.post("/profile/password", data={})).startswith("Error: Profile")


def test_a_members_booking_leads_back_to_the_list_by_the_menus_name(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    """The menu said "Rezervasyonlarımız", the way back from a booking "Rezervasyonlar"."""
    with database(app) as session:
        booking = make_booking(session, session.merge(scene.room), ahead(4, 10), 60,
                               organization=session.merge(scene.org))
        session.commit()
        booking_id = booking.id
    login(client, scene.member)
    html = _text(client.get(f"/bookings/{booking_id}"))
    assert '<p class="breadcrumb"><a href="/bookings">Rezervasyonlarımız</a></p>' in html


def test_the_outbox_table_has_a_caption(app: Flask, client: FlaskClient, scene: Scene) -> None:
    with database(app) as session:
        session.add(OutboxMessage(
            kind="reminder", booking_id=None, recipient="uye@example.org", language="tr",
            due_at=utcnow(), dedupe_key="caption-test", context={},
            status=OutboxStatus.FAILED, attempts=5, next_attempt_at=utcnow(), last_error="550"))
        session.commit()
    login(client, scene.admin)
    html = _text(client.get("/admin/outbox/?status=failed"))
    assert "uye@example.org" in html
    assert '<caption class="visually-hidden">E-posta kuyruğu</caption>' in html


def test_approving_names_the_requests_it_rejected_automatically(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    """The overlapping requests vanished from the queue without a word."""
    with database(app) as session:
        room = session.merge(scene.room)
        chosen = make_booking(session, room, ahead(6, 10), 120, organization=session.merge(
            scene.org), title="Seçilen talep")
        make_booking(session, room, ahead(6, 11), 60, organization=session.merge(
            scene.other_org), title="Çakışan talep")
        make_booking(session, room, ahead(6, 15), 60, organization=session.merge(
            scene.other_org), title="Uzak talep")
        session.commit()
        chosen_id = chosen.id
    login(client, scene.staff)
    html = _text(client.post(f"/staff/bookings/{chosen_id}/approve", follow_redirects=True))
    assert "“Seçilen talep” onaylandı." in html
    assert "Çakışan 1 talep otomatik reddedildi: “Çakışan talep”." in html
    assert "Uzak talep”." not in html.split("otomatik reddedildi")[1].split("</div>")[0]


def test_buttons_repeated_on_every_row_name_their_row(app: Flask, client: FlaskClient,
                                                      scene: Scene) -> None:
    """A screen reader's list of buttons read "Kaydet", "Kaydet", "Kaydet"…"""
    _past_event(app, scene)
    login(client, scene.staff)
    html = _text(client.get("/staff/attendance"))
    assert 'Kaydet<span class="visually-hidden">: Dünkü panel</span></button>' in html
    html = _text(client.get("/staff/closures"))
    assert (f'Tatilleri ekle<span class="visually-hidden">: {scene.center.name}</span>'
            '</button>') in html
    day = ahead(9, 0).date().isoformat()
    client.post("/staff/closures", data={"room_id": scene.room.id, "start_date": day,
                                         "end_date": day, "reason": "Bakım"})
    html = _text(client.get("/staff/closures"))
    assert re.search(r'Sil<span class="visually-hidden">: Bakım, Toplantı Salonu, \d', html)


def test_the_report_title_is_built_like_every_other_page_title(client: FlaskClient,
                                                               scene: Scene) -> None:
    login(client, scene.staff)
    html = _text(client.get("/reports/?year=2029"))
    assert "<title>2029 yılı raporu · Sivil Toplum Merkezleri</title>" in html
