"""RFC 5545 §3.3.11 text escaping and no control characters (SPEC §12): hostile
titles and descriptions survive a round trip through python icalendar,
recurring-ical-events and ical.js, from both writers (no database)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from booking.calendar.ical import (
    EventOptions,
    build_calendar,
    clean_text,
    render_calendar,
    serialize,
)
from tests.calendar.test_ical import BASE, _booking, _scene
from tests.support.ical_checks import expand, icaljs, rfc_problems

# (what a person typed, what every parser must read back)
HOSTILE = [
    ("C:\\New\\Nord", "C:\\New\\Nord"),  # a typed backslash-N is no line break
    ("a\\\\N b\\n c\\, d\\; e", "a\\\\N b\\n c\\, d\\; e"),
    ("Virgül, noktalı; ters\\eğik çizgi", "Virgül, noktalı; ters\\eğik çizgi"),
    ("🎉 Kutlama 👩‍👩‍👧 ☕", "🎉 Kutlama 👩‍👩‍👧 ☕"),
    ("Zil\x07 NUL\x00 ESC\x1b[31m DEL\x7f son", "Zil NUL ESC[31m DEL son"),
    ("Sekme\tvar", "Sekme var"),
]
CONTROLS = [chr(c) for c in (*range(0x00, 0x0A), *range(0x0B, 0x20), 0x7F)]


def _calendar_bytes(bookings, *, fast: bool) -> bytes:
    options = EventOptions(base_url=BASE, private=True, language="tr")
    arguments = {"name": "Ad\\N, soyad;\x01", "timezone": "Europe/Istanbul",
                 "refresh": timedelta(minutes=60)}
    if fast:
        return render_calendar(bookings, options, **arguments)
    return serialize(build_calendar(bookings, options, **arguments))


def _hostile_bookings():
    room, org, _ = _scene()
    return [
        _booking(room, org, datetime(2026, 3, 2 + i, 10, 0), id=i + 1, title=typed,
                 description=f"{typed}\nikinci satır\x0büçüncü\r\ndördüncü")
        for i, (typed, _) in enumerate(HOSTILE)
    ]


def test_clean_text_keeps_line_breaks_and_drops_every_other_control_character():
    assert clean_text("a\r\nb\rc\x0bd\ne") == "a\nb\nc\nd\ne"
    dropped = [c for c in CONTROLS if c not in "\t\r\x0b\x0c"]
    assert clean_text("".join(dropped) + "\tx") == " x"  # the tab is a space
    for char in CONTROLS:
        assert char not in clean_text(f"a{char}b")


@pytest.mark.parametrize("fast", [True, False])
def test_hostile_titles_round_trip_through_python_icalendar(fast):
    data = _calendar_bytes(_hostile_bookings(), fast=fast)
    assert rfc_problems(data) == []
    assert b"\\N" not in data.replace(b"\\\\N", b"")  # never an upper-case break
    events = {str(e["UID"]): e for e in Calendar.from_ical(data).walk("VEVENT")}
    for i, (_, expected) in enumerate(HOSTILE):
        event = events[f"booking-{i + 1}@rezervasyon.example.org"]
        assert str(event["SUMMARY"]) == f"{expected} — Çevre Gönüllüleri Derneği"
        description = str(event["DESCRIPTION"])
        assert description.startswith(f"{expected}\nikinci satır\nüçüncü\ndördüncü\n")
    # NAME is written escaped exactly (parsers keep it as "unknown" text).
    assert b"\r\nNAME:Ad\\\\N\\, soyad\\;\r\n" in data


def test_no_control_character_reaches_the_feed_bytes():
    data = _calendar_bytes(_hostile_bookings(), fast=True)
    body = data.replace(b"\r\n", b"")
    assert not [c for c in CONTROLS if c.encode() in body]


def test_both_writers_agree_on_hostile_text_byte_for_byte():
    bookings = _hostile_bookings()
    assert _calendar_bytes(bookings, fast=True) == _calendar_bytes(bookings, fast=False)


def test_hostile_titles_round_trip_through_recurring_ical_events():
    data = _calendar_bytes(_hostile_bookings(), fast=True)
    found = expand(data, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC))
    summaries = sorted(str(e["SUMMARY"]) for e in found)
    assert summaries == sorted(f"{expected} — Çevre Gönüllüleri Derneği"
                               for _, expected in HOSTILE)


def test_hostile_titles_round_trip_through_icaljs():
    data = _calendar_bytes(_hostile_bookings(), fast=True)
    parsed = icaljs(data)
    by_uid = {e["uid"]: e for e in parsed["events"]}
    for i, (_, expected) in enumerate(HOSTILE):
        event = by_uid[f"booking-{i + 1}@rezervasyon.example.org"]
        assert event["summary"] == f"{expected} — Çevre Gönüllüleri Derneği"
        assert event["description"].startswith(f"{expected}\nikinci satır\nüçüncü\n")
