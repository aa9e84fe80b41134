"""Last-Modified never goes backwards (SPEC §12): a booking that leaves a feed
without staying counted there (moved to another room, or an approved booking
sent back to pending by its member's move) still moves that feed's
Last-Modified and ETag forward. SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from booking.models import Booking, BookingStatus, Role, utcnow
from booking.services.booking_changes import BookingChanges, change_booking
from tests.support.factories import make_booking, make_center, make_organization, make_room, make_user

IST = ZoneInfo("Europe/Istanbul")


def _at(days: int, hour: int = 18) -> datetime:
    day = datetime.now(IST).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=IST).astimezone(UTC)


@pytest.fixture(autouse=True)
def _midday():
    """A feed's Last-Modified is never before the start of the UTC day (its
    window starts today), and these tests stamp changes hours ago: they run at
    noon, or in the first hours after midnight every stamp would be that start."""
    noon = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(noon.timestamp(), tick=True):
        yield


@pytest.fixture
def world(session):
    """Room A with two approved bookings, a room B, changes long ago (whole
    seconds apart from what the tests do)."""
    long_ago = utcnow() - timedelta(hours=3)
    center = make_center(session, name="Moda Merkezi")
    room_a = make_room(session, center, name="A Salonu")
    room_b = make_room(session, center, name="B Salonu")
    org = make_organization(session, name="Mahalle Derneği")
    member = make_user(session, organization=org, name="Deniz Üye")
    staff = make_user(session, role=Role.STAFF, centers=[center], name="Görevli")
    older = make_booking(session, room_a, _at(5), 60, BookingStatus.APPROVED, org,
                         title="Eski", created_by=member)
    moving = make_booking(session, room_a, _at(6), 60, BookingStatus.APPROVED, org,
                          title="Taşınan", is_public=True, created_by=member)
    for thing in (center, room_a, room_b, org, older, moving):
        thing.updated_at = long_ago
    # The moving booking's change is the latest of room A's feed, later than the other.
    moving.updated_at = long_ago + timedelta(minutes=30)
    session.commit()
    return {"center": center, "a": room_a, "b": room_b, "member": member, "staff": staff,
            "moving": moving, "long_ago": long_ago}


def _validators(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    return response.headers["ETag"], response.last_modified


@pytest.mark.parametrize("feed", ["room", "center"])
def test_moving_a_booking_to_another_room_advances_the_old_rooms_feed(client, session, world,
                                                                     feed):
    url = (f"/rooms/{world['a'].id}/calendar.ics" if feed == "room"
           else f"/centers/{world['center'].id}/calendar.ics")
    etag, last_modified = _validators(client, url)
    moved_at = world["long_ago"] + timedelta(hours=1)
    change_booking(session, world["staff"], world["moving"].id,
                   BookingChanges(room_id=world["b"].id), moved_at)
    session.commit()
    after = client.get(url, headers={"If-Modified-Since": _http_date(last_modified)})
    assert after.status_code == 200  # an If-Modified-Since-only client refetches
    assert after.headers["ETag"] != etag
    assert after.last_modified > last_modified
    assert after.last_modified == moved_at.replace(microsecond=0)
    assert session.get(type(world["a"]), world["a"].id).updated_at == world["long_ago"]


def test_a_member_moving_an_approved_booking_back_to_pending_advances_the_public_feed(
    client, session, world
):
    url = f"/rooms/{world['a'].id}/calendar.ics"
    etag, last_modified = _validators(client, url)
    moved_at = world["long_ago"] + timedelta(hours=1)
    booking = session.get(Booking, world["moving"].id)
    change_booking(session, world["member"], booking.id,
                   BookingChanges(start=booking.start_at + timedelta(hours=1),
                                  end=booking.end_at + timedelta(hours=1)), moved_at)
    session.commit()
    assert session.get(Booking, world["moving"].id).status == BookingStatus.PENDING
    after = client.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert "Taşınan" not in after.data.decode()
    assert after.headers["ETag"] != etag and after.last_modified > last_modified


def test_a_change_in_place_does_not_stamp_the_room(client, session, world):
    booking = session.get(Booking, world["moving"].id)
    change_booking(session, world["staff"], booking.id,
                   BookingChanges(start=booking.start_at + timedelta(hours=1),
                                  end=booking.end_at + timedelta(hours=1)),
                   world["long_ago"] + timedelta(hours=1))
    session.commit()
    assert session.get(type(world["a"]), world["a"].id).feed_changed_at is None


def _http_date(value: datetime) -> str:
    from werkzeug.http import http_date

    return http_date(value)
