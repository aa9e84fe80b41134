"""An admin closes every centre for administrative leave in headless
Chromium: from Yönetim to the holidays page, a suggested bridge day added
with one button, a half day typed by hand, both listed; axe finds no serious
or critical violation."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from booking.i18n import force_language
from booking.i18n.dates import heading_day
from booking.services import leave_days
from tests.support.browser import Live, assert_accessible, screenshot, sign_in
from tests.support.factories import PASSWORD
from tests.support.scene import Scene
from tests.support.web import ahead, scene_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def scene(live: Live) -> Scene:
    return scene_for(live.app)


def test_an_admin_adds_a_bridge_day_and_a_half_day_of_leave_for_every_centre(
        page: Page, live: Live, scene: Scene) -> None:
    today = ahead(0, 0).date()
    bridge = next((d for y in (today.year, today.year + 1) for d in leave_days.bridge_days(y)
                   if d >= today), None)
    if bridge is None:  # a year can have none (2028): declare one by hand instead
        bridge = ahead(30, 0).date()
    half = ahead(40, 0).date()
    with live.app.test_request_context(), force_language("tr"):
        bridge_text, half_text = heading_day(bridge), heading_day(half)
    sign_in(page, scene.admin.email, PASSWORD)
    page.goto(f"{live.url}/admin/")
    page.get_by_role("link", name="Resmî tatiller ve idari izin (bütün merkezler)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resmî tatiller ve idari izin")
    suggested = page.get_by_role("button", name=re.compile(
        # The day is visually hidden text: Chromium may put a space before its colon.
        rf"^İdari izin olarak ekle ?: {re.escape(bridge_text)}$"))
    if suggested.count():
        suggested.click()
    else:
        page.get_by_label("İlk gün").fill(bridge.isoformat())
        page.get_by_role("button", name="İdari izni ekle", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("İdari izin eklendi: 2 merkez")
    page.get_by_label("İlk gün").fill(half.isoformat())
    page.get_by_label("Yarım gün: 13:00'ten itibaren kapalı").check()
    page.get_by_role("button", name="İdari izni ekle", exact=True).click()
    table = page.get_by_role("table", name="Eklenen idari izin günleri")
    expect(table).to_contain_text(bridge_text)
    expect(table.get_by_role("row").filter(has_text=half_text)).to_contain_text(
        "13:00'ten itibaren")
    assert_accessible(page)
    screenshot(page, "admin-leave-days")
