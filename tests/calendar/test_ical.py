"""booking/ical.py and booking/vtimezone.py: bookings in, RFC 5545 text out (no database)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from booking.calendar.ical import (
    EventOptions,
    booking_uid,
    build_calendar,
    render_calendar,
    serialize,
    single_booking_calendar,
    webcal_url,
)
from booking.calendar.vtimezone import vtimezone
from booking.calendar.words import feed_language
from booking.models import Booking, BookingStatus, Center, Organization, Room, User
from tests.support.ical_checks import expand, icaljs, rfc_problems

BASE = "https://rezervasyon.example.org"
IST = ZoneInfo("Europe/Istanbul")
BERLIN = ZoneInfo("Europe/Berlin")
STAMP = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def _scene(tz: str = "Europe/Istanbul") -> tuple[Room, Organization, User]:
    center = Center(
        id=1,
        name="Kadıköy Sivil Toplum Merkezi",
        timezone=tz,
        address="Caferağa Mah. Moda Cad. No: 12, Kadıköy",
        phone="+90 216 000 00 00",
    )
    room = Room(id=2, name="Büyük Salon", center=center)
    org = Organization(id=3, name="Çevre Gönüllüleri Derneği", email="iletisim@cevre.example",
                       phone="+90 555 111 22 33")
    person = User(id=4, name="Ayşe Yılmaz", email="ayse@example.org", phone="+90 555 444 55 66")
    return room, org, person


def _booking(room: Room, org: Organization | None, start_local: datetime, **values) -> Booking:
    tz = room.center.tz
    start = start_local.replace(tzinfo=tz).astimezone(UTC)
    values.setdefault("id", 10)
    values.setdefault("title", "Gönüllü buluşması")
    values.setdefault("status", BookingStatus.APPROVED)
    values.setdefault("is_public", False)
    values.setdefault("sequence", 0)
    values.setdefault("expected_attendees", 25)
    values.setdefault("created_at", STAMP - timedelta(days=3))
    values.setdefault("updated_at", STAMP)
    minutes = values.pop("minutes", 120)
    return Booking(room=room, organization=org, start_at=start,
                   end_at=start + timedelta(minutes=minutes), **values)


def _render(bookings, private=False, language="tr", tz="Europe/Istanbul") -> bytes:
    options = EventOptions(base_url=BASE, private=private, language=language)
    return serialize(build_calendar(bookings, options, name="Büyük Salon", timezone=tz,
                                    refresh=timedelta(minutes=60)))


def _events(data: bytes) -> dict[str, object]:
    return {str(e["UID"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def test_a_booking_not_marked_public_shows_as_reserved_without_its_organisation():
    room, org, _ = _scene()
    booking = _booking(room, org, datetime(2026, 2, 3, 18, 0), title="Yönetim kurulu")
    for language, label in (("tr", "Dolu"), ("en", "Reserved")):
        data = _render([booking], language=language)
        event = _events(data)[booking_uid(10, "rezervasyon.example.org")]
        assert str(event["SUMMARY"]) == label
        assert "Yönetim kurulu".encode() not in data
        assert org.name.encode() not in data


def test_a_public_booking_shows_its_title_and_organisation():
    room, org, _ = _scene()
    booking = _booking(room, org, datetime(2026, 2, 3, 18, 0), is_public=True)
    event = next(iter(_events(_render([booking])).values()))
    assert str(event["SUMMARY"]) == "Gönüllü buluşması — Çevre Gönüllüleri Derneği"


def test_a_public_calendar_holds_no_description_url_or_personal_data():
    room, org, person = _scene()
    booking = _booking(room, org, datetime(2026, 2, 3, 18, 0), is_public=True,
                       description="Bilgi: Ayşe Yılmaz, ayse@example.org, +90 555 444 55 66",
                       created_by=person, status_reason="Ayşe Yılmaz iptal etti")
    data = _render([booking])
    text = Calendar.from_ical(data).to_ical().decode()
    for secret in (person.name, person.email, person.phone, org.email, org.phone,
                   room.center.phone, "Bilgi:", "iptal etti"):
        assert secret not in data.decode() and secret not in text
    event = next(iter(_events(data).values()))
    for name in ("DESCRIPTION", "URL", "ORGANIZER", "ATTENDEE", "CONTACT"):
        assert name not in event


def test_a_private_event_has_a_description_and_the_booking_page():
    room, org, _ = _scene()
    booking = _booking(room, org, datetime(2026, 2, 3, 18, 0), id=42,
                       description="Yıllık genel kurul; gündem: bütçe",
                       status=BookingStatus.PENDING)
    event = next(iter(_events(_render([booking], private=True)).values()))
    assert str(event["URL"]) == f"{BASE}/bookings/42"
    description = str(event["DESCRIPTION"])
    assert "Yıllık genel kurul; gündem: bütçe" in description
    assert "Durum: Onay bekliyor" in description
    assert f"{BASE}/bookings/42" in description
    assert str(event["STATUS"]) == "TENTATIVE"


@pytest.mark.parametrize(
    ("status", "ical_status", "transp"),
    [
        (BookingStatus.APPROVED, "CONFIRMED", "OPAQUE"),
        (BookingStatus.PENDING, "TENTATIVE", "OPAQUE"),
        (BookingStatus.CANCELLED, "CANCELLED", "TRANSPARENT"),
    ],
)
def test_booking_status_becomes_the_event_status(status, ical_status, transp):
    room, org, _ = _scene()
    event = next(iter(_events(_render([_booking(room, org, datetime(2026, 2, 3, 18, 0),
                                                 status=status)], private=True)).values()))
    assert str(event["STATUS"]) == ical_status
    assert str(event["TRANSP"]) == transp


def test_two_renders_of_the_same_bookings_are_byte_identical():
    room, org, _ = _scene()
    bookings = [_booking(room, org, datetime(2026, 2, d, 18, 0), id=d) for d in range(1, 6)]
    assert _render(bookings) == _render(list(reversed(bookings)))
    assert _render(bookings, private=True) == _render(bookings, private=True)


def test_uid_dtstamp_last_modified_and_sequence_come_from_the_booking():
    room, org, _ = _scene()
    booking = _booking(room, org, datetime(2026, 2, 3, 18, 0), id=7, sequence=3)
    data = _render([booking])
    event = _events(data)["booking-7@rezervasyon.example.org"]
    assert event.decoded("DTSTAMP") == STAMP
    assert event.decoded("LAST-MODIFIED") == STAMP
    assert b"DTSTAMP:20260105T093000Z" in data
    assert event.decoded("SEQUENCE") == 3


def test_calendar_carries_the_feed_properties_clients_need():
    room, org, _ = _scene()
    data = _render([_booking(room, org, datetime(2026, 2, 3, 18, 0))])
    for line in (b"VERSION:2.0", b"METHOD:PUBLISH", b"CALSCALE:GREGORIAN",
                 b"NAME:B\xc3\xbcy\xc3\xbck Salon", b"X-WR-CALNAME:B\xc3\xbcy\xc3\xbck Salon",
                 b"X-WR-TIMEZONE:Europe/Istanbul", b"REFRESH-INTERVAL;VALUE=DURATION:PT1H",
                 b"X-PUBLISHED-TTL:PT1H", b"PRODID:-//Sivil Toplum Merkezleri//"):
        assert line in data
    assert b"LOCATION:B\xc3\xbcy\xc3\xbck Salon\\, Kad\xc4\xb1k\xc3\xb6y Sivil Toplum" in data
    assert rfc_problems(data) == []


def test_event_times_are_written_in_the_center_zone():
    room, org, _ = _scene()
    booking = _booking(room, org, datetime(2026, 2, 3, 18, 0))
    data = _render([booking])
    assert b"DTSTART;TZID=Europe/Istanbul:20260203T180000" in data
    assert b"DTEND;TZID=Europe/Istanbul:20260203T200000" in data
    event = next(iter(_events(data).values()))
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2026, 2, 3, 15, 0, tzinfo=UTC)


def test_each_zone_used_gets_one_vtimezone_and_even_an_empty_calendar_has_one():
    ist_room, org, _ = _scene()
    berlin_room, _, _ = _scene("Europe/Berlin")
    berlin_room.id = 5
    bookings = [_booking(ist_room, org, datetime(2026, 2, 3, 18, 0), id=1),
                _booking(berlin_room, org, datetime(2026, 2, 4, 18, 0), id=2),
                _booking(berlin_room, org, datetime(2026, 7, 4, 18, 0), id=3)]
    cal = Calendar.from_ical(_render(bookings))
    assert sorted(str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")) == [
        "Europe/Berlin", "Europe/Istanbul"]
    empty = Calendar.from_ical(_render([]))
    assert [str(tz["TZID"]) for tz in empty.walk("VTIMEZONE")] == ["Europe/Istanbul"]
    assert rfc_problems(_render([])) == []


def test_istanbul_is_one_fixed_offset_block_from_2017():
    text = vtimezone("Europe/Istanbul").to_ical().decode()
    assert text.count("BEGIN:STANDARD") == 1 and "DAYLIGHT" not in text
    assert "DTSTART:20170101T000000" in text and "TZOFFSETTO:+0300" in text


def test_berlin_summer_time_is_a_yearly_rule_with_rfc_onset_times():
    text = vtimezone("Europe/Berlin").to_ical().decode()
    # Spring: 02:00 local before the jump, in TZOFFSETFROM (RFC 5545 §3.6.5).
    assert "DTSTART:20170326T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text
    assert "DTSTART:20171029T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in text
    assert "RDATE" not in text


@pytest.mark.parametrize(
    "tzid",
    ["Europe/Istanbul", "Europe/Berlin", "America/Sao_Paulo", "Australia/Lord_Howe",
     "Africa/Casablanca", "America/New_York"],
)
def test_vtimezone_gives_the_same_offsets_as_zoneinfo(tzid):
    cal = Calendar()
    cal.add_component(vtimezone(tzid))
    tz = Calendar.from_ical(cal.to_ical()).walk("VTIMEZONE")[0].to_tz()
    zone = ZoneInfo(tzid)
    instant = datetime(2017, 1, 1, tzinfo=UTC)
    while instant < datetime(2036, 1, 1, tzinfo=UTC):
        assert instant.astimezone(tz).utcoffset() == instant.astimezone(zone).utcoffset(), instant
        instant += timedelta(hours=11)


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def test_icaljs_reads_berlin_times_on_both_sides_of_daylight_saving_changes():
    room, org, _ = _scene("Europe/Berlin")
    spring, autumn = _last_sunday(2026, 3), _last_sunday(2026, 10)
    days = [spring - timedelta(days=1), spring + timedelta(days=1),
            autumn - timedelta(days=1), autumn + timedelta(days=1)]
    bookings = [_booking(room, org, datetime.combine(d, time(18, 0)), id=i + 1)
                for i, d in enumerate(days)]
    seen = {e["uid"]: e for e in icaljs(_render(bookings, tz="Europe/Berlin"))["events"]}
    expected_utc_hours = [17, 16, 16, 17]  # 18:00 CET = 17Z, 18:00 CEST = 16Z
    for i, (day, hour) in enumerate(zip(days, expected_utc_hours, strict=True)):
        event = seen[f"booking-{i + 1}@rezervasyon.example.org"]
        assert event["start"]["zone"] == "Europe/Berlin"
        assert event["start"]["local"] == f"{day.isoformat()}T18:00:00"
        assert event["start"]["utc"] == f"{day.isoformat()}T{hour:02d}:00:00.000Z"


def test_recurring_ical_events_expands_a_window_in_the_right_zone():
    room, org, _ = _scene()
    bookings = [_booking(room, org, datetime(2026, 2, d, 18, 0), id=d) for d in (2, 9, 16)]
    found = expand(_render(bookings), date(2026, 2, 5), date(2026, 2, 20))
    assert sorted(str(e["UID"]) for e in found) == [
        "booking-16@rezervasyon.example.org", "booking-9@rezervasyon.example.org"]
    assert {e.decoded("DTSTART").astimezone(UTC).hour for e in found} == {15}


def test_single_booking_calendar_is_the_private_event_with_the_feed_uid():
    room, org, _ = _scene()
    booking = _booking(room, org, datetime(2026, 2, 3, 18, 0), id=99, sequence=2)
    data = serialize(single_booking_calendar(booking, base_url=BASE, language="en"))
    events = Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == 1
    assert str(events[0]["UID"]) == "booking-99@rezervasyon.example.org"
    assert events[0].decoded("SEQUENCE") == 2
    assert "Status: Approved" in str(events[0]["DESCRIPTION"])
    assert b"METHOD:PUBLISH" in data and rfc_problems(data) == []
    parsed = icaljs(data)["events"][0]
    assert parsed["start"]["utc"] == "2026-02-03T15:00:00.000Z"


def test_long_turkish_text_is_folded_at_75_octets_without_splitting_characters():
    room, org, _ = _scene()
    booking = _booking(room, org, datetime(2026, 2, 3, 18, 0), is_public=True,
                       title="Çocuk, gençlik ve aile destek programı: İğdır, Şırnak, Ağrı " * 4)
    assert rfc_problems(_render([booking])) == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.org/rooms/1/calendar.ics", "webcal://x.org/rooms/1/calendar.ics"),
        ("http://x.org/feeds/abc.ics", "webcal://x.org/feeds/abc.ics"),
        ("webcal://x.org/a.ics", "webcal://x.org/a.ics"),
    ],
)
def test_webcal_url_swaps_the_scheme(url, expected):
    assert webcal_url(url) == expected


@pytest.mark.parametrize(("code", "language"), [("en", "en"), ("en-GB", "en"), ("tr-TR", "tr"),
                                                ("de", "tr"), (None, "tr")])
def test_feed_language_falls_back_to_turkish(code, language):
    assert feed_language(code) == language


TRICKY_TEXTS = [
    "Kısa",
    "Virgül, noktalı; virgül ve ters\\eğik çizgi \\N \\n",
    "Satır\r\nsonları\nve\rtek CR",
    "İ" * 40 + "ş" * 3 + "a" * 7,
    "x" * 72 + "\\;" + "y" * 80,
    "a" * 73 + ",b" * 30,
    "€𝄞" * 30,
    "",
]


@pytest.mark.parametrize("private", [False, True])
@pytest.mark.parametrize("language", ["tr", "en"])
def test_the_fast_writer_matches_icalendar_byte_for_byte(private, language):
    ist_room, org, _ = _scene()
    utc_room, _, _ = _scene("UTC")
    utc_room.id = 6
    berlin_room, _, _ = _scene("Europe/Berlin")
    berlin_room.id = 5
    berlin_room.center.address = None
    bookings = []
    for i, text in enumerate(TRICKY_TEXTS):
        for j, (room, status) in enumerate([(ist_room, BookingStatus.APPROVED),
                                            (berlin_room, BookingStatus.PENDING),
                                            (utc_room, BookingStatus.CANCELLED)]):
            bookings.append(_booking(
                room, org if i % 2 else None, datetime(2026, 3, 20 + i, 9 + j, 30),
                id=100 * i + j, title=text or "Başlık", description=text or None,
                is_public=bool(j % 2), status=status, status_reason=text or None,
                sequence=i, updated_at=STAMP + timedelta(seconds=i, microseconds=7)))
    options = EventOptions(base_url=BASE, private=private, language=language,
                           show_organization=bool(len(bookings) % 2))
    arguments = {"name": "Ad, soyad; \\ ve " + "uzun " * 20, "timezone": "Europe/Istanbul",
                 "refresh": timedelta(minutes=90)}
    fast = render_calendar(bookings, options, **arguments)
    assert fast == serialize(build_calendar(bookings, options, **arguments))
    assert rfc_problems(fast) == []
