"""Titles are single-line through the API as in the web forms (issue 16): line
breaks and tabs become one space, a title of nothing but them is a field error
(problem+json 422), any other control character is refused the same way, and
what is stored reaches the feeds without a control character."""
from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar

from booking.models import BookingStatus as S
from tests.support.api import assert_problem, at, booking_row, iso


def _payload(scene, title, days=3):
    start = at(days, 10)
    return {"room_id": scene.room.id, "title": title, "start": iso(start),
            "end": iso(start + timedelta(hours=2)), "expected_attendees": 20}


def test_line_breaks_in_a_title_become_one_space_on_create_and_change(api, scene, session):
    created = api.post("/bookings", scene.staff, json=_payload(
        scene, "Birinci\r\nİkinci\n\tsatır\rson\x0bek"))
    body = created.get_json()
    assert created.status_code == 201, body
    assert body["title"] == "Birinci İkinci satır son ek"
    booking = booking_row(session, scene.room, 5, 10, status=S.APPROVED,
                          organization=scene.org, created_by=scene.member)
    changed = api.patch(f"/bookings/{booking.id}", scene.member,
                        json={"title": "Yeni\r\nbaşlık"})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["title"] == "Yeni başlık"
    feed = api.client.get(f"/rooms/{scene.room.id}/calendar.ics")
    assert feed.status_code == 200
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(feed.data).walk("VEVENT")]
    assert summaries and all("\n" not in s and "\r" not in s for s in summaries)


def test_a_title_of_only_line_breaks_is_a_field_error(api, scene):
    body = assert_problem(api.post("/bookings", scene.member, json=_payload(scene, "\r\n\t\n")),
                          422)
    assert [error["field"] for error in body["errors"]] == ["title"], body


@pytest.mark.parametrize("char", ["\x01", "\x07", "\x1b", "\x7f"])
def test_a_control_character_in_a_title_is_a_field_error_on_create_and_change(
    api, scene, session, char
):
    message = "Başlık görünmeyen denetim karakterleri içeremez."
    body = assert_problem(api.post("/bookings", scene.member,
                                   json=_payload(scene, f"Zil{char} sesi")), 422)
    assert [(e["field"], e["message"]) for e in body["errors"]] == [("title", message)], body
    booking = booking_row(session, scene.room, 5, 10, status=S.APPROVED,
                          organization=scene.org, created_by=scene.member)
    body = assert_problem(api.patch(f"/bookings/{booking.id}", scene.member,
                                    json={"title": f"Yeni{char}"}), 422)
    assert [e["field"] for e in body["errors"]] == ["title"], body
