"""Calendar feeds over HTTP (SPEC §4), on SQLite and PostgreSQL.

Bookings are placed relative to today, because a feed's window is "90 days
back to a year ahead" of the real clock. The session is committed before
every HTTP call (SQLite: every transaction holds the write lock).
"""
from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import event, select

from booking.models import AuditEntry, BookingStatus, FeedToken, Role, utcnow
from booking.services import feed_tokens
from booking.services.errors import NotAllowed, NotFound
from tests.support.factories import (
    make_booking,
    make_center,
    make_organization,
    make_organization_feed_link,
    make_room,
    make_user,
)
from tests.support.ical_checks import expand, icaljs, rfc_problems

IST = ZoneInfo("Europe/Istanbul")
BERLIN = ZoneInfo("Europe/Berlin")
HOST = "localhost"  # BASE_URL of the test app is http://localhost


def _at(days: int, hour: int = 18, tz: ZoneInfo = IST) -> datetime:
    """``hour`` o'clock local time, ``days`` from today, as aware UTC."""
    day = datetime.now(tz).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


def _uid(booking) -> str:
    return f"booking-{booking.id}@{HOST}"


def _events(response) -> dict[str, object]:
    assert response.status_code == 200, response.status_code
    return {str(e["UID"]): e for e in Calendar.from_ical(response.data).walk("VEVENT")}


def _cancel(session, booking, when: datetime, *, was_approved: bool) -> None:
    """What the engine does on cancel: status, SEQUENCE, updated_at and the audit entry."""
    previous = booking.status
    booking.status = BookingStatus.CANCELLED
    booking.status_reason = "Etkinlik ertelendi"
    booking.sequence += 1
    booking.updated_at = when
    session.add(AuditEntry(at=when, entity="booking", entity_id=booking.id,
                           booking_id=booking.id, action="cancel",
                           from_status=previous.value, to_status="cancelled"))
    assert (previous == BookingStatus.APPROVED) == was_approved
    session.flush()


@pytest.fixture
def scene(session):
    center = make_center(session, name="Kadıköy Sivil Toplum Merkezi",
                         address="Caferağa Mah. Moda Cad. No: 12", phone="+90 216 000 00 00")
    room = make_room(session, center, name="Büyük Salon")
    other_room = make_room(session, center, name="Atölye")
    org = make_organization(session, name="Çevre Gönüllüleri Derneği",
                            email="iletisim@cevre.example", phone="+90 555 111 22 33")
    other_org = make_organization(session, name="Gençlik Platformu")
    member = make_user(session, organization=org, name="Ayşe Yılmaz", email="ayse@example.org",
                       phone="+90 555 444 55 66")
    earlier = utcnow() - timedelta(seconds=30)
    b = {
        "public": make_booking(session, room, _at(3), 120, BookingStatus.APPROVED, org,
                               title="Gönüllü buluşması", is_public=True, created_by=member,
                               description="İletişim: Ayşe Yılmaz, ayse@example.org"),
        "hidden": make_booking(session, room, _at(4), 60, BookingStatus.APPROVED, org,
                               title="Yönetim kurulu", is_public=False, created_by=member),
        "pending": make_booking(session, room, _at(5), 60, BookingStatus.PENDING, org,
                                title="Bekleyen talep", is_public=True, created_by=member),
        "rejected": make_booking(session, room, _at(6), 60, BookingStatus.REJECTED, org,
                                 title="Reddedilen talep", is_public=True),
        "other_booking": make_booking(session, other_room, _at(3), 60, BookingStatus.APPROVED,
                                  other_org, title="Gençlik atölyesi", is_public=True),
    }
    # Everything last changed half a minute ago: a change made by a test is then
    # later by whole seconds, as Last-Modified (HTTP dates) can show.
    for thing in (center, room, other_room, org, other_org, *b.values()):
        thing.updated_at = earlier
    for booking in b.values():
        booking.created_at = earlier
    session.commit()
    return {"center": center, "room": room, "other_room": other_room, "org": org,
            "other_org": other_org, "member": member, **b}


# --- headers and caching ------------------------------------------------------


