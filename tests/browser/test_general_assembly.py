"""A genel kurul requested in headless Chromium (SPEC §9): a member of the
organisation chooses the kind, gives the second date, is warned (not refused)
that the first is less than 15 days away, and sees both dates and the call
text ready to copy on the booking page; axe finds nothing serious."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from booking.i18n.dates import heading_day
from tests.support.browser import Live, assert_accessible, screenshot, sign_in
from tests.support.factories import PASSWORD
from tests.support.scene import Scene
from tests.support.web import ahead, database, page_text, scene_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def scene(live: Live) -> Scene:
    scene = scene_for(live.app)
    with database(live.app) as session:
        center = session.merge(scene.center)
        center.address, center.district = "Mimar Sinan Mah. Selmanipak Cad. No: 5", "Üsküdar"
        session.commit()
    return scene


def test_a_member_requests_a_general_assembly_and_copies_the_call(page: Page, live: Live,
                                                                  scene: Scene) -> None:
    first, second = ahead(10, 10), ahead(24, 10)
    sign_in(page, scene.member.email, PASSWORD)
    page.goto(f"/bookings/new?room_id={scene.room.id}")
    page.get_by_label("Tarih", exact=True).fill(first.date().isoformat())
    page.get_by_label("Başlangıç saati", exact=True).fill("10:00")
    page.get_by_label("Bitiş saati", exact=True).fill("13:00")
    page.get_by_label("Başlık", exact=True).fill("Olağan Genel Kurul")
    page.get_by_label("Beklenen katılımcı sayısı").fill("30")
    page.get_by_label("Tür", exact=True).select_option("general_assembly")
    page.locator("#assembly-second summary").click()
    page.get_by_label("İkinci toplantı tarihi").fill(second.date().isoformat())
    assert_accessible(page)
    page.get_by_role("button", name="Talebi gönder").click()

    expect(page.locator(".flash-ok")).to_contain_text("Genel kurulun iki tarihi birlikte kaydedildi")
    expect(page.locator("main")).to_contain_text("en az 15 gün önce ilan edilmelidir")
    assert_accessible(page)
    screenshot(page, "general-assembly")
    section = page.locator("section.assembly")
    call = page.locator("#call-text")
    for day in (first, second):
        shown = page_text(live.app, heading_day, day.date())
        expect(section.locator("dl")).to_contain_text(shown)
        expect(call).to_contain_text(shown)
    expect(call).to_contain_text(scene.org.name)
    expect(call).to_contain_text("Mimar Sinan Mah. Selmanipak Cad. No: 5, Üsküdar")
    expect(call).to_contain_text("çoğunluk sağlanamadığı takdirde")
    expect(call).to_have_attribute("readonly", "")
    section.get_by_role("button", name="Kopyala").click()
    expect(section.locator(".copy-status")).to_have_text("Kopyalandı")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert scene.room.name in copied and "Birinci toplantı" in copied
    # The link to the other date opens its page, with the same call.
    section.locator("dd a").first.click()
    expect(page.locator("#call-text")).to_contain_text(scene.org.name)
    expect(page.locator("section.assembly dd").first).to_contain_text(
        page_text(live.app, heading_day, first.date()))
