"""booking/calendar/itip.py: one booking in, one iTIP message out (no database),
read by python icalendar and by ical.js (tests/js/parse_itip.mjs)."""
from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from booking.calendar import itip
from booking.calendar.ical import booking_uid
from booking.models import BookingStatus
from tests.calendar.test_ical import BASE, _booking, _scene
from tests.support.paths import ROOT

CENTER = itip.Party("rezervasyon@merkez.example.org", "Kadıköy Sivil Toplum Merkezi")
PERSON = itip.Party("ayse@example.org", 'Ayşe "Ayşo" Yılmaz\x07')


def _message(method: str, **values) -> bytes:
    room, org, _ = _scene()
    booking = _booking(room, org, datetime(2026, 3, 2, 18, 0), **values)
    calendar = itip.invitation(booking, method, organizer=CENTER, attendee=PERSON,
                               base_url=BASE, language="tr")
    return calendar.to_ical()


def _icaljs(data: bytes) -> dict:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "ical.js").is_dir():
        pytest.skip("node or node_modules/ical.js missing: run `npm ci`")
    result = subprocess.run([node, str(ROOT / "tests/js/parse_itip.mjs")], input=data,
                            capture_output=True, check=False, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def test_a_request_names_the_center_as_organizer_and_the_requester_as_accepted_attendee():
    data = _message(itip.REQUEST, sequence=3, title="C:\\New, sınıf; 🎉")
    calendar = Calendar.from_ical(data)
    assert str(calendar["METHOD"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == booking_uid(10, "rezervasyon.example.org")
    assert event.decoded("SEQUENCE") == 3
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "C:\\New, sınıf; 🎉 — Çevre Gönüllüleri Derneği"
    assert str(event["ORGANIZER"]) == "mailto:rezervasyon@merkez.example.org"
    assert event["ORGANIZER"].params["CN"] == "Kadıköy Sivil Toplum Merkezi"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:ayse@example.org"
    assert dict(attendee.params) == {"CN": "Ayşe 'Ayşo' Yılmaz", "CUTYPE": "INDIVIDUAL",
                                     "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "ACCEPTED",
                                     "RSVP": "FALSE"}
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Istanbul"]
    assert "X-WR-CALNAME" not in calendar and "REFRESH-INTERVAL" not in calendar


def test_icaljs_reads_the_request_as_thunderbird_would():
    seen = _icaljs(_message(itip.REQUEST, sequence=1, title="Ters\\N eğik"))
    assert seen["method"] == "REQUEST"
    [event] = seen["events"]
    assert event["uid"] == "booking-10@rezervasyon.example.org"
    assert event["sequence"] == 1 and event["status"] == "CONFIRMED"
    assert event["summary"] == "Ters\\N eğik — Çevre Gönüllüleri Derneği"
    assert (event["zone"], event["start_utc"]) == ("Europe/Istanbul", "2026-03-02T15:00:00.000Z")
    assert event["organizer"]["value"] == "mailto:rezervasyon@merkez.example.org"
    assert event["organizer"]["cn"] == "Kadıköy Sivil Toplum Merkezi"
    [attendee] = event["attendees"]
    assert (attendee["value"], attendee["partstat"], attendee["rsvp"], attendee["cn"]) == (
        "mailto:ayse@example.org", "ACCEPTED", "FALSE", "Ayşe 'Ayşo' Yılmaz")


@pytest.mark.parametrize("status", list(BookingStatus))
def test_a_cancel_is_cancelled_and_transparent_whatever_the_bookings_status(status):
    data = _message(itip.CANCEL, sequence=4, status=status)
    calendar = Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "CANCEL"
    assert (str(event["STATUS"]), str(event["TRANSP"])) == ("CANCELLED", "TRANSPARENT")
    assert event.decoded("SEQUENCE") == 4
    assert _icaljs(data)["events"][0]["status"] == "CANCELLED"


def test_request_and_cancellation_are_the_two_methods_and_nothing_else_is():
    room, org, _ = _scene()
    booking = _booking(room, org, datetime(2026, 3, 2, 18, 0))
    made = [itip.request(booking, organizer=CENTER, attendee=PERSON, base_url=BASE),
            itip.cancellation(booking, organizer=CENTER, attendee=PERSON, base_url=BASE)]
    assert [str(c["METHOD"]) for c in made] == ["REQUEST", "CANCEL"]
    with pytest.raises(ValueError, match="method"):
        itip.invitation(booking, "PUBLISH", organizer=CENTER, attendee=PERSON, base_url=BASE)


def test_two_renders_are_byte_identical_and_the_stamp_is_the_bookings_change():
    assert _message(itip.REQUEST) == _message(itip.REQUEST)
    [event] = Calendar.from_ical(_message(itip.REQUEST)).walk("VEVENT")
    assert event.decoded("DTSTAMP") == datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
