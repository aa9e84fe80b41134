"""Check-in in headless Chromium: a member scans the room's code (the QR page
sends them through sign-in and back) and checks in; staff check in from the
list of today; the poster prints. axe finds no serious or critical violation."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from booking.models import Booking, BookingStatus
from tests.support.browser import Live, assert_accessible, screenshot, sign_in
from tests.support.factories import PASSWORD, make_booking
from tests.support.scene import Scene
from tests.support.web import database, scene_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def scene(live: Live) -> Scene:
    return scene_for(live.app)


def _booking(live: Live, room, org, title: str, minutes_from_now: int = 5) -> int:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=minutes_from_now)
    with database(live.app) as session:
        booking = make_booking(session, session.merge(room), start, 60, BookingStatus.APPROVED,
                               session.merge(org), title=title)
        session.commit()
        return booking.id


def _checked_in_by(live: Live, booking_id: int) -> int | None:
    with database(live.app) as session:
        return session.get(Booking, booking_id).checked_in_by_id


def test_a_member_scans_the_rooms_code_signs_in_and_checks_in(
        page: Page, live: Live, scene: Scene) -> None:
    booking_id = _booking(live, scene.room, scene.org, "Gönüllü buluşması")
    page.goto(f"/rooms/{scene.room.id}/checkin")
    page.get_by_label("E-posta").fill(scene.member.email)
    page.get_by_label("Parola", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Giriş yap").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Varış kaydı: {scene.room.name}")
    expect(page.get_by_role("heading", name="Gönüllü buluşması")).to_be_visible()
    screenshot(page, "checkin-room")
    assert_accessible(page)
    page.get_by_role("button", name="Geldik, varışımızı kaydet").click()
    expect(page.locator(".flash-ok")).to_contain_text("Varış kaydedildi: Gönüllü buluşması.")
    expect(page.locator("main")).to_contain_text("Varış kaydedildi")
    expect(page.get_by_role("button", name="Geldik, varışımızı kaydet")).to_have_count(0)
    assert_accessible(page)
    assert _checked_in_by(live, booking_id) == scene.member.id


def test_staff_check_in_from_the_list_of_today_and_open_the_poster(
        page: Page, live: Live, scene: Scene) -> None:
    booking_id = _booking(live, scene.small_room, scene.other_org, "Mahalle toplantısı")
    sign_in(page, scene.staff.email, PASSWORD)
    page.locator("header nav").get_by_role("link", name="Bugün").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bugünün rezervasyonları")
    row = page.locator(f"#booking-{booking_id}")
    expect(row).to_contain_text("Mahalle toplantısı")
    expect(row).to_contain_text("Varış kaydı açık")
    screenshot(page, "checkin-today")
    assert_accessible(page)
    # The title is visually hidden text: Chromium may put a space before its colon.
    row.get_by_role("button", name=re.compile(r"^Varışı kaydet ?: Mahalle toplantısı$")).click()
    expect(page.locator(".flash-ok")).to_contain_text("Varış kaydedildi: Mahalle toplantısı.")
    expect(page.locator(f"#booking-{booking_id}")).to_contain_text("Varış kaydedildi")
    assert_accessible(page)
    assert _checked_in_by(live, booking_id) == scene.staff.id

    page.goto(f"/admin/rooms/{scene.room.id}/poster")
    expect(page.locator(".poster")).to_contain_text("Toplantınıza geldiğinizde okutun")
    code = page.locator("img.poster-code")
    expect(code).to_be_visible()
    screenshot(page, "checkin-poster")
    assert page.evaluate("img => img.naturalWidth", code.element_handle()) > 0
    assert_accessible(page)
