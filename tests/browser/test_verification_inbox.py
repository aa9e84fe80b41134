"""The verification inbox in headless Chromium: staff open it from the count in
the menu, verify the next organisation, and the count drops; axe finds no
serious or critical violation on it."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from booking.models import Organization, OrganizationVerification, Role, utcnow
from tests.support.browser import Live, assert_accessible, screenshot, sign_in
from tests.support.factories import PASSWORD, make_organization, make_user
from tests.support.scene import Scene
from tests.support.web import database, scene_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def scene(live: Live) -> Scene:
    scene = scene_for(live.app)
    with database(live.app) as session:
        for n, name in enumerate(["Işıklı Gençlik Derneği", "Çınar Kadın Kooperatifi"]):
            org = make_organization(session, name=name, is_verified=False,
                                    registry_number=f"35-001-00{n + 1}", email=f"iletisim{n}@example.org",
                                    created_at=utcnow() - timedelta(days=10 - n))
            make_user(session, Role.MEMBER, org, name=f"Kurucu {n}", email=f"kurucu{n}@example.org")
        session.commit()
    return scene


def test_staff_verify_from_the_menu_count_and_the_count_drops(page: Page, live: Live,
                                                              scene: Scene) -> None:
    sign_in(page, scene.staff.email, PASSWORD)
    menu = page.locator("header nav")
    link = menu.get_by_role("link", name="Kuruluşlar (2 kuruluş doğrulama bekliyor)")
    expect(link).to_have_text(re.compile(r"Kuruluşlar \(2\)"))
    link.click()
    expect(page).to_have_url(re.compile("/staff/organizations$"))
    expect(page.get_by_role("link", name="Doğrulama bekleyenler (2)")).to_have_attribute(
        "aria-current", "page")
    # The oldest registration comes first, with its first member.
    first = page.get_by_role("row").nth(1)
    expect(first).to_contain_text("Işıklı Gençlik Derneği")
    expect(first).to_contain_text("kurucu0@example.org")
    expect(first).to_contain_text("DERBİS kütük numarası: 35-001-001")
    assert_accessible(page)
    screenshot(page, "staff-verification-inbox")
    # Staff say how they verified (the browser asks for it first) and may add a note.
    first.get_by_label("Nasıl doğrulandı").select_option("registry_checked")
    first.get_by_label("Not (isteğe bağlı)").fill("DERBİS'te kayıt görüldü")
    first.get_by_role("button", name=re.compile("Doğrula.*Işıklı Gençlik Derneği")).click()
    expect(page.locator(".flash-ok")).to_contain_text("Işıklı Gençlik Derneği doğrulandı")
    expect(page).to_have_url(re.compile(r"/staff/organizations\?status=awaiting$"))
    expect(menu.get_by_role("link", name="Kuruluşlar (1 kuruluş doğrulama bekliyor)")).to_have_text(
        re.compile(r"Kuruluşlar \(1\)"))
    expect(page.get_by_role("row")).to_have_count(2)  # the header and the next one
    expect(page.get_by_role("row").nth(1)).to_contain_text("Çınar Kadın Kooperatifi")
    assert_accessible(page)
    with database(live.app) as session:
        assert session.query(Organization).filter_by(is_verified=False).count() == 1
        [record] = session.query(OrganizationVerification).all()
        assert (record.method.value, record.note) == ("registry_checked", "DERBİS'te kayıt görüldü")