def test_room_feed_is_inline_text_calendar_with_validators_and_cache_control(client, scene):
    response = client.get(f"/rooms/{scene['room'].id}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'inline; filename="room-{scene["room"].id}.ics"')
    etag, weak = response.get_etag()
    assert etag and not weak
    assert response.last_modified is not None
    assert response.last_modified <= utcnow()
    assert "public" in response.headers["Cache-Control"]
    assert "Accept-Language" in response.headers["Vary"]
    assert rfc_problems(response.data) == []


def test_an_unchanged_feed_answers_304_to_either_conditional_header(client, scene):
    url = f"/centers/{scene['center'].id}/calendar.ics"
    first = client.get(url)
    etag = first.headers["ETag"]
    by_etag = client.get(url, headers={"If-None-Match": etag})
    by_date = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    for answer in (by_etag, by_date):
        assert answer.status_code == 304
        assert answer.data == b""
        assert answer.headers["ETag"] == etag
    assert client.get(url).data == first.data  # byte-identical renders


def test_the_304_path_builds_no_calendar_and_loads_no_booking(client, scene, monkeypatch):
    url = f"/rooms/{scene['room'].id}/calendar.ics"
    etag = client.get(url).headers["ETag"]

    def forbidden(*args, **kwargs):
        raise AssertionError("the 304 path must not build the feed")

    monkeypatch.setattr("booking.web.calendar_feeds.ical.render_calendar", forbidden)
    monkeypatch.setattr("booking.web.calendar_feeds.feeds.feed_bookings", forbidden)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_a_changed_booking_raises_sequence_and_changes_etag_and_last_modified(
    client, session, scene
):
    url = f"/rooms/{scene['room'].id}/calendar.ics"
    before = client.get(url)
    assert _events(before)[_uid(scene["public"])].decoded("SEQUENCE") == 0

    booking = session.get(type(scene["public"]), scene["public"].id)
    booking.start_at += timedelta(hours=1)
    booking.end_at += timedelta(hours=1)
    booking.block_end += timedelta(hours=1)
    booking.sequence += 1
    booking.updated_at = utcnow()
    session.commit()

    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.last_modified > before.last_modified
    event = _events(after)[_uid(booking)]
    assert event.decoded("SEQUENCE") == 1
    assert event.decoded("DTSTART").astimezone(UTC) == booking.start_at
    assert client.get(
        url, headers={"If-Modified-Since": before.headers["Last-Modified"]}
    ).status_code == 200


def test_cancelling_moves_last_modified_forward_and_keeps_the_event_as_cancelled(
    client, session, scene
):
    url = f"/rooms/{scene['room'].id}/calendar.ics"
    before = client.get(url)
    _cancel(session, scene["hidden"], utcnow(), was_approved=True)
    session.commit()
    after = client.get(url, headers={"If-Modified-Since": before.headers["Last-Modified"]})
    assert after.status_code == 200
    assert after.last_modified > before.last_modified
    event = _events(after)[_uid(scene["hidden"])]
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("SEQUENCE") == 1
    assert "ertelendi" not in after.data.decode()  # the reason stays private


def test_language_changes_the_etag(client, scene):
    url = f"/rooms/{scene['room'].id}/calendar.ics"
    turkish = client.get(url)
    english = client.get(url, headers={"Accept-Language": "en-US,en;q=0.8"})
    assert turkish.headers["ETag"] != english.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": turkish.headers["ETag"],
                                    "Accept-Language": "en"}).status_code == 200


# --- parsing by three independent parsers -----------------------------------------


def test_room_feed_parses_in_icalendar_recurring_ical_events_and_icaljs(client, scene):
    response = client.get(f"/rooms/{scene['room'].id}/calendar.ics")
    public, hidden = scene["public"], scene["hidden"]

    events = _events(response)
    assert set(events) == {_uid(public), _uid(hidden)}
    assert events[_uid(public)]["DTSTART"].params["TZID"] == "Europe/Istanbul"
    assert events[_uid(public)].decoded("DTSTART").hour == 18

    found = expand(response.data, date.today(), date.today() + timedelta(days=10))
    assert sorted(str(e["UID"]) for e in found) == sorted([_uid(public), _uid(hidden)])

    seen = {e["uid"]: e for e in icaljs(response.data)["events"]}
    assert set(seen) == {_uid(public), _uid(hidden)}
    for booking in (public, hidden):
        start = seen[_uid(booking)]["start"]
        assert start["zone"] == "Europe/Istanbul"
        assert start["local"].endswith("T18:00:00")
        assert start["offset_seconds"] == 3 * 3600
        # 18:00 in Istanbul is 15:00 UTC.
        assert start["utc"] == booking.start_at.strftime("%Y-%m-%dT15:00:00.000Z")
        assert seen[_uid(booking)]["status"] == "CONFIRMED"
        assert seen[_uid(booking)]["sequence"] == 0


