"""The time axis in real Chromium (SPEC §11): a start and a length picked by
keyboard and by mouse land on the request form; a phone's first screen shows
the day's free times; nothing is clipped at 1280 or 390 px; axe finds no
serious or critical violation on the room week or the center day."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from booking.models import BookingStatus, Closure
from tests.support.browser import Live, assert_accessible, screenshot, sign_in
from tests.support.factories import PASSWORD, make_booking, make_room
from tests.support.scene import Scene
from tests.support.web import ahead, database, page_day, scene_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _weekday(days: int, hour: int = 0, minute: int = 0) -> datetime:
    start = ahead(days, hour, minute)
    while start.weekday() >= 5:
        start += timedelta(days=1)
    return start


@pytest.fixture
def scene(live: Live) -> Scene:
    """The scene, a morning booking on the chosen day (so its free gap starts
    at 10:00, after the 15-minute buffer), and more rooms than 1280 px hold."""
    scene = scene_for(live.app)
    day = _weekday(6)
    with database(live.app) as session:
        room, org, other = (session.merge(scene.room), session.merge(scene.org),
                            session.merge(scene.other_org))
        make_booking(session, room, day.replace(hour=8), 105, BookingStatus.APPROVED,
                     organization=other, title="Sabah kurulu", is_public=True)
        make_booking(session, room, day.replace(hour=12, minute=0) + timedelta(days=1), 90,
                     BookingStatus.APPROVED, organization=org, title="Gönüllü eğitimi")
        make_booking(session, room, day.replace(hour=17) + timedelta(days=1), 60,
                     BookingStatus.PENDING, organization=org, title="Basın toplantısı")
        session.add(Closure(center_id=scene.center.id, room_id=scene.room.id,
                            start_at=day.replace(hour=14) + timedelta(days=2),
                            end_at=day.replace(hour=18) + timedelta(days=2), reason="Bakım"))
        center = session.merge(scene.center)
        for name in ("Bahçe Odası", "Kütüphane", "Müzik Odası", "Resim Atölyesi", "Sinema Salonu",
                     "Yönetim Odası", "Zemin Kat Salonu"):
            make_room(session, center, name=name, capacity=25)
        session.commit()
    return scene


def _week(page: Page, scene: Scene, day: datetime) -> None:
    page.goto(f"/rooms/{scene.room.id}?week={day.date().isoformat()}")


def test_a_start_and_length_picked_by_keyboard_open_the_filled_in_form(
        page: Page, live: Live, scene: Scene) -> None:
    day = _weekday(6)
    sign_in(page, scene.member.email, PASSWORD)
    _week(page, scene, day)
    gap = page.locator("#day-" + day.date().isoformat()).locator("xpath=..") \
        .get_by_role("link", name=re.compile(r"^Boş 10:00–22:00 — talep et: "))
    gap.focus()
    weekday = page_day(live.app, day.date(), "EEEE")
    live_region = page.locator("#tl-live")
    expect(live_region).to_have_text(f"{weekday} 10:00–11:00 seçildi")
    for _ in range(16):  # four hours, a quarter at a time
        page.keyboard.press("ArrowDown")
    expect(live_region).to_have_text(f"{weekday} 14:00–15:00 seçildi")
    for _ in range(5):
        page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+ArrowUp")
    expect(live_region).to_have_text(f"{weekday} 14:00–16:00 seçildi")
    # The choice is drawn inside the gap (4 of its 12 hours down, 2 long).
    mark = gap.locator("xpath=..").locator(".tl-selection")
    expect(mark).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Tarih", exact=True)).to_have_value(day.date().isoformat())
    expect(page.get_by_label("Başlangıç saati", exact=True)).to_have_value("14:00")
    expect(page.get_by_label("Bitiş saati", exact=True)).to_have_value("16:00")
    expect(page.get_by_label("Salon", exact=True)).to_have_value(str(scene.room.id))


def test_the_keyboard_keeps_a_choice_inside_the_gap_and_the_rooms_lengths(
        page: Page, live: Live, scene: Scene) -> None:
    day = _weekday(6)
    sign_in(page, scene.member.email, PASSWORD)
    _week(page, scene, day)
    weekday = page_day(live.app, day.date(), "EEEE")
    page.locator("#day-" + day.date().isoformat()).locator("xpath=..") \
        .get_by_role("link", name=re.compile(r"^Boş 10:00–22:00")).focus()
    page.keyboard.press("ArrowUp")  # the gap starts at 10:00 (after the buffer)
    for _ in range(3):
        page.keyboard.press("Shift+ArrowUp")  # not below the 30-minute minimum
    expect(page.locator("#tl-live")).to_have_text(f"{weekday} 10:00–10:30 seçildi")
    for _ in range(60):
        page.keyboard.press("ArrowDown")  # not past closing time
    expect(page.locator("#tl-live")).to_have_text(f"{weekday} 21:30–22:00 seçildi")
    for _ in range(4):
        page.keyboard.press("Shift+ArrowDown")
    expect(page.locator("#tl-live")).to_have_text(f"{weekday} 21:30–22:00 seçildi")


def test_a_start_and_length_dragged_with_the_mouse_open_the_filled_in_form(
        page: Page, live: Live, scene: Scene) -> None:
    day = _weekday(6) + timedelta(days=3)  # a day with nothing booked: 08:00–22:00 free
    sign_in(page, scene.member.email, PASSWORD)
    _week(page, scene, day)
    gap = page.locator("#day-" + day.date().isoformat()).locator("xpath=..") \
        .get_by_role("link", name=re.compile(r"^Boş 08:00–22:00"))
    gap.scroll_into_view_if_needed()
    box = gap.locator("xpath=..").bounding_box()
    assert box

    def y(minute: int) -> float:
        return box["y"] + (minute - 8 * 60) / (14 * 60) * box["height"]

    x = box["x"] + box["width"] / 2
    page.mouse.move(x, y(14 * 60 + 4))
    page.mouse.down()
    for minute in range(14 * 60 + 20, 16 * 60 + 1, 20):
        page.mouse.move(x, y(minute))
    page.mouse.up()
    expect(page.get_by_label("Başlangıç saati", exact=True)).to_have_value("14:00")
    expect(page.get_by_label("Bitiş saati", exact=True)).to_have_value("16:00")
    expect(page.get_by_label("Tarih", exact=True)).to_have_value(day.date().isoformat())


def _no_page_overflow(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls {overflow}px sideways"


def _last_column_reachable(page: Page) -> None:
    """The last column scrolls into view inside its region, whole."""
    last = page.locator(".tl-grid > .tl-col").last
    last.scroll_into_view_if_needed()
    region = page.locator(".tl-scroll").bounding_box()
    column = last.bounding_box()
    assert region and column
    assert column["x"] >= region["x"] - 1
    assert column["x"] + column["width"] <= region["x"] + region["width"] + 1
    # The hour labels stay beside it (the axis is sticky).
    axis = page.locator(".tl-axis").bounding_box()
    assert axis and abs(axis["x"] - region["x"]) <= 2


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "390"])
def test_neither_page_is_clipped_and_both_pass_axe(page: Page, live: Live, scene: Scene,
                                                   viewport: dict[str, int]) -> None:
    day = _weekday(6)
    page.set_viewport_size(viewport)
    for signed_in in (False, True):
        if signed_in:
            sign_in(page, scene.member.email, PASSWORD)
        for url in (f"/rooms/{scene.room.id}?week={day.date().isoformat()}",
                    f"/centers/{scene.center.id}?date={day.date().isoformat()}"):
            page.goto(url)
            _no_page_overflow(page)
            _last_column_reachable(page)
            assert_accessible(page)
    # Eleven rooms do not fit in 1280 px: the day scrolls in its own region;
    # the week's seven days do, whole.
    assert page.locator(".tl-grid > .tl-col").count() == 12
    scrolls = ("(() => { const r = document.querySelector('.tl-scroll');"
               " return r.scrollWidth > r.clientWidth; })()")
    assert page.evaluate(scrolls)
    page.goto(f"/rooms/{scene.room.id}?week={day.date().isoformat()}")
    assert page.evaluate(scrolls) is (viewport is PHONE)


def test_a_phones_first_screen_shows_the_days_free_times(page: Page, live: Live,
                                                         scene: Scene) -> None:
    day = _weekday(6)
    sign_in(page, scene.member.email, PASSWORD)
    page.set_viewport_size(PHONE)
    _week(page, scene, day)
    first = page.locator(".tl-free-first")
    expect(first.get_by_role("heading", level=2)).to_contain_text("boş zamanlar")
    link = first.get_by_role("link", name=re.compile(r"^Boş 10:00–22:00"))
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box and box["y"] + box["height"] <= 800, box
    screenshot(page, "phone-week", full_page=False)
    page.goto(f"/centers/{scene.center.id}?date={day.date().isoformat()}")
    first = page.locator(".tl-free-first")
    link = first.get_by_role("link").first
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box and box["y"] + box["height"] <= 800, box
    screenshot(page, "phone-center-day", full_page=False)
    # A wide screen shows the axis instead of the list.
    page.set_viewport_size(WIDE)
    expect(first).to_be_hidden()


def test_screenshots_of_the_week_and_the_day(page: Page, live: Live, scene: Scene) -> None:
    day = _weekday(6)
    sign_in(page, scene.member.email, PASSWORD)
    _week(page, scene, day)
    expect(page.locator("li.tl-mine")).to_contain_text("Gönüllü eğitimi")
    expect(page.locator("li.tl-pending")).to_contain_text("Onay bekliyor: Basın toplantısı")
    expect(page.locator("li.tl-closure")).to_contain_text("Kapalı: Bakım")
    screenshot(page, "room-week")
    page.goto(f"/centers/{scene.center.id}?date={day.date().isoformat()}")
    expect(page.locator("li.tl-busy").first).to_contain_text("Sabah kurulu")
    screenshot(page, "center-day")
