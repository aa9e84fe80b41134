"""Every .ics feed answers HEAD and gzip (SPEC §12): room, center, a personal
link and free/busy, on SQLite and PostgreSQL. The gzip answer has its own ETag
(the plain one with "-gzip"), 304s work for both, ``Vary: Accept-Encoding`` is
on every answer, and none says ``Vary: Cookie`` (a feed does not depend on it)."""
from __future__ import annotations

import gzip

import pytest
from icalendar import Calendar

from booking.models import BookingStatus, utcnow
from booking.services import feed_tokens
from tests.calendar.test_feed_validators import _at
from tests.support.factories import make_booking, make_center, make_organization, make_room, make_user
from tests.support.web import plant_sign_in

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
KINDS = ["room", "center", "personal", "room-freebusy", "center-freebusy"]


@pytest.fixture
def urls(session) -> dict[str, str]:
    center = make_center(session, name="Üsküdar Merkezi")
    room = make_room(session, center, name="Çok Amaçlı Salon")
    org = make_organization(session, name="Gençlik Derneği")
    member = make_user(session, organization=org, name="Ece Üye")
    for day in range(1, 8):
        make_booking(session, room, _at(day), 90, BookingStatus.APPROVED, org,
                     title=f"Atölye {day}, kentsel dönüşüm; gençlik", is_public=True,
                     created_by=member)
    token = feed_tokens.issue_personal(session, member, utcnow()).token
    session.commit()
    return {
        "room": f"/rooms/{room.id}/calendar.ics",
        "center": f"/centers/{center.id}/calendar.ics",
        "personal": f"/feeds/{token}.ics",
        "room-freebusy": f"/rooms/{room.id}/freebusy.ics",
        "center-freebusy": f"/centers/{center.id}/freebusy.ics",
    }


def _vary(response) -> set[str]:
    return {v.strip().lower() for v in response.headers.get("Vary", "").split(",") if v.strip()}


@pytest.mark.parametrize("kind", KINDS)
def test_gzip_is_the_same_feed_compressed_with_its_own_etag(client, urls, kind):
    plain = client.get(urls[kind])
    packed = client.get(urls[kind], headers=GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data)
    assert int(packed.headers["Content-Length"]) == len(packed.data)
    assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + '-gzip"'
    assert packed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    Calendar.from_ical(gzip.decompress(packed.data))
    for answer in (plain, packed):
        assert "accept-encoding" in _vary(answer)
        assert "cookie" not in _vary(answer)
        assert "Set-Cookie" not in answer.headers


@pytest.mark.parametrize("kind", KINDS)
def test_each_encoding_revalidates_with_its_own_etag(client, urls, kind):
    plain = client.get(urls[kind]).headers["ETag"]
    packed = client.get(urls[kind], headers=GZIP).headers["ETag"]
    assert client.get(urls[kind], headers={**GZIP, "If-None-Match": packed}).status_code == 304
    assert client.get(urls[kind], headers={"If-None-Match": plain}).status_code == 304
    # A gzip answer is not the plain bytes: the other ETag is no match.
    crossed = client.get(urls[kind], headers={**GZIP, "If-None-Match": plain})
    assert crossed.status_code == 200 and crossed.headers["Content-Encoding"] == "gzip"
    assert client.get(urls[kind], headers={"If-None-Match": packed}).status_code == 200
    not_modified = client.get(urls[kind], headers={**GZIP, "If-None-Match": packed})
    assert "accept-encoding" in _vary(not_modified) and not_modified.data == b""


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("headers", [{}, GZIP], ids=["plain", "gzip"])
def test_head_has_the_headers_of_get_and_no_body(client, urls, kind, headers):
    got = client.get(urls[kind], headers=headers)
    head = client.head(urls[kind], headers=headers)
    assert head.status_code == 200 and head.data == b""
    for name in ("Content-Type", "Content-Length", "ETag", "Last-Modified", "Vary",
                 "Cache-Control", "Content-Encoding", "Content-Disposition"):
        assert head.headers.get(name) == got.headers.get(name), name
    assert client.head(urls[kind], headers={**headers, "If-None-Match": got.headers["ETag"]}
                       ).status_code == 304


def test_gzip_q0_and_identity_get_the_plain_feed(client, urls):
    for value in ("gzip;q=0", "identity", ""):
        answer = client.get(urls["room"], headers={"Accept-Encoding": value})
        assert "Content-Encoding" not in answer.headers, value
        Calendar.from_ical(answer.data)


def test_the_compressed_feed_is_cached_beside_the_plain_one(client, urls, monkeypatch):
    first = client.get(urls["center"], headers=GZIP)

    def forbidden(*args, **kwargs):
        raise AssertionError("an unchanged feed must come from the cache")

    monkeypatch.setattr("booking.web.calendar_feeds.feeds.feed_bookings", forbidden)
    monkeypatch.setattr("booking.web.calendar_feeds.encoding.compress", forbidden)
    again = client.get(urls["center"], headers=GZIP)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]


def test_a_signed_in_visitor_gets_the_public_feed_without_vary_cookie(client, session, urls):
    person = make_user(session, name="Oturum Açan")
    session.commit()
    plant_sign_in(client, person)
    answer = client.get(urls["room"])
    assert answer.status_code == 200
    assert "cookie" not in _vary(answer) and "Set-Cookie" not in answer.headers
    page = client.get("/")
    assert "cookie" in _vary(page)  # pages still depend on the session