def _next_last_sunday(month: int) -> date:
    today = date.today()
    for year in (today.year, today.year + 1):
        day = date(year, month + 1, 1) - timedelta(days=1)
        day -= timedelta(days=(day.weekday() + 1) % 7)
        if day > today + timedelta(days=2):
            return day
    raise AssertionError("unreachable")


def test_center_feed_in_berlin_keeps_local_times_across_daylight_saving(client, session):
    center = make_center(session, name="Berlin Zentrum", timezone="Europe/Berlin")
    room = make_room(session, center)
    spring, autumn = _next_last_sunday(3), _next_last_sunday(10)
    days = sorted([spring - timedelta(days=1), spring + timedelta(days=1),
                   autumn - timedelta(days=1), autumn + timedelta(days=1)])
    bookings = [
        make_booking(session, room,
                     datetime.combine(d, time(18), tzinfo=BERLIN).astimezone(UTC), 90,
                     BookingStatus.APPROVED, is_public=True, title=f"Treffen {d}")
        for d in days
    ]
    session.commit()
    response = client.get(f"/centers/{center.id}/calendar.ics")
    assert rfc_problems(response.data) == []
    assert b"X-WR-TIMEZONE:Europe/Berlin" in response.data
    seen = {e["uid"]: e for e in icaljs(response.data)["events"]}
    for booking in bookings:
        start = seen[_uid(booking)]["start"]
        assert start["zone"] == "Europe/Berlin"
        assert start["local"].endswith("T18:00:00")
        assert start["utc"] == booking.start_at.strftime("%Y-%m-%dT%H:%M:00.000Z")
    offsets = {seen[_uid(b)]["start"]["offset_seconds"] for b in bookings}
    assert offsets == {3600, 7200}
    found = expand(response.data, days[0], days[-1] + timedelta(days=1))
    assert {e.decoded("DTSTART").astimezone(UTC) for e in found} == {
        b.start_at for b in bookings}


def test_center_feed_covers_every_active_room_of_the_center(client, session, scene):
    closed = make_room(session, scene["center"], name="Kapalı oda", is_active=False)
    make_booking(session, closed, _at(8), 60, BookingStatus.APPROVED, is_public=True)
    session.commit()
    events = _events(client.get(f"/centers/{scene['center'].id}/calendar.ics"))
    assert set(events) == {_uid(scene["public"]), _uid(scene["hidden"]),
                           _uid(scene["other_booking"])}
    assert "Atölye, Kadıköy Sivil Toplum Merkezi" in str(events[_uid(scene["other_booking"])][
        "LOCATION"])


def test_unknown_or_inactive_rooms_and_centers_have_no_feed(client, session, scene):
    inactive_center = make_center(session, is_active=False)
    room_of_inactive_center = make_room(session, inactive_center)
    inactive_room = make_room(session, scene["center"], is_active=False)
    session.commit()
    for url in ("/rooms/999999/calendar.ics", "/centers/999999/calendar.ics",
                f"/centers/{inactive_center.id}/calendar.ics",
                f"/rooms/{room_of_inactive_center.id}/calendar.ics",
                f"/rooms/{inactive_room.id}/calendar.ics"):
        assert client.get(url).status_code == 404, url


# --- privacy --------------------------------------------------------------------


def test_a_booking_not_marked_public_is_reserved_without_organisation_in_both_languages(
    client, scene
):
    url = f"/rooms/{scene['room'].id}/calendar.ics"
    for query, headers, label in (("", {}, "Dolu"), ("?lang=en", {}, "Reserved"),
                                  ("", {"Accept-Language": "en-GB,en;q=0.9"}, "Reserved"),
                                  ("?lang=tr", {"Accept-Language": "en"}, "Dolu")):
        response = client.get(url + query, headers=headers)
        events = _events(response)
        assert str(events[_uid(scene["hidden"])]["SUMMARY"]) == label
        assert "Yönetim kurulu" not in response.data.decode()
        assert str(events[_uid(scene["public"])]["SUMMARY"]) == (
            "Gönüllü buluşması — Çevre Gönüllüleri Derneği")


