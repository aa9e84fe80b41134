"""The waitlist in headless Chromium (SPEC §8): a member meets a taken hour,
joins the waitlist from the conflict answer, the holder cancels, and the
member opens the offer e-mail's link (real SMTP test server) and accepts it on
"Bekleme listem"; axe finds nothing serious."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from booking.extensions import db
from booking.models import Booking, BookingStatus, WaitlistEntry, utcnow
from booking.notifications import kinds
from booking.notifications.sender import deliver_due
from booking.services import bookings as booking_service
from tests.support.browser import Live, assert_accessible, screenshot, sign_in
from tests.support.factories import PASSWORD, make_booking
from tests.support.mailbox import parts
from tests.support.scene import Scene
from tests.support.web import ahead, database, scene_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def scene(live: Live) -> Scene:
    return scene_for(live.app)


def _weekday_start(days: int, hour: int):
    start = ahead(days, hour)
    while start.weekday() >= 5:
        start += timedelta(days=1)
    return start


def test_join_the_waitlist_from_a_conflict_then_accept_the_offer(page: Page, live: Live,
                                                                scene: Scene) -> None:
    start = _weekday_start(5, 14)
    with database(live.app) as session:
        taken = make_booking(session, session.merge(scene.room), start, 120,
                             BookingStatus.APPROVED, organization=session.merge(scene.other_org),
                             created_by=session.merge(scene.other_member), title="Dolu saat")
        session.commit()
        taken_id = taken.id
    sign_in(page, scene.member.email, PASSWORD)
    page.goto(f"/bookings/new?room_id={scene.room.id}")
    page.get_by_label("Tarih", exact=True).fill(start.date().isoformat())
    page.get_by_label("Başlangıç saati", exact=True).fill("14:00")
    page.get_by_label("Bitiş saati", exact=True).fill("16:00")
    page.get_by_label("Başlık", exact=True).fill("Mahalle toplantısı")
    page.get_by_label("Beklenen katılımcı sayısı").fill("15")
    page.get_by_role("button", name="Talebi gönder").click()
    conflict = page.locator(".conflict")
    expect(conflict).to_contain_text("Bu saati bekleyebilirsiniz")
    assert_accessible(page)
    conflict.get_by_role("button", name="Sıraya gir").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bekleme listem")
    expect(page.locator(".flash-ok")).to_contain_text("Sıraya girdiniz")
    expect(page.locator("main table")).to_contain_text("Mahalle toplantısı")
    expect(page.locator("main")).to_contain_text("Şu anda size ayrılmış bir saat yok.")
    assert_accessible(page)

    # The holder cancels: the time is offered to the member's organisation.
    with database(live.app) as session:
        booking_service.cancel_booking(session, session.merge(scene.other_member), taken_id,
                                       "Ertelendi", utcnow())
        session.commit()
        offer_id = session.scalar(select(WaitlistEntry.booking_id))
    # The offer e-mail goes out through the real SMTP test server; its link opens the page.
    with live.app.app_context():
        try:
            deliver_due(utcnow())
        finally:
            db.session.remove()
    offers_mail = [m for m in live.mailbox.to(scene.member.email)
                   if m["X-Booking-Notification"] == kinds.WAITLIST_OFFER]
    assert len(offers_mail) == 1, [m["Subject"] for m in live.mailbox.to(scene.member.email)]
    text, _html = parts(offers_mail[0])
    link = re.search(r"(http://127\.0\.0\.1:\d+/waitlist\S*)", text).group(1)
    page.goto(link)
    offers = page.locator(".offer-list")
    expect(offers).to_contain_text("Mahalle toplantısı")
    expect(offers).to_contain_text("Son kabul zamanı")
    screenshot(page, "waitlist-offer")
    assert_accessible(page)
    offers.get_by_role("button", name="Kabul et").click()
    expect(page.locator(".flash-ok")).to_contain_text("Teklifi kabul ettiniz")
    expect(page.locator(".big-status")).to_contain_text("Onay bekliyor")
    assert_accessible(page)
    with database(live.app) as session:
        assert session.get(Booking, offer_id).status == BookingStatus.PENDING
