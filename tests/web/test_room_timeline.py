"""The room week and the center day as blocks on a time axis (SPEC §11): each
block sits at its real minutes (the classes and data the server wrote), says
what it is in words, and each free gap links to the request form."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from booking.models import BookingStatus, Closure, Room
from booking.web.timeline_css import PATH, grid_css
from tests.support.factories import make_booking, make_center, make_room
from tests.support.scene import Scene
from tests.support.web import ahead, approved_booking, database, login, scene_for


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_for(app)


def _html(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return unescape(response.get_data(as_text=True))


def _column(html: str, heading_id: str) -> str:
    match = re.search(rf'<section class="tl-col[^"]*" aria-labelledby="{heading_id}".*?</section>',
                      html, re.S)
    assert match, heading_id
    return match.group(0)


def _blocks(column: str) -> list[dict[str, str]]:
    """Each block of a column: its classes, data attributes and words."""
    found = []
    for classes, attrs, body in re.findall(r'<li class="(tl-block[^"]*)"([^>]*)>(.*?)</li>',
                                           column, re.S):
        item = dict(re.findall(r'data-([a-z]+)="([^"]*)"', attrs))
        item["class"] = classes
        item["text"] = " ".join(re.sub(r"<[^>]+>", " ", body).split())
        item["body"] = body
        found.append(item)
    return found


def _rows(html: str) -> tuple[str, int]:
    """The first label of the axis and the number of its rows."""
    axis = re.search(r'<div class="tl-col tl-axis".*?</ol>', html, re.S).group(0)
    first = re.search(r'<li class="tl-label tl-r-1 [^"]*">(\d\d:\d\d)</li>', axis).group(1)
    rows = int(re.search(r'tl-n-(\d+)', axis).group(1))
    return first, rows


def _room(app: Flask, scene: Scene, **values: object) -> None:
    with database(app) as session:
        room = session.get(Room, scene.room.id)
        for name, value in values.items():
            setattr(room, name, value)
        session.commit()


def _week(day) -> str:
    return day.date().isoformat()


def test_a_room_opening_at_08_30_starts_its_axis_and_its_day_at_08_30(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    _room(app, scene, opening_time=time(8, 30), closing_time=time(18, 0))
    day = ahead(7, 0)
    html = _html(client, f"/rooms/{scene.room.id}?week={_week(day)}")
    first, rows = _rows(html)
    assert first == "08:30" and rows == (18 * 60 - 8 * 60 - 30) // 5
    assert ">08:00<" not in html and "Kapalı 08:00" not in html
    blocks = _blocks(_column(html, f"day-{day.date().isoformat()}"))
    assert blocks[0]["start"] == "08:30" and "tl-r-1 " in blocks[0]["class"] + " "
    assert blocks[0]["text"] == "○ Boş 08:30–18:00"
    assert not any("tl-closure" in b["class"] for b in blocks)


def test_a_booking_block_starts_at_its_minute_and_spans_its_length(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    start = ahead(7, 10, 15)
    approved_booking(app, scene, start, 90, title="Kırk beş dakikalık iki oturum", is_public=True)
    html = _html(client, f"/rooms/{scene.room.id}?week={_week(start)}")
    assert _rows(html) == ("08:00", 14 * 12)
    blocks = _blocks(_column(html, f"day-{start.date().isoformat()}"))
    [booking] = [b for b in blocks if "tl-busy" in b["class"]]
    assert (booking["start"], booking["end"], booking["minutes"]) == ("10:15", "11:45", "90")
    # 08:00 is row 1; 10:15 is 135 minutes, 27 rows of 5 minutes, later: row 28, 18 rows.
    assert "tl-r-28 " in booking["class"] and booking["class"].endswith("tl-s-18")
    assert "Dolu: Kırk beş dakikalık iki oturum" in booking["text"]
    # The room keeps 15 minutes after each booking: the buffer, then the free time.
    [buffer] = [b for b in blocks if "tl-buffer" in b["class"]]
    assert (buffer["start"], buffer["end"]) == ("11:45", "12:00") and "hazırlık payı" in buffer["text"]
    free = [(b["start"], b["end"]) for b in blocks if "tl-free" in b["class"]]
    assert free == [("08:00", "10:00"), ("12:00", "22:00")]  # a booking needs its buffer before


def test_pending_approved_closure_and_past_are_told_apart_in_words(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    day = ahead(7, 0)
    with database(app) as session:
        room, org = session.merge(scene.room), session.merge(scene.org)
        make_booking(session, room, ahead(7, 9), 60, BookingStatus.APPROVED, organization=org,
                     title="Onaylı kurul")
        make_booking(session, room, ahead(7, 13), 60, BookingStatus.PENDING, organization=org,
                     title="Bekleyen atölye")
        session.add(Closure(center_id=scene.center.id, room_id=scene.room.id,
                            start_at=ahead(7, 16), end_at=ahead(7, 18), reason="Boya badana"))
        session.commit()
    login(client, scene.member)
    html = _html(client, f"/rooms/{scene.room.id}?week={_week(day)}")
    blocks = _blocks(_column(html, f"day-{day.date().isoformat()}"))
    texts = {b["class"].split()[1]: b["text"] for b in blocks}
    assert texts["tl-mine"] == "09:00–10:00 ★ Sizin: Onaylı kurul (Onaylandı)"
    assert texts["tl-pending"] == "13:00–14:00 ◐ Onay bekliyor: Bekleyen atölye"
    assert texts["tl-closure"] == "16:00–18:00 ✕ Kapalı: Boya badana"
    # A week that is over: each day says so, and a booking in it says it is past.
    past = ahead(-14, 9)
    with database(app) as session:
        make_booking(session, session.merge(scene.room), past, 60, BookingStatus.APPROVED,
                     organization=session.merge(scene.org), title="Geçen kurul")
        session.commit()
    html = _html(client, f"/rooms/{scene.room.id}?week={_week(past)}")
    blocks = _blocks(_column(html, f"day-{past.date().isoformat()}"))
    assert blocks[0]["text"].startswith("– Geçti") and "tl-past" in blocks[0]["class"]
    [ended] = [b for b in blocks if "tl-mine" in b["class"]]
    assert "tl-ended" in ended["class"] and ended["text"].endswith("· geçti")
    assert not any("tl-free" in b["class"] for b in blocks)
    assert "/bookings/new?" not in _column(html, f"day-{past.date().isoformat()}")


def test_a_free_gap_links_to_the_form_with_its_start_and_an_end_capped_at_the_longest_booking(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    start = ahead(7, 12, 30)
    approved_booking(app, scene, start, 60)
    _room(app, scene, max_duration_minutes=150)  # after: the booking's merge writes the scene's room
    login(client, scene.member)
    html = _html(client, f"/rooms/{scene.room.id}?week={_week(start)}")
    links = re.findall(r'<a class="tl-pick" href="([^"]+)"([^>]*)>(.*?)</a>',
                       _column(html, f"day-{start.date().isoformat()}"), re.S)
    found = []
    for href, attrs, body in links:
        query = parse_qs(urlsplit(href).query)
        found.append((" ".join(re.sub(r"<[^>]+>", " ", body).split()), query["date"][0],
                      query["start_time"][0], query["end_time"][0], query["room_id"][0]))
        data = dict(re.findall(r'data-([a-z]+)="([^"]*)"', attrs))
        assert (data["min"], data["max"], data["step"]) == ("30", "150", "15")
    day = start.date().isoformat()
    # The room keeps 15 minutes between bookings: the gaps end and start a buffer away.
    assert [f[1:] for f in found] == [(day, "08:00", "10:30", str(scene.room.id)),
                                      (day, "13:45", "16:15", str(scene.room.id))]
    assert found[0][0].startswith("○ Boş 08:00–12:15 — talep et: ")


def test_visitors_and_unverified_members_see_free_times_without_request_links(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    day = ahead(7, 0)
    for url in (f"/rooms/{scene.room.id}?week={_week(day)}", f"/centers/{scene.center.id}?date={_week(day)}"):
        html = _html(client, url)
        words = " ".join(re.sub(r"<[^>]+>", " ", html).split())
        assert "○ Boş 08:00–22:00" in words and "/bookings/new?" not in html
        assert "giriş yapın" in html and 'id="tl-live"' not in html


def test_free_time_beyond_the_advance_window_or_too_short_is_not_offered(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    day = ahead(10, 0)
    approved_booking(app, scene, ahead(3, 10), 60)
    approved_booking(app, scene, ahead(3, 11, 30), 60)
    _room(app, scene, max_advance_days=7, buffer_minutes=0, min_duration_minutes=60)
    login(client, scene.member)
    html = _html(client, f"/rooms/{scene.room.id}?week={_week(day)}")
    blocks = _blocks(_column(html, f"day-{day.date().isoformat()}"))
    assert [b["class"].split()[1] for b in blocks] == ["tl-ahead"]
    assert "en fazla 7 gün önceden talep edilir" in blocks[0]["text"]
    html = _html(client, f"/rooms/{scene.room.id}?week={_week(ahead(3, 0))}")
    blocks = _blocks(_column(html, f"day-{ahead(3, 0).date().isoformat()}"))
    [short] = [b for b in blocks if "tl-short" in b["class"]]
    assert (short["start"], short["end"]) == ("11:15", "11:30")  # after the first's buffer
    assert "en az 60 dakika gerekir" in short["text"] and "<a" not in short["body"]
    # Staff of the center may book beyond the window: they get the links.
    login(client, scene.staff)
    html = _html(client, f"/rooms/{scene.room.id}?week={_week(day)}")
    assert "tl-ahead" not in _column(html, f"day-{day.date().isoformat()}")


def test_the_center_day_has_a_column_per_room_at_its_own_hours(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    with database(app) as session:
        session.get(Room, scene.small_room.id).opening_time = time(9, 45)
        session.commit()
    day = ahead(7, 0)
    approved_booking(app, scene, ahead(7, 7, 10), 50, title="Erken kahvaltı", is_public=True)
    login(client, scene.member)
    html = _html(client, f"/centers/{scene.center.id}?date={_week(day)}")
    assert _rows(html)[0] == "07:10"  # widened to the booking staff made before the hours
    columns = re.findall(r'<section class="tl-col[^"]*" aria-labelledby="room-(\d+)"', html)
    assert len(columns) == 4 and str(scene.room.id) in columns
    small = _blocks(_column(html, f"room-{scene.small_room.id}"))
    assert small[0]["start"] == "09:45" and "tl-r-32 " in small[0]["class"]  # 155 min after 07:10
    assert "talep et: Atölye, " in small[0]["text"]
    room = _blocks(_column(html, f"room-{scene.room.id}"))
    assert room[0]["text"].startswith("07:10–08:00 ● Dolu: Erken kahvaltı")
    # The phone's first list: each room's free times, by name.
    first = re.search(r'<section class="tl-free-first".*?</section>', html, re.S).group(0)
    assert "<h4>Atölye</h4>" in first and "Boş 09:45–22:00" in first


def test_the_week_lists_the_chosen_days_free_times_first(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    day = ahead(9, 0)
    approved_booking(app, scene, ahead(9, 12), 60)
    html = _html(client, f"/rooms/{scene.room.id}?week={_week(day)}")
    first = re.search(r'<section class="tl-free-first".*?</section>', html, re.S).group(0)
    assert html.index("tl-free-first") < html.index("room-summary")
    items = [" ".join(re.sub(r"<[^>]+>", " ", li).split())
             for li in re.findall(r"<li>(.*?)</li>", first, re.S)]
    assert items == ["○ Boş 08:00–11:45", "○ Boş 13:15–22:00"]


def test_the_generated_placement_rules_are_up_to_date() -> None:
    assert PATH.read_text(encoding="utf-8") == grid_css()


def test_on_the_night_the_clocks_change_blocks_keep_their_wall_clock_minutes(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    """Berlin moves its clocks an hour forward on the last Sunday of March: a
    14:00 booking that day still sits at 14:00, not an hour off."""
    today = ahead(0, 0).date()
    sunday = date(today.year + (today.month > 3), 3, 31)
    while sunday.weekday() != 6:
        sunday -= timedelta(days=1)
    berlin = ZoneInfo("Europe/Berlin")
    with database(app) as session:
        center = make_center(session, name="Berlin Merkezi", timezone="Europe/Berlin")
        room = make_room(session, center, name="Berlin Salonu", max_advance_days=400)
        make_booking(session, room, datetime.combine(sunday, time(14), tzinfo=berlin), 60,
                     BookingStatus.APPROVED, organization=session.merge(scene.org),
                     title="Bahar toplantısı", is_public=True)
        session.commit()
        room_id = room.id
    html = _html(client, f"/rooms/{room_id}?week={sunday.isoformat()}")
    blocks = _blocks(_column(html, f"day-{sunday.isoformat()}"))
    [booking] = [b for b in blocks if "tl-busy" in b["class"]]
    assert (booking["start"], booking["minutes"]) == ("14:00", "60")
    assert "tl-r-73 " in booking["class"]  # 6 hours after 08:00, 72 rows
    free = [(b["start"], b["end"]) for b in blocks if "tl-free" in b["class"]]
    assert free == [("08:00", "14:00"), ("15:00", "22:00")]


def test_a_request_is_shown_only_to_its_organisation_and_titles_only_to_who_may_read_them(
        app: Flask, client: FlaskClient, scene: Scene) -> None:
    day = ahead(7, 0)
    with database(app) as session:
        room, org = session.merge(scene.room), session.merge(scene.org)
        make_booking(session, room, ahead(7, 9), 60, BookingStatus.PENDING, organization=org,
                     title="Bekleyen talep")
        make_booking(session, room, ahead(7, 15), 60, BookingStatus.APPROVED, organization=org,
                     title="Kapalı kapı toplantısı", is_public=False)
        session.commit()
    column = f"day-{day.date().isoformat()}"
    url = f"/rooms/{scene.room.id}?week={_week(day)}"
    seen = {}
    for who in (None, scene.other_member, scene.member, scene.staff, scene.other_staff):
        if who is not None:
            login(client, who)
        blocks = _blocks(_column(_html(client, url), column))
        seen[who.email if who else "anonymous"] = [b["text"] for b in blocks
                                                   if "tl-free" not in b["class"]]
    assert seen["anonymous"] == seen[scene.other_staff.email] == [
        "15:00–16:00 ● Dolu", "16:00–16:15 · hazırlık payı"]
    # Another organisation's member may wait for the taken hour (SPEC §8, the waitlist).
    [taken, buffer] = seen[scene.other_member.email]
    assert taken.startswith("15:00–16:00 ● Dolu Sıraya gir") and buffer == "16:00–16:15 · hazırlık payı"
    assert seen[scene.member.email] == [
        "09:00–10:00 ◐ Onay bekliyor: Bekleyen talep",
        "15:00–16:00 ★ Sizin: Kapalı kapı toplantısı (Onaylandı)", "16:00–16:15 · hazırlık payı"]
    assert seen[scene.staff.email] == [
        "15:00–16:00 ● Dolu: Kapalı kapı toplantısı (Onaylandı)", "16:00–16:15 · hazırlık payı"]


def test_what_lies_outside_the_axis_adds_no_row(app: Flask, client: FlaskClient,
                                               scene: Scene) -> None:
    """A buffer after a booking that ends at closing time, and the night before
    opening (a closure of several days), stay off the axis instead of growing it."""
    weekday = ahead(7, 0).weekday()  # three days in one week, whatever today is:
    first_day = 7 + (7 - weekday if weekday > 4 else 0)  # a Saturday would split them
    approved_booking(app, scene, ahead(first_day, 21), 60)
    with database(app) as session:
        session.add(Closure(center_id=scene.center.id, room_id=scene.room.id,
                            start_at=ahead(first_day + 1, 20), end_at=ahead(first_day + 2, 9),
                            reason="Tadilat"))
        session.commit()
    html = _html(client, f"/rooms/{scene.room.id}?week={_week(ahead(first_day, 0))}")
    first, rows = _rows(html)
    assert (first, rows) == ("08:00", 168)
    for day in (ahead(first_day, 0), ahead(first_day + 1, 0), ahead(first_day + 2, 0)):
        for block in _blocks(_column(html, f"day-{day.date().isoformat()}")):
            start = int(re.search(r"tl-r-(\d+)", block["class"]).group(1))
            span = int(re.search(r"tl-s-(\d+)", block["class"]).group(1))
            assert start + span - 1 <= rows, block
    def column_texts(day: int) -> list[str]:
        return [b["text"] for b in _blocks(_column(html, f"day-{ahead(day, 0).date().isoformat()}"))]

    texts = column_texts(first_day)
    assert texts[-1] == "21:00–22:00 ● Dolu"  # its buffer, 22:00–22:15, is after closing
    texts = column_texts(first_day + 2)
    assert texts[0] == "00:00–09:00 ✕ Kapalı: Tadilat" and texts[1] == "○ Boş 09:00–22:00"
