"""A staff member's daily task list of services (SPEC §9) in headless
Chromium: the menu's "Görevler", the day picked, an item marked done; the
requester's booking page shows what was promised. axe finds no serious or
critical violation."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from booking.models import BookingServiceItem, ServiceItemStatus, User, utcnow
from booking.services import service_catalogue
from booking.services.booking_services import ServiceRequest
from booking.services.bookings import create_booking
from booking.services.service_catalogue import ItemValues
from tests.support.browser import Live, assert_accessible, screenshot, sign_in
from tests.support.factories import PASSWORD, make_room
from tests.support.scene import Scene
from tests.support.web import ahead, database, scene_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def scene(live: Live) -> Scene:
    return scene_for(live.app)


def _booking_with_services(live: Live, scene: Scene) -> tuple[int, int]:
    with database(live.app) as session:
        admin, staff = session.get(User, scene.admin.id), session.get(User, scene.staff.id)
        tea = service_catalogue.add_item(session, admin, scene.center.id,
                                         ItemValues("Çay ikramı", "kişi"), utcnow())
        projector = service_catalogue.add_item(session, admin, scene.center.id,
                                               ItemValues("Projeksiyon", "adet", 2), utcnow())
        request = scene.request(ahead(1, 10), room=scene.big_room, organization_id=scene.org.id,
                                title="Gönüllü eğitimi",
                                services=[ServiceRequest(tea.id, 40, "Simit de olsun"),
                                          ServiceRequest(projector.id, 1)])
        booking = create_booking(session, staff, request, utcnow()).bookings[0]
        session.commit()
        row = session.query(BookingServiceItem).filter_by(booking_id=booking.id,
                                                          item_id=tea.id).one()
        return booking.id, row.id


def test_staff_open_the_days_tasks_and_mark_the_tea_done(
        page: Page, live: Live, scene: Scene) -> None:
    booking_id, tea_row = _booking_with_services(live, scene)
    sign_in(page, scene.staff.email, PASSWORD)
    page.locator("header nav").get_by_role("link", name="Görevler").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Görevler")
    page.get_by_label("Gün").fill(ahead(1, 10).date().isoformat())
    page.locator("main").get_by_role("button", name="Göster").click()
    row = page.locator(f"#task-{tea_row}")
    expect(row).to_contain_text("Çay ikramı")
    expect(row).to_contain_text("40 kişi")
    expect(row).to_contain_text("Simit de olsun")
    expect(row).to_contain_text(scene.big_room.name)
    expect(row).to_contain_text(scene.org.name)
    expect(page.locator("main")).to_contain_text("Projeksiyon")
    screenshot(page, "service-tasks")
    assert_accessible(page)
    row.get_by_role("button", name=re.compile(r"^Yapıldı ?: Çay ikramı")).click()
    expect(page.locator(".flash-ok")).to_contain_text("“Çay ikramı” yapıldı olarak işaretlendi.")
    expect(page.locator(f"#task-{tea_row}")).to_contain_text("Yapıldı")
    expect(page.locator(f"#task-{tea_row}").get_by_role("button")).to_have_count(0)
    assert_accessible(page)
    with database(live.app) as session:
        row_now = session.get(BookingServiceItem, tea_row)
        assert row_now.status == ServiceItemStatus.DONE and row_now.done_by_id == scene.staff.id
    page.goto(f"/bookings/{booking_id}")
    services = page.locator("section.booking-services")
    expect(services).to_contain_text("Söz verildi")
    expect(services).to_contain_text("Yapıldı")


def test_a_member_asks_for_tea_with_a_request_and_sees_it_requested(
        page: Page, live: Live, scene: Scene) -> None:
    """The form shows only the chosen room's center's catalogue (services.js;
    without it, every center's shows, tests/web/test_service_pages.py)."""
    with database(live.app) as session:
        admin = session.get(User, scene.admin.id)
        other_center = session.get(User, scene.other_staff.id).centers[0]
        make_room(session, other_center, name="Uzak Salon", capacity=30)
        for center_id, name in ((scene.center.id, "Çay ikramı"), (other_center.id, "Simit")):
            service_catalogue.add_item(session, admin, center_id, ItemValues(name, "kişi"),
                                       utcnow())
        session.commit()
    start = ahead(4, 14)
    while start.weekday() >= 5:
        start += timedelta(days=1)
    sign_in(page, scene.member.email, PASSWORD)
    page.goto(f"/bookings/new?room_id={scene.room.id}")
    part = page.locator("fieldset.booking-services")
    expect(part.get_by_label("Çay ikramı (kişi)")).to_be_visible()
    expect(part.get_by_label("Simit (kişi)")).to_be_hidden()
    page.get_by_label("Tarih", exact=True).fill(start.date().isoformat())
    page.get_by_label("Başlangıç saati", exact=True).fill("14:00")
    page.get_by_label("Bitiş saati", exact=True).fill("16:00")
    page.get_by_label("Başlık", exact=True).fill("Kadın kooperatifleri buluşması")
    page.get_by_label("Beklenen katılımcı sayısı").fill("18")
    part.get_by_label("Çay ikramı (kişi)").fill("18")
    part.get_by_label("Not: Çay ikramı").fill("Bitki çayı da olsun")
    screenshot(page, "service-request")
    assert_accessible(page)
    page.get_by_role("button", name="Talebi gönder").click()
    services = page.locator("section.booking-services")
    expect(services).to_contain_text("Çay ikramı")
    expect(services).to_contain_text("18 kişi")
    expect(services).to_contain_text("Bitki çayı da olsun")
    expect(services).to_contain_text("İstendi; onaylanınca söz verilir")
    assert_accessible(page)
