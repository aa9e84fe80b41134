"""One-step suggestions (SPEC §11 "Everyday paths"): a suggested slot of a
conflict answer opens a confirm page showing what was typed; its one button
(CSRF-checked) sends it through the same checks and service as the form. The
offer is signed and re-checked: a changed offer, someone else's offer, a room
one may no longer book and a slot taken meanwhile are answered, never a 500.
CSRF is on in this module, as in production."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from booking.models import Booking, BookingStatus, Room, User
from booking.web.offers import OFFER_MAX_AGE, OFFER_SALT
from tests.support.factories import make_booking
from tests.support.scene import Scene
from tests.support.web import (
    ahead,
    approved_booking,
    booking_form,
    csrf_token,
    database,
    page_day,
    plant_sign_in,
    scene_for,
)

ISTANBUL = ZoneInfo("Europe/Istanbul")
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class _SignedLongAgo(TimestampSigner):
    """Signs as if OFFER_MAX_AGE and a minute had passed since (relative to now)."""

    def get_timestamp(self) -> int:
        return super().get_timestamp() - OFFER_MAX_AGE - 60


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _sign_in(client: FlaskClient, user: User) -> None:
    plant_sign_in(client, user)


def _offers(client: FlaskClient, scene: Scene, **values: object) -> list[str]:
    """Send a request that collides with an approved booking; the offers of its answer."""
    approved_booking(client.application, scene, ahead(4, 10))
    token = csrf_token(client.get("/bookings/new").get_data(as_text=True))
    response = client.post("/bookings/new", data={
        **booking_form(scene.room.id, ahead(4, 10), title="Çevre atölyesi"),
        "csrf_token": token, **values})
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Bu zamanı iste" in html
    return re.findall(r'name="offer" value="([^"]+)"', html)


def _fields(app: Flask, offer: str) -> dict:
    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=OFFER_SALT).loads(offer)["form"]


def _confirm(client: FlaskClient, offer: str, **extra: str):
    page = client.get("/bookings/confirm", query_string={"offer": offer})
    assert page.status_code == 200, page.get_data(as_text=True)[:3000]
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "offer": offer, **extra}
    return client.post("/bookings/confirm", data=data)


def _bookings(app: Flask, title: str) -> list[Booking]:
    with database(app) as session:
        return list(session.scalars(select(Booking).where(Booking.title == title)))


def _start(fields: dict, which: str = "start_time") -> datetime:
    day = datetime.fromisoformat(f"{fields['date']}T{fields[which]}")
    return day.replace(tzinfo=ISTANBUL)


def test_a_suggestion_opens_a_confirm_page_with_what_was_typed(app: Flask, client: FlaskClient,
                                                               scene: Scene) -> None:
    _sign_in(client, scene.member)
    offer = _offers(client, scene)[0]
    fields = _fields(app, offer)
    page = client.get("/bookings/confirm", query_string={"offer": offer})
    assert page.status_code == 200
    html = unescape(page.get_data(as_text=True))
    with database(app) as session:
        room = session.get(Room, int(fields["room_id"]))
        room_line = f"{room.name}, {room.center.name}"
    day = datetime.fromisoformat(fields["date"]).date()
    for value in (room_line, page_day(app, day, "full"), fields["start_time"], fields["end_time"],
                  "Çevre atölyesi", "<dd>20</dd>"):
        assert value in html, value
    assert "Onayla ve gönder" in html
    assert not _bookings(app, "Çevre atölyesi")  # showing it requests nothing


def test_confirming_requests_the_suggested_slot_in_one_step(app: Flask, client: FlaskClient,
                                                            scene: Scene) -> None:
    _sign_in(client, scene.member)
    offer = _offers(client, scene)[0]
    fields = _fields(app, offer)
    response = _confirm(client, offer)
    assert response.status_code == 302
    [booking] = _bookings(app, "Çevre atölyesi")
    assert response.location.endswith(f"/bookings/{booking.id}")
    assert booking.status == BookingStatus.PENDING and booking.organization_id == scene.org.id
    assert booking.room_id == int(fields["room_id"]) and booking.expected_attendees == 20
    assert booking.start_at == _start(fields) and booking.end_at == _start(fields, "end_time")
    assert "Talebiniz alındı" in client.get(response.location).get_data(as_text=True)


def test_values_sent_beside_the_offer_are_ignored(app: Flask, client: FlaskClient,
                                                  scene: Scene) -> None:
    _sign_in(client, scene.member)
    offer = _offers(client, scene)[0]
    fields = _fields(app, offer)
    response = _confirm(client, offer, room_id=str(scene.big_room.id), title="Başka bir şey",
                        expected_attendees="150")
    assert response.status_code == 302
    [booking] = _bookings(app, "Çevre atölyesi")
    assert booking.room_id == int(fields["room_id"]) and booking.expected_attendees == 20


@pytest.mark.parametrize("change", ["edited", "other key", "expired", "garbage", "empty"])
def test_a_changed_offer_is_refused_with_a_clear_message(app: Flask, client: FlaskClient,
                                                         scene: Scene, change: str) -> None:
    _sign_in(client, scene.member)
    offer = _offers(client, scene)[0]
    fields = _fields(app, offer)
    forged = {
        "edited": offer[:-3] + ("AAA" if not offer.endswith("AAA") else "BBB"),
        "other key": URLSafeTimedSerializer("guessed", salt=OFFER_SALT).dumps(
            {"user": scene.member.id, "form": {**fields, "room_id": scene.big_room.id}}),
        "expired": URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=OFFER_SALT,
                                          signer=_SignedLongAgo).dumps(
            {"user": scene.member.id, "form": fields}),
        "garbage": "bu bir öneri değil",
        "empty": "",
    }[change]
    page = client.get("/bookings/confirm", query_string={"offer": forged})
    assert page.status_code == 400
    html = unescape(page.get_data(as_text=True))
    assert "Bu öneri geçersiz ya da süresi dolmuş; talep formunu yeniden doldurun." in html
    assert "Onayla ve gönder" not in html
    sent = client.post("/bookings/confirm", data={"csrf_token": csrf_token(html), "offer": forged})
    assert sent.status_code == 400
    assert "Bu öneri geçersiz" in unescape(sent.get_data(as_text=True))
    assert not _bookings(app, "Çevre atölyesi")


def test_an_offer_made_for_someone_else_is_refused(app: Flask, client: FlaskClient,
                                                   scene: Scene) -> None:
    _sign_in(client, scene.member)
    offer = _offers(client, scene)[0]
    other = app.test_client()
    _sign_in(other, scene.other_member)
    page = other.get("/bookings/confirm", query_string={"offer": offer})
    assert page.status_code == 400
    sent = other.post("/bookings/confirm", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "offer": offer})
    assert sent.status_code == 400
    assert not _bookings(app, "Çevre atölyesi")


def test_a_slot_taken_meanwhile_answers_with_the_conflict_and_fresh_suggestions(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    _sign_in(client, scene.member)
    offer = _offers(client, scene)[0]
    fields = _fields(app, offer)
    page = client.get("/bookings/confirm", query_string={"offer": offer})
    with database(app) as session:  # someone else is approved for it in the meantime
        start, end = _start(fields), _start(fields, "end_time")
        make_booking(session, session.get(Room, int(fields["room_id"])), start,
                     int((end - start).total_seconds() // 60), BookingStatus.APPROVED,
                     organization=session.merge(scene.other_org), title="Önce gelen")
        session.commit()
    response = client.post("/bookings/confirm", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "offer": offer})
    assert response.status_code == 409
    html = unescape(response.get_data(as_text=True))
    assert "Bu zaman aralığında salon dolu." in html and "onaylı rezervasyon" in html
    fresh = re.findall(r'name="offer" value="([^"]+)"', html)
    assert fresh and offer not in fresh
    assert "Onayla ve gönder" not in html
    assert not _bookings(app, "Çevre atölyesi")


def test_the_confirm_needs_its_csrf_token(app: Flask, client: FlaskClient, scene: Scene) -> None:
    _sign_in(client, scene.member)
    offer = _offers(client, scene)[0]
    assert client.post("/bookings/confirm", data={"offer": offer}).status_code == 400
    assert client.post("/bookings/confirm", data={"offer": offer,
                                                  "csrf_token": "falan"}).status_code == 400
    assert not _bookings(app, "Çevre atölyesi")


def test_a_member_cannot_confirm_into_a_room_they_may_no_longer_book(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    _sign_in(client, scene.member)
    offer = _offers(client, scene)[0]
    fields = _fields(app, offer)
    page = client.get("/bookings/confirm", query_string={"offer": offer})
    with database(app) as session:
        session.get(Room, int(fields["room_id"])).is_active = False
        session.commit()
    response = client.post("/bookings/confirm", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "offer": offer})
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Bu salonu ayıramazsınız; talep formundan başka bir salon seçin." in html
    assert "Onayla ve gönder" not in html
    assert not _bookings(app, "Çevre atölyesi")


def test_a_rule_broken_since_the_offer_is_named_on_the_page(app: Flask, client: FlaskClient,
                                                           scene: Scene) -> None:
    _sign_in(client, scene.member)
    offer = _offers(client, scene)[0]
    fields = _fields(app, offer)
    with database(app) as session:
        session.get(Room, int(fields["room_id"])).capacity = 10
        session.commit()
    page = client.get("/bookings/confirm", query_string={"offer": offer})
    response = client.post("/bookings/confirm", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "offer": offer})
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Beklenen katılımcı sayısı: Bu salon en fazla 10 kişiliktir" in html
    assert not _bookings(app, "Çevre atölyesi")


def test_staff_confirm_a_direct_booking_for_an_organisation(app: Flask, client: FlaskClient,
                                                            scene: Scene) -> None:
    _sign_in(client, scene.staff)
    offer = _offers(client, scene, organization_id=str(scene.org.id))[0]
    page = unescape(client.get("/bookings/confirm", query_string={"offer": offer})
                    .get_data(as_text=True))
    assert "Çocuk Hakları Derneği" in page and "hemen onaylanır" in page
    response = client.post("/bookings/confirm", data={"csrf_token": csrf_token(page),
                                                      "offer": offer})
    assert response.status_code == 302
    [booking] = _bookings(app, "Çevre atölyesi")
    assert booking.status == BookingStatus.APPROVED and booking.organization_id == scene.org.id


def test_an_anonymous_visitor_is_sent_to_sign_in(client: FlaskClient, scene: Scene) -> None:
    response = client.get("/bookings/confirm", query_string={"offer": "x"})
    assert response.status_code == 302 and "/login" in response.location


def test_a_series_suggestion_confirms_the_whole_series(app: Flask, client: FlaskClient,
                                                      scene: Scene) -> None:
    first = ahead(7, 10)
    approved_booking(app, scene, first + timedelta(days=7))  # the second week is taken
    _sign_in(client, scene.member)
    token = csrf_token(client.get("/bookings/new").get_data(as_text=True))
    response = client.post("/bookings/new", data={
        **booking_form(scene.room.id, first, title="Haftalık atölye", freq="weekly", count=3,
                       byweekday=[WEEKDAYS[first.weekday()]]),
        "csrf_token": token})
    assert response.status_code == 422
    offer = re.findall(r'name="offer" value="([^"]+)"', unescape(response.get_data(as_text=True)))[0]
    page = unescape(client.get("/bookings/confirm", query_string={"offer": offer})
                    .get_data(as_text=True))
    assert "Her hafta" in page
    sent = client.post("/bookings/confirm", data={"csrf_token": csrf_token(page), "offer": offer})
    assert sent.status_code == 302 and sent.location.endswith("/bookings")
    series = _bookings(app, "Haftalık atölye")
    assert len(series) == 3 and len({b.series_id for b in series}) == 1
