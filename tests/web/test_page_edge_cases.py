"""Problems a new user's walkthrough found in the web pages, each pinned by a
test: extreme dates, unverified members, Turkish order, languages, reports'
year, the outbox page, booking history, the week grid and closures."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.i18n.dates import list_day
from booking.models import (
    Booking,
    Organization,
    OutboxMessage,
    OutboxStatus,
    User,
    utcnow,
)
from tests.support.factories import make_center, make_room
from tests.support.scene import Scene
from tests.support.web import (
    ahead,
    approved_booking,
    booking_form,
    database,
    login,
    page_text,
    page_time,
    scene_for,
)

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _html(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return unescape(response.get_data(as_text=True))


def _approved(app: Flask, scene: Scene, start, minutes: int = 60, **values) -> int:
    return approved_booking(app, scene, start, minutes, **values)


def _unverify(app: Flask, scene: Scene) -> None:
    with database(app) as session:
        session.get(Organization, scene.org.id).is_verified = False
        session.commit()


# 1 -------------------------------------------------------------------------


def test_extreme_dates_fall_back_to_today_instead_of_failing(client: FlaskClient,
                                                             scene: Scene) -> None:
    this_week = _html(client, f"/rooms/{scene.room.id}")
    heading = re.search(r'<h2 id="week-heading">([^<]+)</h2>', this_week).group(1)
    today = _html(client, f"/centers/{scene.center.id}")
    day = re.search(r'<h2 id="day-heading">([^<]+)</h2>', today).group(1)
    for value in ("9999-12-31", "0001-01-01", "9999-12-27", "0001-01-07"):
        html = _html(client, f"/rooms/{scene.room.id}?week={value}")
        assert f'<h2 id="week-heading">{heading}</h2>' in html, value
        html = _html(client, f"/centers/{scene.center.id}?date={value}")
        assert f'<h2 id="day-heading">{day}</h2>' in html, value
    # A date far away but within reach still works.
    assert "2099" in _html(client, f"/centers/{scene.center.id}?date=2099-06-01")


# 3 -------------------------------------------------------------------------


def test_an_unverified_member_is_told_the_request_was_not_sent(app: Flask, client: FlaskClient,
                                                             scene: Scene) -> None:
    _unverify(app, scene)
    login(client, scene.member)
    response = client.post("/bookings/new", data=booking_form(scene.room.id, ahead(3, 10)))
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    alert = re.search(r'<div class="alert alert-error" role="alert">(.*?)</div>', html, re.S)
    assert alert, "no error above the form"
    assert "Gönderilemedi" in alert.group(1) and "doğrulan" in alert.group(1)


def test_field_errors_are_announced_above_the_request_form(client: FlaskClient,
                                                           scene: Scene) -> None:
    login(client, scene.member)
    response = client.post("/bookings/new", data=booking_form(scene.room.id, ahead(3, 10),
                                                               title=""))
    html = unescape(response.get_data(as_text=True))
    assert 'role="alert"' in html and "Aşağıda işaretli alanları düzeltin." in html


def test_the_week_view_offers_no_request_links_to_unverified_members(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    _unverify(app, scene)
    login(client, scene.member)
    for url in (f"/rooms/{scene.room.id}", f"/centers/{scene.center.id}"):
        html = _html(client, url)
        assert "/bookings/new?" not in html, url
        assert "henüz doğrulanmadı" in html, url


# 4 -------------------------------------------------------------------------


def test_centers_and_rooms_are_in_turkish_alphabetical_order(app: Flask, client: FlaskClient,
                                                            scene: Scene) -> None:
    with database(app) as session:
        for name in ("Konak Sivil Toplum Merkezi", "Çiğli Sivil Toplum Merkezi",
                     "Cumaovası Sivil Toplum Merkezi"):
            make_center(session, name=name)
        make_room(session, session.merge(scene.center), name="Çalışma Odası", capacity=10)
        session.commit()
    centers = ["Bornova", "Cumaovası", "Çiğli", "Konak", "Üsküdar"]
    rooms = ["Atölye", "Çalışma Odası", "Konferans Salonu", "Serbest Oda", "Toplantı Salonu"]

    def assert_order(html: str, names: list[str], where: str) -> None:
        positions = [html.find(name) for name in names]
        assert -1 not in positions, (where, names, positions)
        assert positions == sorted(positions), (where, names)

    for url in ("/", "/centers"):
        html = _html(client, url)
        assert_order(html, centers, url)
        assert_order(html, rooms, url)
    assert_order(_html(client, f"/centers/{scene.center.id}"), rooms, "center day")
    login(client, scene.admin)
    assert_order(_html(client, "/admin/"), centers, "/admin/")
    assert_order(_html(client, "/admin/"), rooms, "/admin/")
    report = _html(client, "/reports/")
    assert_order(report[report.find('name="center_id"'):], centers, "report filter")
    assert_order(report[report.find('id="by-center"'):], centers, "report table")
    form = _html(client, "/bookings/new")
    assert_order(form[form.find('name="room_id"'):], rooms, "request form")


# 5 -------------------------------------------------------------------------


def test_the_welcome_flash_speaks_the_users_language(app: Flask, client: FlaskClient,
                                                      scene: Scene) -> None:
    with database(app) as session:
        session.get(User, scene.member.id).language = "en"
        session.commit()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "tr-TR,tr;q=0.9"
    login(client, scene.member)
    html = _html(client, "/bookings")
    assert 'lang="en"' in html
    assert f"Welcome, {scene.member.name}." in html
    assert "Hoş geldiniz" not in html


# 6 -------------------------------------------------------------------------


def test_a_report_year_out_of_range_or_not_a_number_is_explained(client: FlaskClient,
                                                                 scene: Scene) -> None:
    login(client, scene.admin)
    default = re.search(r"<h1>(\d{4}) yılı", _html(client, "/reports/")).group(1)
    for value in ("1900", "99999", "abc"):
        html = _html(client, f"/reports/?year={value}")
        assert f"“{value}” bir rapor yılı değil" in html, value
        assert f"<h1>{default} yılı" in html, value
        assert "oturumunuzun süresi dolmuş" not in html
        response = client.get(f"/reports/summary.csv?year={value}")
        assert response.status_code == 200 and f"rapor-ozet-{default}" in \
            response.headers["Content-Disposition"]
    assert "bir rapor yılı değil" not in _html(client, "/reports/?year=2024")


# 7 -------------------------------------------------------------------------


def test_the_outbox_sends_anonymous_visitors_to_sign_in(client: FlaskClient,
                                                       scene: Scene) -> None:
    for url in ("/admin/outbox/", "/admin/outbox/?status=failed"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.location.startswith("/login?next="), url
    assert client.post("/admin/outbox/1/retry").status_code in (302, 400)
    login(client, scene.member)
    assert client.get("/admin/outbox/").status_code == 404


# 8, 9 ---------------------------------------------------------------------


def test_the_history_names_what_changed(app: Flask, client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    client.post("/bookings/new", data=booking_form(scene.room.id, ahead(5, 10), minutes=60))
    with database(app) as session:
        booking_id = session.scalar(select(Booking.id))
    data = booking_form(scene.room.id, ahead(5, 14), minutes=120, title="Yeni başlık",
                        expected_attendees=30)
    assert client.post(f"/bookings/{booking_id}/edit", data=data).status_code == 302
    html = _html(client, f"/bookings/{booking_id}")
    assert "İşlem geçmişi" in html
    before, after = page_time(app, ahead(5, 10)), page_time(app, ahead(5, 14))
    history = html[html.find('id="history-heading"'):]
    assert f"Zaman: {before}–11:00 → {after}–16:00" in history, history
    assert "Başlık: Gönüllü buluşması → Yeni başlık" in history
    assert "Beklenen katılımcı: 20 → 30" in history
    assert "Onay bekliyor → Onay bekliyor" not in history


def test_the_history_heading_is_history_in_english(app: Flask, client: FlaskClient,
                                                   scene: Scene) -> None:
    with database(app) as session:
        session.get(User, scene.member.id).language = "en"
        session.commit()
    login(client, scene.member)
    client.post("/bookings/new", data=booking_form(scene.room.id, ahead(5, 10)))
    with database(app) as session:
        booking_id = session.scalar(select(Booking.id))
    html = _html(client, f"/bookings/{booking_id}")
    assert '<h2 id="history-heading">History</h2>' in html


# 10 ------------------------------------------------------------------------


def test_the_outbox_shows_message_kinds_as_words(app: Flask, client: FlaskClient,
                                                 scene: Scene) -> None:
    with database(app) as session:
        for index, kind in enumerate(("reminder", "auto_rejected", "approved")):
            session.add(OutboxMessage(
                kind=kind, recipient="a@example.org", language="tr", due_at=utcnow(),
                dedupe_key=f"k{index}", context={}, status=OutboxStatus.PENDING, attempts=0,
                next_attempt_at=utcnow()))
        session.commit()
    login(client, scene.admin)
    html = _html(client, "/admin/outbox/")
    for word in ("Hatırlatma", "Çakışma nedeniyle reddedildi", "Onaylandı"):
        assert f"<td>{word}</td>" in html, word
    for code in ("reminder", "auto_rejected", "approved"):
        assert f"<td>{code}</td>" not in html, code


# 11 ------------------------------------------------------------------------


def test_free_gaps_have_distinct_link_names(client: FlaskClient, scene: Scene) -> None:
    login(client, scene.member)
    week = ahead(7, 0).date().isoformat()
    for url in (f"/rooms/{scene.room.id}?week={week}", f"/centers/{scene.center.id}?date={week}"):
        html = _html(client, url)
        axis = html[html.index('class="tl-grid'):]
        links = re.findall(r'<a class="tl-pick" href="/bookings/new\?[^"]*"[^>]*>(.*?)</a>', axis, re.S)
        names = [" ".join(re.sub(r"<[^>]+>", "", link).split()) for link in links]
        assert len(names) >= 4, url
        assert len(set(names)) == len(names), url
        assert all(re.match(r"○ Boş \d\d:\d\d–\d\d:\d\d — talep et: ", name) for name in names)


# 12 ------------------------------------------------------------------------


def _axis_labels(html: str) -> list[str]:
    axis = re.search(r'<div class="tl-col tl-axis".*?</ol>', html, re.S).group(0)
    return re.findall(r'<li class="tl-label[^"]*">(\d\d:\d\d)</li>', axis)


def _texts(html: str, heading_id: str) -> list[str]:
    column = re.search(rf'aria-labelledby="{heading_id}".*?</section>', html, re.S).group(0)
    return [" ".join(re.sub(r"<[^>]+>", " ", body).split())
            for body in re.findall(r'<li class="tl-block[^"]*"[^>]*>(.*?)</li>', column, re.S)]


def test_bookings_outside_opening_hours_widen_the_axis(app: Flask, client: FlaskClient,
                                                       scene: Scene) -> None:
    start = ahead(7, 7)
    _approved(app, scene, start, minutes=90, title="Sabah kahvaltısı", is_public=True)
    week = start.date().isoformat()
    html = _html(client, f"/rooms/{scene.room.id}?week={week}")
    assert _axis_labels(html)[:2] == ["07:00", "08:00"]
    assert "Sabah kahvaltısı" in html
    # Another week keeps the opening hours.
    other = (start + timedelta(days=21)).date().isoformat()
    assert _axis_labels(_html(client, f"/rooms/{scene.room.id}?week={other}"))[0] == "08:00"
    html = _html(client, f"/centers/{scene.center.id}?date={week}")
    assert _axis_labels(html)[0] == "07:00" and "Sabah kahvaltısı" in html


def test_a_booking_and_its_buffer_are_separate_blocks(app: Flask, client: FlaskClient,
                                                      scene: Scene) -> None:
    # The room keeps 15 minutes after each booking: 16:00–18:00 blocks until 18:15.
    _approved(app, scene, ahead(7, 16), minutes=120, title="İlk toplantı", is_public=True)
    _approved(app, scene, ahead(7, 18, 30), minutes=90, title="Akşam semineri", is_public=True)
    _approved(app, scene, ahead(8, 16), minutes=120, title="Gizli ilk", is_public=False)
    html = _html(client, f"/centers/{scene.center.id}?date={ahead(7, 0).date().isoformat()}")
    texts = _texts(html, f"room-{scene.room.id}")
    assert texts == ["○ Boş 08:00–15:45", "16:00–18:00 ● Dolu: İlk toplantı", "18:00–18:15 · hazırlık payı",
                     "18:30–20:00 ● Dolu: Akşam semineri", "20:00–20:15 · hazırlık payı",
                     "○ Boş 20:15–22:00"], texts
    html = _html(client, f"/centers/{scene.center.id}?date={ahead(8, 0).date().isoformat()}")
    assert "16:00–18:00 ● Dolu" in _texts(html, f"room-{scene.room.id}")  # no title: not public


# 13 ------------------------------------------------------------------------


def test_a_series_conflict_keeps_the_series_in_its_suggestions(app: Flask, client: FlaskClient,
                                                               scene: Scene) -> None:
    first = ahead(7, 10)
    weekday = WEEKDAYS[first.weekday()]
    # The second week's date is taken.
    _approved(app, scene, first + timedelta(days=7), minutes=120)
    login(client, scene.member)
    data = booking_form(scene.room.id, first, freq="weekly", interval=1, count=3,
                        byweekday=[weekday])
    response = client.post("/bookings/new", data=data)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Çakışan tarihleri atla, kalanları ayır" in html[:html.find('class="booking-form"')]
    links = re.findall(r'<a class="suggestion-edit" href="(/bookings/new\?[^"]+)"', html)
    assert links
    dates = []
    for link in links:
        query = parse_qs(urlsplit(link).query)
        assert query["freq"] == ["weekly"] and query["count"] == ["3"]
        assert query["interval"] == ["1"] and query["byweekday"] == [weekday]
        dates.append(query["date"][0])
    # A suggestion on the conflicting (second) date keeps the series' first date.
    assert first.date().isoformat() in dates, dates
    form = _html(client, links[0])
    assert re.search(r'<option selected value="weekly">|<option value="weekly" selected', form)
    assert 'name="count"' in form and re.search(r'name="count"[^>]*value="3"', form)
    assert re.search(rf'value="{weekday}"[^>]*checked|checked[^>]*value="{weekday}"', form)
    # Skipping the conflicting date names it.
    response = client.post("/bookings/new", data={**data, "skip_conflicts": "y"},
                           follow_redirects=True)
    html = unescape(response.get_data(as_text=True))
    skipped = (first + timedelta(days=7)).date()
    assert "Çakışan 1 tarih atlandı:" in html
    assert re.search(rf"atlandı: [^<]*{skipped.day}[^<]*{skipped.year}", html), html


# 14 ------------------------------------------------------------------------


def test_closures_say_when_they_are_not_listed_and_show_whole_days_as_dates(
        client: FlaskClient, scene: Scene) -> None:
    login(client, scene.staff)
    past = ahead(-10, 0).date().isoformat()
    response = client.post("/staff/closures", data={
        "room_id": scene.room.id, "start_date": past, "end_date": past, "reason": "Eski arıza"},
        follow_redirects=True)
    html = unescape(response.get_data(as_text=True))
    assert "Geçmişte kaldığı için aşağıdaki listede gösterilmez." in html
    day = ahead(9, 0)
    last = ahead(10, 0)
    client.post("/staff/closures", data={
        "room_id": scene.room.id, "start_date": day.date().isoformat(),
        "end_date": last.date().isoformat(), "reason": "Boya badana"})
    html = _html(client, "/staff/closures")
    row = re.search(r"<tr>(?:(?!</tr>).)*Boya badana.*?</tr>", html, re.S).group(0)
    assert "00:00" not in row
    assert page_text(client.application, list_day, day.date()) in row
    assert page_text(client.application, list_day, last.date()) in row


def test_extreme_dates_in_forms_are_refused_not_500(client: FlaskClient, scene: Scene) -> None:
    login(client, scene.staff)
    for value in ("9999-12-31", "0001-01-01"):
        response = client.post("/staff/closures", data={
            "room_id": scene.room.id, "start_date": value, "end_date": value, "reason": "Uç"})
        assert response.status_code == 422, (value, response.status_code)
        assert "1900 ile 2999 yılları arasında bir tarih girin." in response.get_data(as_text=True)
        response = client.post("/bookings/new", data={
            **booking_form(scene.room.id, ahead(3, 10)), "date": value,
            "organization_id": scene.org.id})
        assert response.status_code == 422, (value, response.status_code)
        assert "1900 ile 2999 yılları arasında bir tarih girin." in response.get_data(as_text=True)
        response = client.post("/bookings/new", data={
            **booking_form(scene.room.id, ahead(3, 10)), "organization_id": scene.org.id,
            "freq": "daily", "until": value, "count": ""})
        assert response.status_code in (302, 422), (value, response.status_code)
        assert client.get(f"/bookings/new?date={value}").status_code == 200


def test_a_centers_district_is_named_once_when_the_address_already_has_it() -> None:
    from booking.web.ui import place_line

    assert place_line("Manas Bulvarı 39, BAYRAKLI", "Bayraklı") == "Manas Bulvarı 39, BAYRAKLI"
    assert place_line("Manas Bulvarı 39", "Bayraklı") == "Manas Bulvarı 39 · Bayraklı"
    assert place_line(None, "Bayraklı") == "Bayraklı"
    assert place_line("Manas Bulvarı 39", None) == "Manas Bulvarı 39"
