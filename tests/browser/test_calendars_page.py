"""The "Takvimlerim" page in headless Chromium: a member makes a personal
calendar link, finds its three ways (open in a calendar app, copy the https
address, download) by their accessible names, copies it, regenerates it, and
a colleague's link of the same organisation still works; axe finds no
serious or critical violation, at 1280 px and on a 390 px phone."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from booking.models import BookingStatus, Role, utcnow
from booking.services import feed_tokens
from tests.support.browser import Live, assert_accessible, screenshot, sign_in
from tests.support.factories import PASSWORD, make_booking, make_user
from tests.support.scene import Scene
from tests.support.web import ahead, database, scene_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]
MINE = "Kişisel takvimim"


@pytest.fixture
def scene(live: Live) -> Scene:
    return scene_for(live.app)


@pytest.fixture
def colleague_feed(live: Live, scene: Scene) -> str:
    """A colleague of the member, in the same organisation, with a personal link."""
    with database(live.app) as session:
        org = session.merge(scene.org)
        colleague = make_user(session, Role.MEMBER, org, name="Deniz Arslan")
        make_booking(session, session.merge(scene.big_room), ahead(2, 10), 90,
                     BookingStatus.APPROVED, org, title="Gönüllü eğitimi")
        token = feed_tokens.issue_personal(session, colleague, utcnow()).token
        session.commit()
    return f"/feeds/{token}.ics"


def _named(words: str, feed: str) -> re.Pattern[str]:
    """``words`` and the feed's name, as a screen reader hears them (the name is
    visually hidden text, so Chromium may put a space before its colon)."""
    return re.compile(rf"^{re.escape(words)} ?: {re.escape(feed)}$")


def _address(page: Page) -> str:
    return page.get_by_role("textbox", name=_named("Takvim adresi (https)", MINE)).input_value()


def test_a_member_makes_copies_and_regenerates_their_link_and_a_colleagues_still_works(
        page: Page, live: Live, scene: Scene, colleague_feed: str) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, scene.member.email, PASSWORD)
    page.locator("header nav").get_by_role("link", name="Takvimlerim").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Takvimlerim")
    page.get_by_role("button", name="Takvim bağlantısı oluştur").click()
    expect(page.locator(".flash-ok")).to_contain_text("Takvim bağlantınız hazır.")

    first = _address(page)
    assert first.startswith(f"{live.url}/feeds/") and first.endswith(".ics")
    webcal = page.get_by_role("link", name=_named("Takvim uygulamasında aç", MINE))
    expect(webcal).to_have_attribute("href", re.sub(r"^http://", "webcal://", first))
    download = page.get_by_role("link", name=_named("İndir (.ics)", MINE))
    expect(download).to_have_attribute("href", first + "?download=1")
    page.get_by_role("button", name=_named("Bağlantıyı kopyala", MINE)).click()
    expect(page.locator("#personal .copy-status")).to_have_text("Kopyalandı")
    assert page.evaluate("navigator.clipboard.readText()") == first
    # The room the organisation uses, three ways too.
    room = f"{scene.big_room.name} — {scene.center.name}"
    expect(page.get_by_role("link", name=_named("Takvim uygulamasında aç", room))).to_be_visible()
    assert_accessible(page)
    screenshot(page, "calendars")

    page.get_by_role("button", name="Yeni bağlantı oluştur").click()
    expect(page.locator(".flash-ok")).to_contain_text("eski bağlantınız artık çalışmaz")
    second = _address(page)
    assert second != first
    assert page.request.get(first).status == 404
    assert page.request.get(second).status == 200
    colleague = page.request.get(live.url + colleague_feed)
    assert colleague.status == 200 and "Gönüllü eğitimi" in colleague.text()

    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
    screenshot(page, "phone-calendars")


def test_the_room_page_offers_the_three_calendar_links(page: Page, live: Live,
                                                       scene: Scene) -> None:
    page.goto(f"/rooms/{scene.room.id}")
    name = scene.room.name
    feed = f"{live.url}/rooms/{scene.room.id}/calendar.ics"
    expect(page.get_by_role("link", name=_named("Takvim uygulamasında aç", name))).to_have_attribute(
        "href", re.sub(r"^http://", "webcal://", feed))
    expect(page.get_by_role("link", name=_named("İndir (.ics)", name))).to_have_attribute(
        "href", feed + "?download=1")
    expect(page.get_by_role("textbox", name=_named("Takvim adresi (https)", name))).to_have_value(feed)
    assert_accessible(page)
