"""The aydınlatma metni in headless Chromium (SPEC §10): a member who signs in
after a new version is shown what changed and the text before any page,
acknowledges it with one button and goes on to the page they asked for; the
footer links the public notice; the profile offers the data download and the
deletion request. axe finds no serious or critical violation."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from booking.models import User, utcnow
from booking.services import privacy_notice
from tests.support.browser import Live, assert_accessible, screenshot, sign_in
from tests.support.factories import PASSWORD
from tests.support.scene import Scene
from tests.support.web import database, scene_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def scene(live: Live) -> Scene:
    scene = scene_for(live.app)
    with database(live.app) as session:
        admin, member = session.get(User, scene.admin.id), session.get(User, scene.member.id)
        first = privacy_notice.publish(session, admin, "İlk metin.", "First text.", None, None,
                                       utcnow())
        privacy_notice.acknowledge(session, member, first.version, utcnow())
        privacy_notice.publish(session, admin, "Verileriniz merkezlerde işlenir.\n\nİkinci paragraf.",
                               "Your data is processed at the centres.", "Saklama süreleri eklendi.",
                               "Retention periods added.", utcnow())
        session.commit()
    return scene


def test_a_member_acknowledges_the_new_notice_at_sign_in_and_goes_on(
        page: Page, live: Live, scene: Scene) -> None:
    page.goto("/bookings")
    page.get_by_label("E-posta").fill(scene.member.email)
    page.get_by_label("Parola", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Giriş yap").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aydınlatma metninin yeni sürümü")
    expect(page.get_by_role("region", name="Ne değişti")).to_contain_text("Saklama süreleri eklendi.")
    expect(page.get_by_role("region", name="Metnin tamamı")).to_contain_text("İkinci paragraf.")
    screenshot(page, "privacy-acknowledge")
    assert_accessible(page)
    page.goto("/profile")  # any page leads back here until it is acknowledged
    expect(page.get_by_role("heading", level=1)).to_have_text("Aydınlatma metninin yeni sürümü")
    page.get_by_role("button", name="Okudum, onaylıyorum").click()
    expect(page.locator(".flash-ok")).to_contain_text("aydınlatma metnini onayladınız")
    expect(page).to_have_url(f"{live.url}/profile")
    expect(page.get_by_role("link", name="Verilerimi indir")).to_be_visible()
    expect(page.get_by_role("button", name="Verilerimin silinmesini iste")).to_be_visible()
    page.locator("#privacy").scroll_into_view_if_needed()
    screenshot(page, "privacy-profile", full_page=False)
    assert_accessible(page)
    page.get_by_role("contentinfo").get_by_role("link", name="aydınlatma metni").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kişisel verilerin korunması: aydınlatma metni")
    expect(page.locator("main")).to_contain_text("Verileriniz merkezlerde işlenir.")
    assert_accessible(page)


def test_an_admin_publishes_a_version_from_the_admin_pages(page: Page, live: Live,
                                                          scene: Scene) -> None:
    sign_in(page, scene.admin.email, PASSWORD)
    page.goto("/admin/privacy")
    if "acknowledge" in page.url:  # the admin too reads the new version first
        page.get_by_role("button", name="Okudum, onaylıyorum").click()
        page.goto("/admin/privacy")
    expect(page.get_by_role("table", name="Yayımlanan sürümler")).to_contain_text("2")
    assert_accessible(page)
    page.get_by_label("Metin (Türkçe)").fill("Üçüncü sürüm.")
    page.get_by_label("Metin (İngilizce)").fill("Third version.")
    page.get_by_role("button", name="Yayımla").click()
    expect(page.locator(".flash-ok")).to_contain_text("3. sürümü yayımlandı")


def test_the_new_lists_fit_a_390_px_phone(page: Page, live: Live, scene: Scene) -> None:
    """The deletion requests, the waitlist and the admin's KVKK pages reflow or
    scroll inside their table: the page itself never scrolls sideways."""
    from booking.services import deletion

    with database(live.app) as session:
        deletion.request_deletion(session, session.get(User, scene.other_member.id),
                                  "Uzun bir açıklama " * 5, utcnow())
        session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, scene.admin.email, PASSWORD)
    page.goto("/privacy/acknowledge")
    page.get_by_role("button", name="Okudum, onaylıyorum").click()
    for path in ("/staff/deletion-requests", "/admin/privacy", "/admin/privacy/destructions",
                 "/admin/privacy/access-log", "/waitlist"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
