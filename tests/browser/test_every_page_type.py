"""Every page type in headless Chromium: axe-core finds no serious or critical
violation, the language switch works, and pages fit a phone's width."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from booking.models import (
    Booking,
    BookingStatus,
    Closure,
    Organization,
    OutboxMessage,
    OutboxStatus,
    User,
    utcnow,
)
from booking.services import passwords
from tests.support.browser import Live, assert_accessible, screenshot, sign_in, sign_out
from tests.support.factories import PASSWORD, make_booking
from tests.support.scene import Scene
from tests.support.web import ahead, database, scene_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def scene(live: Live) -> Scene:
    """The scene plus bookings that fill the queue, the attendance list and the week."""
    scene = scene_for(live.app)
    with database(live.app) as session:
        room, org, other = (session.merge(scene.room), session.merge(scene.org),
                            session.merge(scene.other_org))
        make_booking(session, room, ahead(3, 10), 120, BookingStatus.PENDING, organization=org,
                     title="Çocuk hakları semineri", created_by_id=scene.member.id)
        make_booking(session, room, ahead(3, 11), 60, BookingStatus.PENDING, organization=other,
                     title="Yeşil şehir toplantısı")
        make_booking(session, room, ahead(3, 14), 60, BookingStatus.APPROVED, organization=org,
                     title="Gönüllü eğitimi")
        make_booking(session, room, utcnow() - timedelta(hours=5), 60, BookingStatus.APPROVED,
                     organization=org, title="Dünkü panel")
        session.commit()
    return scene


def _pages(live: Live, scene: Scene) -> dict[str, list[str]]:
    with database(live.app) as session:
        booking_id = session.scalar(select(Booking.id).where(Booking.title == "Gönüllü eğitimi"))
        issued = passwords.request_reset(session, scene.other_member.email, utcnow())
        session.commit()
    week = ahead(3, 0).date().isoformat()
    return {
        "anonymous": ["/", "/centers", f"/centers/{scene.center.id}?date={week}",
                      f"/rooms/{scene.room.id}?week={week}", "/login", "/register",
                      "/password/forgot", f"/password/reset/{issued.secret}",
                      "/password/reset/not-a-token",
                      f"/ara?date={week}&start_time=10:00&end_time=12:00&attendees=5",
                      f"/ara?date={week}&start_time=12:00&end_time=10:00&attendees=0"],
        "member": ["/bookings", "/bookings/new", f"/bookings/{booking_id}",
                   f"/bookings/{booking_id}/edit", "/profile", f"/rooms/{scene.room.id}?week={week}",
                   f"/rooms/{scene.room.id}/checkin"],
        "staff": ["/staff/queue", "/staff/organizations", "/staff/attendance", "/staff/closures",
                  "/bookings/new", "/staff/today", f"/rooms/{scene.room.id}/checkin",
                  f"/admin/rooms/{scene.room.id}/poster"],
        "admin": ["/admin/", "/admin/users", "/admin/users/new", f"/admin/users/{scene.member.id}",
                  "/admin/centers/new", f"/admin/rooms/{scene.room.id}",
                  f"/admin/organizations/{scene.org.id}", "/admin/outbox/", "/reports/"],
    }


@pytest.mark.parametrize("role", ["anonymous", "member", "staff", "admin"])
def test_axe_finds_no_serious_violation_on_any_page_type(page: Page, live: Live, scene: Scene,
                                                         role: str) -> None:
    """One test per role, so the two test workers share the pages."""
    urls = _pages(live, scene)[role]
    users = {"member": scene.member, "staff": scene.staff, "admin": scene.admin}
    if role != "anonymous":
        sign_in(page, users[role].email, PASSWORD)
    checked = 0
    for url in urls:
        page.goto(url)
        assert_accessible(page)
        checked += 1
    assert checked == len(urls)
    if role == "staff":
        screenshot(page, "staff-direct-booking")
    if role == "admin":
        page.goto("/admin/")
        screenshot(page, "admin")
    if role == "anonymous":
        page.goto("/centers")
        screenshot(page, "centers")
    else:
        sign_out(page)


def test_the_language_switch_changes_the_interface_and_is_remembered(
        page: Page, live: Live, scene: Scene) -> None:
    page.goto("/centers")
    expect(page.locator("h1")).to_have_text("Merkezler ve salonlar")
    page.get_by_label("Dil", exact=True).select_option("en")
    page.get_by_role("button", name="Dili değiştir").click()
    expect(page.locator("h1")).to_have_text("Centres and rooms")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/centers")
    screenshot(page, "centers-english")
    page.goto("/login")
    page.get_by_label("E-mail").fill(scene.member.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Our organisation's bookings")
    # Signed in, the choice is stored on the user: a new browser session keeps it.
    page.get_by_label("Language", exact=True).select_option("en")
    page.get_by_role("button", name="Change language").click()
    with database(live.app) as session:
        assert session.get(User, scene.member.id).language == "en"
    page.context.clear_cookies()
    page.goto("/login")
    expect(page.locator("h1")).to_have_text("Giriş yap")
    sign_in(page, scene.member.email, PASSWORD)
    expect(page.locator("h1")).to_have_text("Our organisation's bookings")
    assert_accessible(page)


PHONE_PAGES = {
    # name: (who signs in, address; {week}/{room} are filled in)
    "week": ("member", "/rooms/{room}?week={week}"),
    "queue": ("staff", "/staff/queue"),
    "request": ("member", "/bookings/new?room_id={room}"),
    "organizations": ("staff", "/staff/organizations"),
    "attendance": ("staff", "/staff/attendance"),
    "closures": ("staff", "/staff/closures"),
    "users": ("admin", "/admin/users"),
    "outbox": ("admin", "/admin/outbox/"),
    "reports": ("admin", "/reports/"),
    "search": ("member", "/ara?date={week}&any_time=y&minutes=60&attendees=5"),
}
SCREENSHOTS = ("queue",)  # phone-request: test_everyday_paths.py; the week: test_timeline.py


@pytest.mark.parametrize("path", list(PHONE_PAGES))
def test_pages_fit_a_phone_screen(page: Page, live: Live, scene: Scene, path: str) -> None:
    """At 375px (a small phone) no page scrolls sideways: wide tables scroll
    inside their own region, like the week grid."""
    with database(live.app) as session:
        # Long unbroken text, as real data has: an organisation's e-mail, an SMTP error.
        org = session.get(Organization, scene.other_org.id)
        org.email = "iletisim.bilgi@cocuk-haklari-ve-genclik-dernegi.org.tr"
        org.is_verified = False
        session.add(OutboxMessage(
            kind="auto_rejected", booking_id=None, recipient="uzun.bir.adres@ornek-dernek.org.tr",
            language="tr", due_at=utcnow(), dedupe_key="phone-test", context={},
            status=OutboxStatus.FAILED, attempts=5, next_attempt_at=utcnow(),
            last_error="SMTPRecipientsRefused: {'uzun.bir.adres@ornek-dernek.org.tr': "
                       "(550, b'5.1.1 <uzun.bir.adres@ornek-dernek.org.tr>: Recipient "
                       "address rejected: User unknown in virtual mailbox table')}"))
        session.add(Closure(center_id=scene.center.id, room_id=scene.room.id,
                            start_at=ahead(5, 0), end_at=ahead(7, 0),
                            reason="Boya badana ve elektrik tesisatının yenilenmesi"))
        session.commit()
    page.set_viewport_size({"width": 375, "height": 812})
    week = ahead(3, 0).date().isoformat()
    role, url = PHONE_PAGES[path]
    user = {"member": scene.member, "staff": scene.staff, "admin": scene.admin}[role]
    sign_in(page, user.email, PASSWORD)
    url = url.format(room=scene.room.id, week=week)
    page.goto(url)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate("""() => {
        const width = window.innerWidth;
        return [...document.querySelectorAll("body *")]
            .filter(e => e.getBoundingClientRect().right > width + 1
                    && !(e.parentElement && e.parentElement.closest(".grid-scroll, .table-scroll")))
            .slice(0, 5).map(e => e.tagName + "." + e.className + ":" + e.getBoundingClientRect().right);
    }""")
    assert overflow <= 0, f"{url} is {overflow}px wider than the phone: {wide}"
    if path not in SCREENSHOTS:
        return
    screenshot(page, f"phone-{path}", full_page=False)
    # The keyboard reaches the main content through the skip link.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="İçeriğe geç")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_the_api_reference_is_styled_under_the_csp(page: Page, live: Live) -> None:
    """Its rules came from an inline <style>, which the policy now blocks: they
    are in static/api-docs.css (the page fixture fails on any refusal)."""
    page.goto("/api/v1/docs")
    method = page.locator(".api-method").first
    assert method.evaluate("e => getComputedStyle(e).minWidth") == "72px"  # 4.5rem
    assert page.locator(".api-op").first.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