def test_public_feeds_never_show_pending_or_rejected_requests(client, scene):
    for url in (f"/rooms/{scene['room'].id}/calendar.ics",
                f"/centers/{scene['center'].id}/calendar.ics"):
        response = client.get(url)
        uids = set(_events(response))
        assert _uid(scene["pending"]) not in uids and _uid(scene["rejected"]) not in uids
        assert "Bekleyen talep" not in response.data.decode()
        assert "Reddedilen talep" not in response.data.decode()
        assert "TENTATIVE" not in response.data.decode()


def test_public_feeds_hold_no_personal_data(client, scene):
    member, org = scene["member"], scene["org"]
    for url in (f"/rooms/{scene['room'].id}/calendar.ics",
                f"/centers/{scene['center'].id}/calendar.ics",
                f"/rooms/{scene['room'].id}/calendar.ics?lang=en"):
        text = client.get(url).data.decode()
        for secret in (member.name, member.email, member.phone, org.email, org.phone,
                       scene["center"].phone, "İletişim:"):
            assert secret not in text, (url, secret)
        for name in ("ORGANIZER", "ATTENDEE", "CONTACT", "DESCRIPTION", "URL:", "BEGIN:VALARM"):
            assert name not in text, (url, name)


def test_public_feeds_keep_cancelled_bookings_that_were_approved_for_the_keep_period(
    client, session, scene
):
    room = scene["room"]
    now = utcnow()
    recent = make_booking(session, room, _at(10), 60, BookingStatus.APPROVED, is_public=True)
    _cancel(session, recent, now - timedelta(days=2), was_approved=True)
    old = make_booking(session, room, _at(11), 60, BookingStatus.APPROVED, is_public=True)
    _cancel(session, old, now - timedelta(days=40), was_approved=True)
    never_shown = make_booking(session, room, _at(12), 60, BookingStatus.PENDING,
                               is_public=True, title="Geri çekilen talep")
    _cancel(session, never_shown, now - timedelta(days=1), was_approved=False)
    session.commit()

    response = client.get(f"/rooms/{room.id}/calendar.ics")
    events = _events(response)
    assert str(events[_uid(recent)]["STATUS"]) == "CANCELLED"
    assert str(events[_uid(recent)]["TRANSP"]) == "TRANSPARENT"
    assert _uid(old) not in events
    assert _uid(never_shown) not in events
    assert "Geri çekilen talep" not in response.data.decode()
    seen = {e["uid"]: e for e in icaljs(response.data)["events"]}
    assert seen[_uid(recent)]["status"] == "CANCELLED"
    assert seen[_uid(recent)]["sequence"] == 1


def test_the_window_is_configurable_and_bounds_the_feed(app, client, session, scene):
    app.config.update(FEED_PAST_DAYS=10, FEED_FUTURE_DAYS=30)
    room = scene["room"]
    inside_past = make_booking(session, room, _at(-9), 60, BookingStatus.APPROVED)
    too_old = make_booking(session, room, _at(-12), 60, BookingStatus.APPROVED)
    too_far = make_booking(session, room, _at(40), 60, BookingStatus.APPROVED)
    session.commit()
    uids = set(_events(client.get(f"/rooms/{room.id}/calendar.ics")))
    assert _uid(inside_past) in uids
    assert _uid(too_old) not in uids and _uid(too_far) not in uids


# --- private feeds and their tokens ----------------------------------------------------


def _token_for_org(session, actor, org) -> str:
    """The organisation's shared link from before personal links."""
    token = make_organization_feed_link(session, org)
    session.commit()
    return token


