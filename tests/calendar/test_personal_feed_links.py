"""Personal private calendar links over HTTP (issue 17): a member's shows their
organisation's bookings, a staff member's their centers'; each is its
person's alone; the older organisation links work until revoked; every feed
also comes as a download with the same validators."""
from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from booking.models import BookingStatus, Center, Role, utcnow
from booking.services import feed_tokens, passwords
from tests.support.factories import (
    make_booking,
    make_organization_feed_link,
    make_room,
    make_user,
)

IST = ZoneInfo("Europe/Istanbul")


def _at(days: int, hour: int = 18) -> datetime:
    day = datetime.now(IST).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=IST).astimezone(UTC)


def _events(response) -> dict[str, tuple[str, str]]:
    assert response.status_code == 200, response.status_code
    return {str(e["UID"]): (str(e["SUMMARY"]), str(e["STATUS"]))
            for e in Calendar.from_ical(response.data).walk("VEVENT")}


def _link(session, user) -> str:
    token = feed_tokens.issue_personal(session, user, utcnow()).token
    session.commit()
    return f"/feeds/{token}.ics"


@pytest.fixture
def bookings(session, scene):
    other_center = session.get(Center, scene.other_staff.centers[0].id)
    far_room = make_room(session, other_center, name="Bornova Salonu")
    made = {
        "ours": make_booking(session, scene.room, _at(3), 60, BookingStatus.APPROVED, scene.org,
                             title="Yönetim kurulu", is_public=False),
        "ours_pending": make_booking(session, scene.small_room, _at(4), 60,
                                     BookingStatus.PENDING, scene.org, title="Bekleyen talep"),
        "theirs": make_booking(session, scene.room, _at(5), 60, BookingStatus.APPROVED,
                               scene.other_org, title="Gizli strateji toplantısı",
                               is_public=False, description="İletişim: 0555 000 00 00"),
        "far": make_booking(session, far_room, _at(3), 60, BookingStatus.PENDING,
                            scene.other_org, title="Bornova buluşması"),
    }
    session.commit()
    return made


def _uid(booking) -> str:
    return f"booking-{booking.id}@localhost"


def test_a_members_personal_link_shows_what_the_organisation_link_shows(
        client, session, scene, bookings):
    shared = make_organization_feed_link(session, scene.org)
    session.commit()
    personal = _events(client.get(_link(session, scene.member)))
    assert personal == _events(client.get(f"/feeds/{shared}.ics"))
    assert set(personal) == {_uid(bookings["ours"]), _uid(bookings["ours_pending"])}
    assert personal[_uid(bookings["ours_pending"])] == ("Bekleyen talep", "TENTATIVE")


def test_a_members_link_never_shows_another_organisations_private_details(
        client, session, scene, bookings):
    body = client.get(_link(session, scene.member)).get_data(as_text=True)
    for secret in ("Gizli strateji", "0555 000 00 00", scene.other_org.name, "Bornova"):
        assert secret not in body
    assert _uid(bookings["theirs"]) not in body


def test_regenerating_a_members_link_leaves_a_colleagues_answering_the_same(
        client, session, scene, bookings):
    colleague = make_user(session, Role.MEMBER, scene.org)
    old, theirs = _link(session, scene.member), _link(session, colleague)
    before = client.get(theirs)
    new = _link(session, scene.member)
    assert client.get(old).status_code == 404
    assert _events(client.get(new)) == _events(before)
    after = client.get(theirs)
    assert after.status_code == 200 and after.data == before.data
    assert after.headers["ETag"] == before.headers["ETag"]


def test_the_old_organisation_link_answers_until_revoked_then_404(
        client, session, scene, bookings):
    shared = f"/feeds/{make_organization_feed_link(session, scene.org)}.ics"
    session.commit()
    personal = _link(session, scene.member)  # making a personal link leaves it alone
    assert client.get(shared).status_code == 200
    assert feed_tokens.revoke_tokens(session, scene.member, organization_id=scene.org.id,
                                     now=utcnow()) == 1
    session.commit()
    assert client.get(shared).status_code == 404
    assert client.get(personal).status_code == 200


def test_a_staff_members_link_shows_only_their_centers_bookings(
        client, session, scene, bookings):
    mine = _events(client.get(_link(session, scene.staff)))
    assert set(mine) == {_uid(bookings[k]) for k in ("ours", "ours_pending", "theirs")}
    other = _events(client.get(_link(session, scene.other_staff)))
    assert set(other) == {_uid(bookings["far"])}


def test_a_password_reset_revokes_the_members_link_and_spares_a_colleagues(
        client, session, scene, bookings):
    colleague = make_user(session, Role.MEMBER, scene.org)
    mine, theirs = _link(session, scene.member), _link(session, colleague)
    issued = passwords.request_reset(session, scene.member.email, utcnow())
    assert issued is not None
    passwords.reset_password(session, issued.secret, "yeni bir parola 2030", utcnow())
    session.commit()
    assert client.get(mine).status_code == 404
    assert client.get(theirs).status_code == 200


def test_a_deactivated_members_link_stops_answering(client, session, scene, bookings):
    mine = _link(session, scene.member)
    assert client.get(mine).status_code == 200
    scene.member.is_active = False
    session.commit()
    assert client.get(mine).status_code == 404


@pytest.mark.parametrize("kind", ["room", "private"])
def test_the_download_is_an_attachment_with_the_same_etag_and_304s(
        client, session, scene, bookings, kind):
    path = f"/rooms/{scene.room.id}/calendar.ics" if kind == "room" else _link(session,
                                                                              scene.member)
    inline, download = client.get(path), client.get(path + "?download=1")
    assert download.status_code == 200 and download.data == inline.data
    name = f"room-{scene.room.id}.ics" if kind == "room" else "calendar.ics"
    assert download.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    assert inline.headers["Content-Disposition"] == f'inline; filename="{name}"'
    assert download.headers["ETag"] == inline.headers["ETag"]
    again = client.get(path + "?download=1", headers={"If-None-Match": inline.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["Content-Disposition"].startswith("attachment;")


def _feed_links(html: str) -> tuple[str, str, str]:
    webcal = re.search(r'href="(webcal://[^"]+)">Takvim uygulamasında aç', html).group(1)
    download = re.search(r'href="([^"]+)" download>İndir \(\.ics\)', html).group(1)
    https = re.search(r'type="text" readonly value="(https?://[^"]+)"', html).group(1)
    return webcal, https, download


@pytest.mark.parametrize("page", ["room", "center"])
def test_room_and_center_pages_offer_webcal_https_and_download_of_one_feed(
        client, scene, bookings, page):
    url = f"/rooms/{scene.room.id}" if page == "room" else f"/centers/{scene.center.id}"
    webcal, https, download = _feed_links(client.get(url).get_data(as_text=True))
    feed = (f"/rooms/{scene.room.id}/calendar.ics" if page == "room"
            else f"/centers/{scene.center.id}/calendar.ics")
    assert https == "http://localhost" + feed
    assert webcal == "webcal://localhost" + feed
    assert download == https + "?download=1"
    etags = {client.get(feed).headers["ETag"], client.get(feed + "?download=1").headers["ETag"]}
    assert len(etags) == 1
