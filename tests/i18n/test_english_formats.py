"""English readers are in Turkey: English dates and times are day first on a
24-hour clock (en_GB), on the pages and in the e-mails, while the language code
stays "en" (``lang`` attributes, the switcher, Content-Language). Turkish is unchanged."""
from __future__ import annotations

import re
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import get_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.i18n import current_language, force_language, local_time
from booking.models import AuditEntry, BookingStatus, OutboxMessage, User
from booking.notifications import events
from booking.notifications.messages import render
from tests.support import notification_scene
from tests.support.factories import make_booking
from tests.support.scene import ISTANBUL, Scene
from tests.support.web import database, login, scene_for

# A Sunday with a day of the month above 12, so day-first and month-first differ.
START = datetime(2031, 11, 23, 14, 0, tzinfo=ISTANBUL)
APPROVED_AT = datetime(2031, 11, 20, 9, 30, tzinfo=ISTANBUL)
TWELVE_HOUR = re.compile(r"\d:\d\d[\s\u202f]?[AP]M")

EXPECTED = {
    "en": {"when": "Sunday, 23 November 2031 14:00–16:00", "stamp": "20 Nov 2031, 09:30",
           "listed": "23 Nov 2031 14:00–16:00", "time": "<dt>Time</dt>"},
    "tr": {"when": "23 Kasım 2031 Pazar 14:00–16:00", "stamp": "20 Kas 2031 09:30",
           "listed": "23 Kas 2031 14:00–16:00", "time": "<dt>Zaman</dt>"},
}


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _member_booking(app: Flask, scene: Scene, language: str) -> int:
    """An approved booking of the member's organisation, approved by staff, with
    the member reading in ``language``; its id."""
    with database(app) as session:
        session.get(User, scene.member.id).language = language
        booking = make_booking(session, session.merge(scene.room), START, 120,
                               BookingStatus.APPROVED, organization=session.merge(scene.org),
                               title="Gönüllü buluşması")
        session.add(AuditEntry(at=APPROVED_AT, actor_id=scene.staff.id, entity="booking",
                               entity_id=booking.id, booking_id=booking.id, action="approve",
                               from_status="pending", to_status="approved"))
        session.commit()
        return booking.id


@pytest.mark.parametrize("language", ["en", "tr"])
def test_a_booking_page_shows_the_readers_date_and_clock(
        app: Flask, client: FlaskClient, scene: Scene, language: str) -> None:
    booking_id = _member_booking(app, scene, language)
    login(client, scene.member)
    html = client.get(f"/bookings/{booking_id}").get_data(as_text=True)
    expected = EXPECTED[language]
    assert expected["when"] in html  # the booking's time, in full
    assert expected["stamp"] in html  # the history's short date and time
    assert expected["time"] in html  # the English catalogue is the one loaded
    assert not TWELVE_HOUR.search(html)


@pytest.mark.parametrize("language", ["en", "tr"])
def test_the_bookings_list_shows_the_readers_date_and_clock(
        app: Flask, client: FlaskClient, scene: Scene, language: str) -> None:
    _member_booking(app, scene, language)
    login(client, scene.member)
    html = client.get("/bookings").get_data(as_text=True)
    assert EXPECTED[language]["listed"] in html  # a table's date: abbreviated
    assert not TWELVE_HOUR.search(html)


@pytest.mark.parametrize("language", ["en", "tr"])
def test_the_page_language_and_the_switcher_still_name_the_plain_code(
        app: Flask, client: FlaskClient, scene: Scene, language: str) -> None:
    booking_id = _member_booking(app, scene, language)
    login(client, scene.member)
    html = client.get(f"/bookings/{booking_id}").get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    assert f'<option value="{language}" lang="{language}" selected>' in html
    assert "en_GB" not in html and "en-GB" not in html
    with database(app) as session:
        assert session.get(User, scene.member.id).language == language


def test_an_anonymous_english_visitor_gets_british_formats_and_lang_en(
        client: FlaskClient, scene: Scene) -> None:
    html = client.get(f"/rooms/{scene.room.id}?week=2031-11-24",
                      headers={"Accept-Language": "en-US,en;q=0.8"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "24 November 2031" in html and "November 24, 2031" not in html


def test_force_language_formats_english_as_en_gb_with_the_en_catalogue(app: Flask) -> None:
    instant = datetime(2031, 11, 23, 14, 0)
    with app.test_request_context("/"):
        with force_language("en"):
            assert str(get_locale()) == "en_GB" and current_language() == "en"
            assert local_time(instant, "UTC") == "23 Nov 2031, 14:00"
            assert gettext("Zaman") == "Time"
        with force_language("tr"):
            assert current_language() == "tr"
            assert local_time(instant, "UTC") == "23 Kas 2031 14:00"
            assert gettext("Zaman") == "Zaman"


@pytest.mark.parametrize("language, subject, when", [
    ("en", "Your request was received: Gönüllü buluşması", "Monday, 4 March 2030 14:00–16:00"),
    ("tr", "Talebiniz alındı: Gönüllü buluşması", "4 Mart 2030 Pazartesi 14:00–16:00"),
])
def test_an_email_shows_the_readers_date_and_clock(
        session: Session, language: str, subject: str, when: str) -> None:
    scene = notification_scene.build_scene(session)
    requester = scene.member(language)
    events.on_booking_created(session, [scene.book(session, requester)], notification_scene.NOW)
    session.commit()
    [message] = session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == requester.email)).all()
    assert message.language == language

    rendered = render(session, message)

    assert rendered.subject == subject
    assert when in rendered.text and when in rendered.html
    assert f'<html lang="{language}">' in rendered.html
    assert not TWELVE_HOUR.search(rendered.text + rendered.html)