def test_an_organisation_feed_has_its_pending_bookings_as_tentative_with_details(
    client, session, scene
):
    token = _token_for_org(session, scene["member"], scene["org"])
    response = client.get(f"/feeds/{token}.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response.headers["Cache-Control"]
    assert rfc_problems(response.data) == []
    events = _events(response)
    assert set(events) == {_uid(scene["public"]), _uid(scene["hidden"]), _uid(scene["pending"])}
    assert str(events[_uid(scene["pending"])]["STATUS"]) == "TENTATIVE"
    assert str(events[_uid(scene["hidden"])]["SUMMARY"]) == "Yönetim kurulu"
    hidden = events[_uid(scene["hidden"])]
    assert str(hidden["URL"]) == f"http://localhost/bookings/{scene['hidden'].id}"
    assert "Durum: Onaylandı" in str(hidden["DESCRIPTION"])
    assert "Çevre Gönüllüleri Derneği — Rezervasyonlar" in response.data.decode()
    seen = {e["uid"]: e for e in icaljs(response.data)["events"]}
    assert seen[_uid(scene["pending"])]["status"] == "TENTATIVE"
    assert seen[_uid(scene["pending"])]["start"]["zone"] == "Europe/Istanbul"
    found = expand(response.data, date.today(), date.today() + timedelta(days=30))
    assert len(found) == 3


def test_a_staff_feed_covers_the_centers_of_that_staff_member(client, session, scene):
    elsewhere = make_room(session, make_center(session, name="Üsküdar Merkezi"))
    far = make_booking(session, elsewhere, _at(3), 60, BookingStatus.APPROVED, title="Başka yer")
    staff = make_user(session, role=Role.STAFF, centers=[scene["center"]], language="en")
    issued = feed_tokens.issue_personal(session, staff, utcnow())
    session.commit()
    response = client.get(f"/feeds/{issued.token}.ics")
    events = _events(response)
    assert set(events) == {_uid(scene[k]) for k in ("public", "hidden", "pending", "other_booking")}
    assert _uid(far) not in events
    assert str(events[_uid(scene["hidden"])]["SUMMARY"]) == (
        "Yönetim kurulu — Çevre Gönüllüleri Derneği")
    # No ?lang and no Accept-Language: the staff member's own language.
    assert "Centre bookings: Kadıköy Sivil Toplum Merkezi" in response.data.decode()
    seen = icaljs(response.data)
    assert {e["status"] for e in seen["events"]} == {"CONFIRMED", "TENTATIVE"}


def test_regenerating_a_personal_link_kills_the_old_one_and_revoking_kills_it(
        client, session, scene):
    member = scene["member"]
    first = feed_tokens.issue_personal(session, member, utcnow()).token
    session.commit()
    assert client.get(f"/feeds/{first}.ics").status_code == 200
    second = feed_tokens.issue_personal(session, member, utcnow()).token
    session.commit()
    assert client.get(f"/feeds/{first}.ics").status_code == 404
    assert client.get(f"/feeds/{second}.ics").status_code == 200
    assert feed_tokens.revoke_personal(session, member, utcnow()) == 1
    session.commit()
    assert client.get(f"/feeds/{second}.ics").status_code == 404
    assert client.get("/feeds/not-a-real-token.ics").status_code == 404


def test_tokens_are_long_random_and_stored_only_as_sha256(session, scene):
    issued = feed_tokens.issue_personal(session, scene["member"], utcnow())
    assert len(issued.token) >= 43  # 32 random bytes, URL-safe base64
    stored = session.scalars(select(FeedToken.token_hash)).all()
    assert stored == [hashlib.sha256(issued.token.encode()).hexdigest()]
    assert issued.token not in stored
    entries = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "user")).all()
    assert "feed_token_issue" in entries
    session.rollback()


def test_a_personal_link_is_its_owners_alone_and_an_organisation_link_its_members(
        session, scene):
    now = utcnow()
    stranger = make_user(session, organization=scene["other_org"])
    staff = make_user(session, role=Role.STAFF, centers=[scene["center"]])
    admin = make_user(session, role=Role.ADMIN)
    feed_tokens.issue_personal(session, staff, now)
    make_organization_feed_link(session, scene["org"])
    # Nobody, not even an admin, sees or revokes another person's link.
    for actor in (scene["member"], admin):
        with pytest.raises(NotFound):
            feed_tokens.revoke_tokens(session, actor, user_id=staff.id, now=now)
        with pytest.raises(NotFound):
            feed_tokens.live_token(session, actor, user_id=staff.id)
    # An organisation's link: its members, staff and admins; not another organisation.
    with pytest.raises(NotFound):
        feed_tokens.revoke_tokens(session, stranger, organization_id=scene["org"].id, now=now)
    assert feed_tokens.organization_link(session, stranger) is None
    assert feed_tokens.organization_link(session, scene["member"]) is not None
    assert feed_tokens.live_token(session, staff, user_id=staff.id) is not None
    # A deactivated person gets no new link.
    scene["member"].is_active = False
    with pytest.raises(NotAllowed):
        feed_tokens.issue_personal(session, scene["member"], now)
    session.rollback()


