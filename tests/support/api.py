"""Helpers for the JSON API tests: a client that speaks as a user, and times
relative to the real clock (the API uses the current time)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from booking.models import Booking, BookingStatus, Organization, Room, User
from booking.services.tokens import create_token
from tests.support.factories import make_booking

ISTANBUL = ZoneInfo("Europe/Istanbul")
PROBLEM = "application/problem+json"


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """``days`` days after today (Istanbul), at hour:minute Istanbul time."""
    day = datetime.now(UTC).astimezone(ISTANBUL).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ISTANBUL)


def iso(value: datetime) -> str:
    return value.isoformat()


class Api:
    """Calls ``/api/v1`` as anonymous or as a user (with a bearer token made
    directly through the service, so no slow password hashing per test)."""

    def __init__(self, client: FlaskClient, session: Session) -> None:
        self.client, self.session = client, session
        self._tokens: dict[int, str] = {}

    def token(self, user: User) -> str:
        if user.id not in self._tokens:
            issued = create_token(self.session, user, "test", datetime.now(UTC))
            self.session.commit()
            self._tokens[user.id] = issued.secret
        return self._tokens[user.id]

    def call(self, method: str, path: str, user: User | None = None, **kwargs: Any) -> TestResponse:
        headers = dict(kwargs.pop("headers", {}) or {})
        if user is not None:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        self.session.commit()  # SQLite: the test's transaction would hold the write lock
        return self.client.open("/api/v1" + path, method=method, headers=headers, **kwargs)

    def get(self, path: str, user: User | None = None, **kwargs: Any) -> TestResponse:
        return self.call("GET", path, user, **kwargs)

    def post(self, path: str, user: User | None = None, **kwargs: Any) -> TestResponse:
        return self.call("POST", path, user, **kwargs)

    def patch(self, path: str, user: User | None = None, **kwargs: Any) -> TestResponse:
        return self.call("PATCH", path, user, **kwargs)

    def delete(self, path: str, user: User | None = None, **kwargs: Any) -> TestResponse:
        return self.call("DELETE", path, user, **kwargs)


def assert_problem(response: TestResponse, status: int) -> dict[str, Any]:
    """The response is problem details with this status; returns its body."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == PROBLEM, response.mimetype
    body = response.get_json()
    for member in ("type", "title", "status", "detail"):
        assert member in body, body
    assert body["status"] == status
    return body


def booking_row(session: Session, room: Room, days: int, hour: int, minutes: int = 60,
                status: BookingStatus = BookingStatus.PENDING,
                organization: Organization | None = None, **values: Any) -> Booking:
    """A booking inserted directly, committed, for scenes the API then acts on."""
    booking = make_booking(session, room, at(days, hour), minutes, status=status,
                           organization=organization, **values)
    session.commit()
    return booking

