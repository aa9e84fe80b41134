"""Helpers for the web tests: sign in through the real form, and times relative
to the real clock (the pages use the current time, unlike the engine tests)."""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from booking.extensions import db
from booking.i18n import force_language, local_time
from booking.models import BookingStatus, User, utcnow
from booking.services import sessions
from booking.web.login import SESSION_ID
from booking.web.ui import day_label
from tests.support.factories import PASSWORD, make_booking
from tests.support.mailbox import Mailbox, parts
from tests.support.scene import Scene, build_scene

ISTANBUL = ZoneInfo("Europe/Istanbul")


def login(client: FlaskClient, user: User | str, password: str = PASSWORD) -> None:
    email = user if isinstance(user, str) else user.email
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def plant_sign_in(client: FlaskClient, user: User) -> None:
    """Sign ``user`` in without the form (for tests about something else): a
    live sign-in session on the server and the cookie keys the form would set."""
    if has_app_context():
        # A test holding the app context (and its session) open: write in it.
        session_id = sessions.start_session(db.session(), user, utcnow())
        db.session.commit()
    else:
        with client.application.app_context():
            session_id = sessions.start_session(db.session(), user, utcnow())
            db.session.commit()
    with client.session_transaction() as browser_session:
        browser_session["_user_id"] = user.get_id()
        browser_session["_fresh"] = True
        browser_session[SESSION_ID] = session_id


def confirmation_link(mailbox: Mailbox, address: str) -> str:
    """The address-confirmation link mailed to ``address`` (its path)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the mail threads send it just after the answer
        for message in reversed(mailbox.to(address)):
            if message["X-Booking-Notification"] == "confirm_address":
                text, html = parts(message)
                match = re.search(r"(https?://[^/\s]+)(/register/confirm/\S+)", text)
                assert match and match.group(2) in html, text
                return match.group(2)
        time.sleep(0.05)
    raise AssertionError(f"no confirmation mail to {address}")


def ahead(days: int, hour: int, minute: int = 0) -> datetime:
    """``days`` days from today (Istanbul), at hour:minute Istanbul time."""
    day = datetime.now(UTC).astimezone(ISTANBUL).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ISTANBUL)


def page_time(app: Flask, instant: datetime, language: str = "tr",
              zone: str = "Europe/Istanbul") -> str:
    """``instant`` as the pages' lists print it ("7 Ara 2026 10:00"): the same Babel
    formatter, locale and zone, so an expected date never drifts from the page's."""
    with app.test_request_context(), force_language(language):
        return local_time(instant, zone)


def page_day(app: Flask, day: date, fmt: str, language: str = "tr") -> str:
    """``day`` as the pages' ``day_label`` filter prints it ("Friday 11 December"
    in English for "EEEE d MMMM"): the same Babel formatter and locale."""
    with app.test_request_context(), force_language(language):
        return day_label(day, fmt)


def page_text(app: Flask, formatter: Callable[..., str], *args: object,
              language: str = "tr") -> str:
    """What ``formatter`` (one of ``booking.i18n.dates``' styles, or a function
    built on them) prints for ``args`` on a page in ``language``."""
    with app.test_request_context(), force_language(language):
        return formatter(*args)


def booking_form(room_id: int, start: datetime, minutes: int = 120, **values: object) -> dict:
    end = start + timedelta(minutes=minutes)
    data = {
        "room_id": room_id, "date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"), "end_time": end.strftime("%H:%M"),
        "title": "Gönüllü buluşması", "expected_attendees": 20, "kind": "meeting",
        "category": "youth", "interval": 1,
    }
    data.update(values)
    return data


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@contextmanager
def database(app: Flask) -> Iterator[Session]:
    """A session in its own app context, closed at the end of the block.

    The web tests do not hold the ``session`` fixture's app context while they
    make requests: a request inside a held app context would share its ``g``
    (and so Flask-Login's cached user) with every other request of the test.
    """
    with app.app_context():
        try:
            yield db.session
        finally:
            # close(), not rollback(): loaded objects stay readable after the block.
            db.session.close()
            db.session.remove()


def scene_for(app: Flask) -> Scene:
    with database(app) as session:
        return build_scene(session)


def approved_booking(app: Flask, scene: Scene, start: datetime, minutes: int = 120,
                     **values: object) -> int:
    """An approved booking of the other organisation in the scene's room; its id."""
    with database(app) as session:
        booking = make_booking(session, session.merge(scene.room), start, minutes,
                               BookingStatus.APPROVED,
                               organization=session.merge(scene.other_org), **values)
        session.commit()
        return booking.id