def test_a_staff_token_stops_working_when_the_user_is_deactivated(client, session, scene):
    staff = make_user(session, role=Role.STAFF, centers=[scene["center"]])
    token = feed_tokens.issue_personal(session, staff, utcnow()).token
    session.commit()
    assert client.get(f"/feeds/{token}.ics").status_code == 200
    staff.is_active = False
    session.commit()
    assert client.get(f"/feeds/{token}.ics").status_code == 404


def test_private_feeds_answer_304_and_change_when_a_pending_booking_is_approved(
    client, session, scene
):
    token = _token_for_org(session, scene["member"], scene["org"])
    url = f"/feeds/{token}.ics"
    first = client.get(url)
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    pending = scene["pending"]
    pending.status = BookingStatus.APPROVED
    pending.sequence += 1
    pending.updated_at = utcnow()
    session.commit()
    second = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    event = _events(second)[_uid(pending)]
    assert (str(event["STATUS"]), event.decoded("SEQUENCE")) == ("CONFIRMED", 1)


# --- efficiency -------------------------------------------------------------------------


def test_a_feed_takes_a_fixed_number_of_queries_however_many_bookings(app, client, session):
    center = make_center(session)
    small, big = make_room(session, center), make_room(session, center)
    for room, count in ((small, 2), (big, 12)):
        for i in range(count):
            make_booking(session, room, _at(i + 1), 60, BookingStatus.APPROVED,
                         make_organization(session), is_public=True)
    session.commit()
    from booking.extensions import db

    with app.app_context():
        engine = db.engine

    def selects_for(room) -> list[str]:
        statements: list[str] = []

        def count(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith("SELECT"):
                statements.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            response = client.get(f"/rooms/{room.id}/calendar.ics")
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200
        return statements

    few, many = selects_for(small), selects_for(big)
    # room with center, fingerprint, bookings, their rooms, their organisations
    assert len(few) == len(many) <= 5, "\n".join(s[:90] for s in many)


def test_pages_get_absolute_feed_urls_and_subscribe_links(app):
    with app.test_request_context("/"):
        globals_ = app.jinja_env.globals
        url = globals_["feed_url"]("feeds.room_calendar", room_id=3)
        assert url == "http://localhost/rooms/3/calendar.ics"
        links = globals_["subscribe_links"](url)
        assert links["webcal"] == "webcal://localhost/rooms/3/calendar.ics"
        assert links["google"] == ("https://calendar.google.com/calendar/r?cid="
                                   "webcal%3A%2F%2Flocalhost%2Frooms%2F3%2Fcalendar.ics")
        assert links["outlook"].endswith("url=http%3A%2F%2Flocalhost%2Frooms%2F3%2Fcalendar.ics")
        assert globals_["webcal_url"]("https://x.org/a.ics") == "webcal://x.org/a.ics"


def test_a_rejected_request_leaves_the_organisation_feed_and_moves_last_modified_on(
    client, session, scene
):
    token = _token_for_org(session, scene["member"], scene["org"])
    url = f"/feeds/{token}.ics"
    pending = scene["pending"]
    pending.updated_at = utcnow() - timedelta(seconds=10)  # the feed's latest change
    session.commit()
    before = client.get(url)
    assert _uid(pending) in _events(before)
    pending.status = BookingStatus.REJECTED
    pending.sequence += 1
    pending.updated_at = utcnow()
    session.commit()
    after = client.get(url, headers={"If-Modified-Since": before.headers["Last-Modified"]})
    assert after.status_code == 200
    assert after.last_modified > before.last_modified
    assert _uid(pending) not in _events(after)


def test_a_new_pending_request_does_not_touch_public_validators(client, session, scene):
    url = f"/rooms/{scene['room'].id}/calendar.ics"
    before = client.get(url)
    make_booking(session, scene["room"], _at(9), 60, BookingStatus.PENDING, scene["org"])
    session.commit()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 304


def test_the_booking_engine_drives_the_public_feed(client, session, scene):
    """End to end with the real services: request, approve, cancel."""
    from booking.services import bookings as engine

    staff = make_user(session, role=Role.STAFF, centers=[scene["center"]])
    room, member = scene["room"], scene["member"]

    def request(days: int) -> engine.BookingRequest:
        return engine.BookingRequest(room_id=room.id, title="Panel: kent ve çevre",
                                     start=_at(days), end=_at(days) + timedelta(hours=2),
                                     expected_attendees=30, is_public=True)

    kept = engine.create_booking(session, member, request(20), utcnow()).bookings[0]
    withdrawn = engine.create_booking(session, member, request(21), utcnow()).bookings[0]
    session.commit()
    url = f"/rooms/{room.id}/calendar.ics"
    assert _uid(kept) not in _events(client.get(url))  # pending: not public

    engine.approve_booking(session, staff, kept.id, utcnow())
    engine.cancel_booking(session, member, withdrawn.id, None, utcnow())
    session.commit()
    approved = client.get(url)
    event = _events(approved)[_uid(kept)]
    assert (str(event["STATUS"]), event.decoded("SEQUENCE")) == ("CONFIRMED", 1)
    assert _uid(withdrawn) not in _events(approved)  # cancelled while pending

    engine.cancel_booking(session, member, kept.id, "Ertelendi", utcnow())
    session.commit()
    cancelled = client.get(url, headers={"If-None-Match": approved.headers["ETag"]})
    assert cancelled.status_code == 200
    event = _events(cancelled)[_uid(kept)]
    assert (str(event["STATUS"]), event.decoded("SEQUENCE")) == ("CANCELLED", 2)
    seen = {e["uid"]: e for e in icaljs(cancelled.data)["events"]}
    assert (seen[_uid(kept)]["status"], seen[_uid(kept)]["sequence"]) == ("CANCELLED", 2)


def test_an_unchanged_feed_is_served_again_from_the_cache_without_loading_bookings(
    client, session, scene, monkeypatch
):
    url = f"/centers/{scene['center'].id}/calendar.ics"
    first = client.get(url)

    def forbidden(*args, **kwargs):
        raise AssertionError("an unchanged feed must come from the cache")

    with monkeypatch.context() as patch:
        patch.setattr("booking.web.calendar_feeds.feeds.feed_bookings", forbidden)
        patch.setattr("booking.web.calendar_feeds.ical.render_calendar", forbidden)
        again = client.get(url)
    assert again.status_code == 200
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]

    scene["public"].title = "Yeni başlık"
    scene["public"].updated_at = utcnow()
    session.commit()
    changed = client.get(url)
    assert "Yeni başlık" in changed.data.decode()


def test_the_body_cache_drops_the_least_recently_used_feeds_first():
    from booking.web.calendar_feeds import BodyCache

    cache = BodyCache(max_bytes=10)
    cache.put("a", b"1234")
    cache.put("b", b"5678")
    assert cache.get("a") == b"1234"  # now b is the least recently used
    cache.put("c", b"9012")
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (b"1234", None, b"9012")
    cache.put("huge", b"x" * 11)
    assert cache.get("huge") is None


def test_a_released_no_show_stays_in_the_feeds_as_cancelled_and_moves_last_modified(
    client, session, scene
):
    from booking.services import checkin

    url = f"/rooms/{scene['room'].id}/calendar.ics"
    before = client.get(url)
    booking = scene["public"]
    released = checkin.release_no_shows(session, booking.start_at + timedelta(minutes=20))
    # The other room's booking at the same time goes too.
    assert booking.id in [item.booking.id for item in released]
    session.commit()
    after = client.get(url, headers={"If-Modified-Since": before.headers["Last-Modified"]})
    assert after.status_code == 200
    event = _events(after)[_uid(booking)]
    assert str(event["STATUS"]) == "CANCELLED" and str(event["TRANSP"]) == "TRANSPARENT"
    assert event.decoded("SEQUENCE") == 1
