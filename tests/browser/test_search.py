"""The one search in headless Chromium: a visitor searches on /ara, picks the
best-fit room, signs in and sends the request prefilled from the search."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from booking.models import Booking
from tests.support.browser import Live, assert_accessible, screenshot
from tests.support.factories import PASSWORD, make_center, make_room
from tests.support.scene import Scene
from tests.support.web import ahead, database, scene_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def scene(live: Live) -> Scene:
    scene = scene_for(live.app)
    with database(live.app) as session:
        center = make_center(session, name="Bornova Merkezi", district="Bornova")
        make_room(session, center, name="Sinema", capacity=15, features=["projector"])
        session.commit()
    return scene


def test_search_then_request_the_best_fit_room(page: Page, live: Live, scene: Scene) -> None:
    start = ahead(4, 10)
    page.goto("/ara")
    page.get_by_label("Tarih", exact=True).fill(start.date().isoformat())
    page.get_by_label("Başlangıç saati", exact=True).fill("10:00")
    page.get_by_label("Bitiş saati", exact=True).fill("12:00")
    page.get_by_label("Katılımcı sayısı").fill("14")
    page.get_by_label("Projeksiyon").check()
    page.get_by_role("button", name="Boş salon ara").click()
    results = page.get_by_role("table")
    expect(page.get_by_role("heading", name="2 boş salon")).to_be_visible()
    rows = results.locator("tbody tr")
    expect(rows.first).to_contain_text("Sinema")  # 15 places before the 150-place hall
    expect(rows.nth(1)).to_contain_text("Konferans Salonu")
    assert_accessible(page)
    screenshot(page, "search")
    rows.first.get_by_role("link", name="Talep et").click()
    # A visitor signs in first and lands on the form filled from the search.
    page.get_by_label("E-posta").fill(scene.member.email)
    page.get_by_label("Parola", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Giriş yap").click()
    page.wait_for_url("**/bookings/new?**")
    expect(page.get_by_label("Tarih", exact=True)).to_have_value(start.date().isoformat())
    expect(page.get_by_label("Başlangıç saati", exact=True)).to_have_value("10:00")
    expect(page.get_by_label("Bitiş saati", exact=True)).to_have_value("12:00")
    expect(page.get_by_label("Beklenen katılımcı sayısı", exact=True)).to_have_value("14")
    page.get_by_label("Başlık", exact=True).fill("Film gösterimi")
    page.get_by_role("button", name="Talebi gönder").click()
    page.wait_for_url("**/bookings/*")
    with database(live.app) as session:
        booking = session.scalars(select(Booking).where(Booking.title == "Film gösterimi")).one()
        assert booking.room.name == "Sinema" and booking.start_at == start
        assert booking.expected_attendees == 14
