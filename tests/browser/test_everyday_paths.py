"""Everyday paths in headless Chromium (SPEC §11, issue 17): the room picker's
search (Turkish case folding, a live count, arrows and Enter), the same
grouped select without JavaScript, and the phone menu at 390 px: a real
button whose aria-expanded flips, Escape closes it and returns the focus;
without JavaScript the menu shows stacked; no page scrolls sideways; the
desktop header is unchanged. Screenshots: room-picker, phone-menu, phone-request."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from booking.models import Center, Room
from tests.support.browser import Live, assert_accessible, screenshot, sign_in
from tests.support.factories import PASSWORD, make_room
from tests.support.scene import Scene
from tests.support.web import ahead, database, scene_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def scene(live: Live) -> Scene:
    scene = scene_for(live.app)
    with database(live.app) as session:
        bornova = session.scalar(select(Center).where(Center.name == "Bornova Sivil Toplum Merkezi"))
        make_room(session, bornova, name="Yamaç Odası", capacity=8)
        make_room(session, bornova, name="Işıklı Salon", capacity=30)
        session.commit()
    return scene


def _room_id(live: Live, name: str) -> str:
    with database(live.app) as session:
        return str(session.scalar(select(Room.id).where(Room.name == name)))


def _matching(page: Page) -> list[str]:
    """The rooms the select lists now (the empty first option left out)."""
    return page.locator("#room_id option:not([value=''])").evaluate_all(
        "options => options.map(o => o.textContent)")


def _overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_the_room_picker_filters_as_one_types_and_picks_by_keyboard(
        page: Page, live: Live, scene: Scene) -> None:
    sign_in(page, scene.member.email, PASSWORD)
    page.goto("/bookings/new")
    select_box = page.get_by_label("Salon", exact=True)
    expect(select_box).to_have_value("")  # no room chosen for the person
    assert len(_matching(page)) == 6
    search = page.get_by_label("Salon ara")
    search.press_sequentially("yama")
    assert _matching(page) == ["Yamaç Odası (8 kişi, onay gerekir)"]
    expect(page.locator(".room-picker-status")).to_have_text("1 salon eşleşiyor.")
    search.press("ArrowDown")
    expect(select_box).to_have_value(_room_id(live, "Yamaç Odası"))
    search.press("Enter")  # picks; does not send the form
    expect(page.locator(".room-picker-status")).to_have_text(
        "Seçilen salon: Bornova Sivil Toplum Merkezi — Yamaç Odası (8 kişi, onay gerekir)")
    expect(page.locator(".alert-error")).to_have_count(0)
    screenshot(page, "room-picker", full_page=False)
    # Turkish case rules: "IŞIK" finds "Işıklı", "SALON" the halls, the center's name its rooms.
    search.fill("")
    search.press_sequentially("IŞIK")
    assert "Işıklı Salon (30 kişi, onay gerekir)" in _matching(page)
    assert "Atölye (12 kişi, onay gerekir)" not in _matching(page)
    search.fill("")
    search.press_sequentially("bornova")
    expect(page.locator(".room-picker-status")).to_have_text("2 salon eşleşiyor.")
    search.fill("")
    search.press_sequentially("ışık")
    assert "Işıklı Salon (30 kişi, onay gerekir)" in _matching(page)
    search.fill("")
    search.press_sequentially("işık")  # dotted i is another letter than I's ı
    assert "Işıklı Salon (30 kişi, onay gerekir)" not in _matching(page)
    search.fill("")
    search.press_sequentially("zzz")
    expect(page.locator(".room-picker-status")).to_have_text("Eşleşen salon yok.")
    expect(select_box).to_have_value(_room_id(live, "Yamaç Odası"))  # the choice stays
    search.fill("")
    assert_accessible(page)


def test_without_javascript_the_grouped_select_works_alone(browser: Browser, live: Live,
                                                           scene: Scene) -> None:
    context = browser.new_context(base_url=live.url, locale="tr-TR", java_script_enabled=False,
                                  viewport=PHONE)
    try:
        page = context.new_page()
        sign_in(page, scene.member.email, PASSWORD)
        page.goto("/bookings/new")
        expect(page.get_by_label("Salon ara")).to_have_count(0)
        assert page.locator("#room_id optgroup").evaluate_all("gs => gs.map(g => g.label)") == [
            "Bornova Sivil Toplum Merkezi", "Üsküdar Sivil Toplum Merkezi"]
        # The menu shows stacked, every entry visible; the button needs the script.
        expect(page.get_by_role("button", name="Menü")).to_be_hidden()
        nav = page.get_by_role("navigation", name="Ana menü")
        expect(nav.get_by_role("link", name="Rezervasyonlarımız")).to_be_visible()
        assert _overflow(page) <= 0
    finally:
        context.close()


@pytest.fixture
def phone(page: Page) -> Iterator[Page]:
    page.set_viewport_size(PHONE)
    yield page


def test_the_phone_menu_opens_and_closes_by_keyboard(phone: Page, live: Live,
                                                     scene: Scene) -> None:
    sign_in(phone, scene.member.email, PASSWORD)
    phone.goto(f"/bookings/new?room_id={scene.room.id}")
    button = phone.get_by_role("button", name="Menü")
    nav = phone.get_by_role("navigation", name="Ana menü")
    entry = nav.get_by_role("link", name="Rezervasyonlarımız")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "site-menu")
    expect(entry).to_be_hidden()
    assert _overflow(phone) <= 0
    screenshot(phone, "phone-request", full_page=False)
    # By keyboard: the skip link, the site's name, then the menu button.
    for _ in range(3):
        phone.keyboard.press("Tab")
        if button.evaluate("b => b === document.activeElement"):
            break
    expect(button).to_be_focused()
    phone.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(entry).to_be_visible()
    assert _overflow(phone) <= 0
    screenshot(phone, "phone-menu", full_page=False)
    assert_accessible(phone)
    phone.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Merkezler ve salonlar")).to_be_focused()
    phone.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(entry).to_be_hidden()
    phone.keyboard.press("Space")
    expect(button).to_have_attribute("aria-expanded", "true")
    phone.keyboard.press("Space")
    expect(button).to_have_attribute("aria-expanded", "false")


PAGES = ["/", "/centers", "/bookings/new", "/bookings", "/profile",
         "/rooms/{room}?week={week}", "/ara?date={week}&any_time=y&minutes=60&attendees=5"]


@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways_at_390_px_with_the_menu_open(phone: Page, live: Live,
                                                               scene: Scene, path: str) -> None:
    sign_in(phone, scene.member.email, PASSWORD)
    phone.goto(path.format(room=scene.room.id, week=ahead(3, 0).date().isoformat()))
    assert _overflow(phone) <= 0
    phone.get_by_role("button", name="Menü").click()
    expect(phone.get_by_role("button", name="Menü")).to_have_attribute("aria-expanded", "true")
    assert _overflow(phone) <= 0


def test_the_desktop_header_has_no_menu_button(page: Page, live: Live, scene: Scene) -> None:
    sign_in(page, scene.member.email, PASSWORD)
    expect(page.get_by_role("button", name="Menü")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Ana menü")
    expect(nav.get_by_role("link", name="Rezervasyonlarımız")).to_be_visible()
    page.keyboard.press("Escape")  # nothing to close: the menu stays
    expect(nav.get_by_role("link", name="Rezervasyonlarımız")).to_be_visible()
