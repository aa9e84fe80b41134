"""The main journeys in headless Chromium against the live app (SQLite, CSRF on):
an NGO registers, staff verify it, the member requests a room, staff approve it,
the member sees it in the week view and copies the private feed link; a
conflict resolved by a suggestion in one step (confirm, not retype); a
cancellation; a password reset through the real local SMTP server.
Screenshots of the main pages go to docs/screenshots/."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from booking.models import Booking, BookingStatus
from tests.support.browser import Live, assert_accessible, screenshot, sign_in, sign_out
from tests.support.factories import PASSWORD, make_booking
from tests.support.mailbox import parts
from tests.support.scene import Scene
from tests.support.web import ahead, confirmation_link, database, scene_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def scene(live: Live) -> Scene:
    return scene_for(live.app)


def _status(live: Live, title: str) -> BookingStatus:
    with database(live.app) as session:
        return session.scalar(select(Booking.status).where(Booking.title == title))


def _weekday_start(days: int, hour: int):
    """A weekday ``days`` or more ahead, so the grid shows the usual opening hours."""
    start = ahead(days, hour)
    while start.weekday() >= 5:
        start += timedelta(days=1)
    return start


def test_register_verify_request_approve_and_subscribe(page: Page, live: Live,
                                                       scene: Scene) -> None:
    page.goto("/")
    screenshot(page, "home")
    page.get_by_role("link", name="Kuruluş kaydı").click()
    page.get_by_label("Kuruluşun adı").fill("Işıklı Gençlik Derneği")
    page.get_by_label("Kuruluş türü").select_option("association")
    page.get_by_label("Kuruluşun e-posta adresi").fill("iletisim@isikli.org")
    page.get_by_label("Adınız soyadınız").fill("Gülşen Öztürk")
    page.get_by_label("E-posta adresiniz").fill("gulsen@isikli.org")
    page.get_by_label("Parola", exact=True).fill(PASSWORD)
    page.get_by_label("Parola (tekrar)").fill(PASSWORD)
    screenshot(page, "register")
    page.get_by_role("button", name="Kaydol").click()
    expect(page.locator(".flash-ok")).to_contain_text("Yazdığınız adrese bir e-posta gönderdik")
    # The mailed link confirms the address and signs in.
    page.goto(confirmation_link(live.mailbox, "gulsen@isikli.org"))
    page.get_by_role("button", name="Adresimi doğrula ve giriş yap").click()
    expect(page.locator(".flash-ok")).to_contain_text("Adresiniz doğrulandı")
    expect(page.locator("main")).to_contain_text("henüz doğrulanmadı")
    sign_out(page)

    # Staff verify the new organisation, found by a Turkish search.
    sign_in(page, scene.staff.email, PASSWORD)
    page.get_by_role("link", name="Kuruluşlar").click()
    page.get_by_label("Ara (ad, e-posta, sicil no, üye)").fill("IŞIKLI")
    page.get_by_role("button", name="Ara", exact=True).click()
    row = page.get_by_role("row", name=re.compile("Işıklı Gençlik Derneği"))
    expect(row).to_contain_text("Doğrulama bekliyor")
    screenshot(page, "staff-organizations")
    row.get_by_label("Nasıl doğrulandı").select_option("document_seen")
    row.get_by_role("button", name=re.compile("Doğrula")).click()
    expect(page.locator(".flash-ok")).to_contain_text("Işıklı Gençlik Derneği doğrulandı")
    sign_out(page)

    # The member picks a free hour in the room's week and requests it.
    start = _weekday_start(6, 10)
    sign_in(page, "gulsen@isikli.org", PASSWORD)
    page.goto(f"/rooms/{scene.room.id}?week={start.date().isoformat()}")
    gap = page.locator(f'.tl-track a.tl-pick[href*="date={start.date().isoformat()}"]').first
    gap.focus()
    for _ in range(8):  # from 08:00, a quarter of an hour each
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Başlangıç saati", exact=True)).to_have_value("10:00")
    expect(page.get_by_label("Bitiş saati", exact=True)).to_have_value("11:00")
    page.get_by_label("Bitiş saati", exact=True).fill("12:00")
    page.get_by_label("Başlık", exact=True).fill("Gençlik buluşması")
    page.get_by_label("Beklenen katılımcı sayısı").fill("25")
    page.get_by_label("Tema").select_option("youth")
    screenshot(page, "request-form")
    page.get_by_role("button", name="Talebi gönder").click()
    expect(page.locator(".big-status")).to_contain_text("Onay bekliyor")
    screenshot(page, "booking-pending")
    sign_out(page)

    # Staff approve it from the queue.
    sign_in(page, scene.staff.email, PASSWORD)
    expect(page).to_have_url(re.compile("/staff/queue"))
    item = page.locator(".queue-item", has_text="Gençlik buluşması")
    expect(item).to_contain_text("Işıklı Gençlik Derneği")
    screenshot(page, "staff-queue")
    item.get_by_role("button", name=re.compile("Onayla")).click()
    expect(page.locator(".flash-ok")).to_contain_text("onaylandı")
    assert _status(live, "Gençlik buluşması") == BookingStatus.APPROVED
    sign_out(page)

    # The member sees it approved in the week view and copies the feed link.
    sign_in(page, "gulsen@isikli.org", PASSWORD)
    page.goto(f"/rooms/{scene.room.id}?week={start.date().isoformat()}")
    mine = page.locator("li.tl-mine").first
    expect(mine).to_contain_text("Gençlik buluşması")
    expect(mine).to_have_attribute("data-start", "10:00")
    mine.get_by_role("link").click()
    expect(page.locator(".big-status")).to_contain_text("Onaylandı")
    page.get_by_role("link", name="Profil").click()
    screenshot(page, "profile")
    page.locator("main").get_by_role("link", name="Takvimlerim").click()
    page.get_by_role("button", name="Takvim bağlantısı oluştur").click()
    feed_input = page.locator("#personal").get_by_role("textbox")
    feed_url = feed_input.input_value()
    assert feed_url.startswith(f"{live.url}/feeds/")
    page.locator("#personal").get_by_role("button", name=re.compile("^Bağlantıyı kopyala")).click()
    expect(page.locator("#personal .copy-status")).to_have_text("Kopyalandı")
    assert page.evaluate("navigator.clipboard.readText()") == feed_url
    feed = page.request.get(feed_url)
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    body = feed.text()
    assert "Gençlik buluşması" in body and "STATUS:CONFIRMED" in body


def test_a_conflict_is_solved_in_one_step_by_a_suggestion(page: Page, live: Live,
                                                          scene: Scene) -> None:
    """Suggestion in one step: the conflict answer's "Bu zamanı iste" opens a
    confirm page with everything typed; "Onayla ve gönder" requests it."""
    start = _weekday_start(5, 14)
    with database(live.app) as session:
        make_booking(session, session.merge(scene.room), start, 120, BookingStatus.APPROVED,
                     organization=session.merge(scene.other_org), title="Dolu saat")
        session.commit()
    sign_in(page, scene.member.email, PASSWORD)
    page.goto(f"/bookings/new?room_id={scene.room.id}")
    page.get_by_label("Tarih", exact=True).fill(start.date().isoformat())
    page.get_by_label("Başlangıç saati", exact=True).fill("14:00")
    page.get_by_label("Bitiş saati", exact=True).fill("16:00")
    page.get_by_label("Başlık", exact=True).fill("Çevre atölyesi")
    page.get_by_label("Beklenen katılımcı sayısı").fill("12")
    page.get_by_role("button", name="Talebi gönder").click()
    conflict = page.locator(".conflict")
    expect(page.locator(".alert-error")).to_contain_text("Bu zaman aralığında salon dolu.")
    expect(conflict).to_contain_text("onaylı rezervasyon")
    screenshot(page, "conflict-suggestions")
    assert_accessible(page)
    offered = conflict.locator(".suggestion-slot").first.inner_text()
    conflict.get_by_role("button", name="Bu zamanı iste").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bu zamanı onaylayın")
    facts = page.locator(".confirm-offer")
    expect(facts).to_contain_text("Çevre atölyesi")
    expect(facts).to_contain_text("12")
    expect(facts).to_contain_text(offered.split(" — ")[0])
    screenshot(page, "suggestion-confirm")
    assert_accessible(page)
    page.get_by_role("button", name="Onayla ve gönder").click()
    expect(page.locator(".big-status")).to_contain_text("Onay bekliyor")
    expect(page.locator(".flash-ok")).to_contain_text("Talebiniz alındı")
    assert _status(live, "Çevre atölyesi") == BookingStatus.PENDING
    page.get_by_role("navigation", name="Ana menü").get_by_role(
        "link", name="Rezervasyonlarımız").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kuruluşumuzun rezervasyonları")
    expect(page.locator("main")).to_contain_text("Çevre atölyesi")


def test_a_member_cancels_a_booking(page: Page, live: Live, scene: Scene) -> None:
    start = _weekday_start(4, 9)
    with database(live.app) as session:
        booking = make_booking(session, session.merge(scene.room), start, 60,
                               BookingStatus.APPROVED, organization=session.merge(scene.org),
                               title="İptal edilecek toplantı")
        session.commit()
        booking_id = booking.id
    sign_in(page, scene.member.email, PASSWORD)
    page.get_by_role("link", name="Rezervasyonlarımız").click()
    screenshot(page, "my-bookings")
    page.get_by_role("link", name="İptal edilecek toplantı").click()
    page.get_by_label("Gerekçe").fill("Konuşmacı gelemiyor")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Rezervasyonu iptal et").click()
    expect(page.locator(".big-status")).to_contain_text("İptal edildi")
    expect(page.locator("main")).to_contain_text("Konuşmacı gelemiyor")
    assert page.url.endswith(f"/bookings/{booking_id}")
    assert _status(live, "İptal edilecek toplantı") == BookingStatus.CANCELLED


def test_a_password_reset_through_the_local_smtp_server(page: Page, live: Live,
                                                        scene: Scene) -> None:
    page.goto("/login")
    page.get_by_role("link", name="Parolamı unuttum").click()
    page.get_by_label("E-posta").fill(scene.member.email)
    page.get_by_role("button", name="Bağlantı gönder").click()
    expect(page.locator(".flash-ok")).to_contain_text("Bu adresle bir hesap varsa")
    live.mailbox.wait_for(1)
    [message] = live.mailbox.to(scene.member.email)
    text, _html = parts(message)
    link = re.search(r"(http://127\.0\.0\.1:\d+/password/reset/\S+)", text).group(1)
    page.goto(link)
    page.get_by_label("Yeni parola", exact=True).fill("güneşli bir gün 7")
    page.get_by_label("Yeni parola (tekrar)").fill("güneşli bir gün 7")
    screenshot(page, "password-reset")
    page.get_by_role("button", name="Parolayı kaydet").click()
    expect(page.locator(".flash-ok")).to_contain_text("Parolanız değişti")
    sign_in(page, scene.member.email, "güneşli bir gün 7")
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Bağlantı geçersiz")
