"""Free/busy (SPEC §12): `/rooms/<id>/freebusy.ics` and `/centers/<id>/freebusy.ics`
say when rooms are taken — approved bookings and their buffers BUSY, closures
BUSY-UNAVAILABLE — and nothing else: no title, organisation or person. Read by
python icalendar and Mozilla's ical.js, they match the JSON availability."""
from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from booking.models import BookingStatus, Closure
from tests.support.factories import make_booking, make_center, make_organization, make_room

IST = ZoneInfo("Europe/Istanbul")
ROOT = Path(__file__).resolve().parents[2]
SECRET_TITLE = "Gizli Strateji Toplantısı"
SECRET_ORG = "Gizemli Dernek"


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"FREEBUSY_DAYS": 30}


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = datetime.now(IST).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=IST).astimezone(UTC)


def _scene(session):
    center = make_center(session, name="Karşıyaka Merkezi")
    room = make_room(session, center, name="Büyük Salon", buffer_minutes=15)
    other = make_room(session, center, name="Atölye")
    make_room(session, center, name="Kapalı Oda", is_active=False)
    org = make_organization(session, name=SECRET_ORG)
    approved = make_booking(session, room, _at(2, 10), 120, BookingStatus.APPROVED,
                            organization=org, title=SECRET_TITLE, is_public=True)
    make_booking(session, room, _at(3, 10), 60, BookingStatus.PENDING, organization=org)
    make_booking(session, room, _at(4, 10), 60, BookingStatus.CANCELLED, organization=org)
    make_booking(session, other, _at(5, 14), 90, BookingStatus.APPROVED, organization=org)
    session.add(Closure(center_id=center.id, room_id=room.id, start_at=_at(6, 8),
                        end_at=_at(6, 22), reason="Boya badana"))
    session.commit()
    return center, room, other, approved


def _periods(data: bytes) -> dict[str, list[tuple[datetime, datetime, str]]]:
    """UID → [(start, end, FBTYPE)] as python icalendar reads them."""
    found = {}
    for component in Calendar.from_ical(data).walk("VFREEBUSY"):
        values = component.get("FREEBUSY", [])
        values = values if isinstance(values, list) else [values]
        found[str(component["UID"])] = [
            (v.dt[0], v.dt[1], v.params["FBTYPE"]) for v in values]
    return found


def test_a_rooms_free_busy_has_bookings_buffers_and_closures_and_nothing_personal(
        client, session):
    _, room, _, _ = _scene(session)
    response = client.get(f"/rooms/{room.id}/freebusy.ics")
    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    assert _periods(response.data) == {f"room-{room.id}-freebusy@localhost": [
        (_at(2, 10), _at(2, 12), "BUSY"),
        (_at(2, 12), _at(2, 12, 15), "BUSY"),  # the buffer
        (_at(6, 8), _at(6, 22), "BUSY-UNAVAILABLE"),
    ]}
    text = response.data.decode()
    for personal in (SECRET_TITLE, SECRET_ORG, "Boya badana", "SUMMARY", "ORGANIZER",
                     "ATTENDEE", "user"):
        assert personal not in text


def test_a_centers_free_busy_has_one_component_per_active_room(client, session):
    center, room, other, _ = _scene(session)
    found = _periods(client.get(f"/centers/{center.id}/freebusy.ics").data)
    assert set(found) == {f"room-{room.id}-freebusy@localhost",
                          f"room-{other.id}-freebusy@localhost"}
    assert found[f"room-{other.id}-freebusy@localhost"] == [
        (_at(5, 14), _at(5, 15, 30), "BUSY")]


def test_free_busy_matches_the_json_availability_of_the_same_window(client, session):
    _, room, _, _ = _scene(session)
    data = client.get(f"/rooms/{room.id}/freebusy.ics").data
    [component] = Calendar.from_ical(data).walk("VFREEBUSY")
    start, end = component["DTSTART"].dt, component["DTEND"].dt
    assert end - start == timedelta(days=30)
    assert start == datetime.combine(datetime.now(IST).date(), time(), IST)
    query = {"from": start.isoformat(), "to": end.isoformat()}
    busy = client.get(f"/api/v1/rooms/{room.id}/availability", query_string=query).get_json()
    kinds = {"booking": "BUSY", "buffer": "BUSY", "closure": "BUSY-UNAVAILABLE"}
    expected = [(datetime.fromisoformat(b["start"]), datetime.fromisoformat(b["end"]),
                 kinds[b["kind"]]) for b in busy["busy"]]
    assert next(iter(_periods(data).values())) == sorted(expected)


def test_ical_js_reads_the_same_periods(client, session):
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "ical.js").is_dir():
        pytest.fail("node or node_modules/ical.js missing: run `make install-test`")
    center, room, _, _ = _scene(session)
    data = client.get(f"/centers/{center.id}/freebusy.ics").data
    result = subprocess.run([node, str(ROOT / "tests/js/parse_freebusy.mjs")], input=data,
                            capture_output=True, check=True, timeout=60)
    read = json.loads(result.stdout)
    assert read["method"] == "PUBLISH"
    by_uid = {c["uid"]: c for c in read["components"]}
    mine = by_uid[f"room-{room.id}-freebusy@localhost"]
    assert mine["comment"] == "Büyük Salon · Karşıyaka Merkezi"
    assert [(p["start"], p["fbtype"]) for p in mine["periods"]] == [
        (_at(2, 10).isoformat().replace("+00:00", ".000Z"), "BUSY"),
        (_at(2, 12).isoformat().replace("+00:00", ".000Z"), "BUSY"),
        (_at(6, 8).isoformat().replace("+00:00", ".000Z"), "BUSY-UNAVAILABLE"),
    ]
    allowed = {"uid", "dtstamp", "dtstart", "dtend", "url", "comment", "freebusy"}
    assert set(mine["properties"]) <= allowed


def test_an_unchanged_answer_is_304_and_a_new_booking_changes_the_etag(client, session):
    _, room, _, _ = _scene(session)
    first = client.get(f"/rooms/{room.id}/freebusy.ics")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=300"
    again = client.get(f"/rooms/{room.id}/freebusy.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    make_booking(session, room, _at(8, 16), 60, BookingStatus.APPROVED)
    session.commit()
    changed = client.get(f"/rooms/{room.id}/freebusy.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_a_window_longer_than_the_availability_range_is_read_in_pieces(app, client, session):
    app.config["FREEBUSY_DAYS"] = 90
    _, room, _, _ = _scene(session)
    far = make_booking(session, room, _at(80, 9), 60, BookingStatus.APPROVED)
    session.commit()
    periods = next(iter(_periods(client.get(f"/rooms/{room.id}/freebusy.ics").data).values()))
    assert (far.start_at, far.end_at, "BUSY") in periods
    assert len(periods) == len(set(periods))


def test_unknown_and_inactive_rooms_and_centers_are_404(client, session):
    center = make_center(session, is_active=False)
    room = make_room(session, center)
    hidden = make_room(session, make_center(session), is_active=False)
    session.commit()
    for path in (f"/rooms/{room.id}/freebusy.ics", f"/rooms/{hidden.id}/freebusy.ics",
                 f"/centers/{center.id}/freebusy.ics", "/rooms/999999/freebusy.ics",
                 "/centers/999999/freebusy.ics"):
        assert client.get(path).status_code == 404, path
