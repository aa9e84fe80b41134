"""Registry identity and verification in headless Chromium (SPEC §9;
docs/registry.md): staff switch the inbox to the verifications due, see their
count and the one that runs out soonest first, renew it with a method and a
note, and it leaves the list; a registration with a malformed DERBİS number
shows the field error naming the expected shape and keeps what was typed.
axe finds no serious or critical violation on either page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from booking.models import Organization, OrganizationVerification, Role
from tests.support.browser import Live, assert_accessible, screenshot, sign_in
from tests.support.factories import PASSWORD, make_organization, make_user
from tests.support.scene import Scene
from tests.support.web import ahead, database, scene_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def scene(live: Live) -> Scene:
    scene = scene_for(live.app)
    with database(live.app) as session:
        for n, (name, days) in enumerate([("Körfez Çevre Derneği", 20), ("Ilgaz Dayanışma Derneği", 9),
                                          ("Uzak Vade Derneği", 200)]):
            org = make_organization(session, name=name, registry_number=f"35-002-00{n + 1}",
                                    verified_at=ahead(days - 365, 10),
                                    verification_expires_at=ahead(days, 10))
            make_user(session, Role.MEMBER, org, name=f"Temsilci {n}", email=f"temsilci{n}@example.org")
        session.commit()
    return scene


def test_staff_renew_a_verification_due_and_it_leaves_the_due_list(page: Page, live: Live,
                                                                   scene: Scene) -> None:
    sign_in(page, scene.staff.email, PASSWORD)
    page.locator("header nav").get_by_role("link", name=re.compile("^Kuruluşlar")).click()
    filters = page.get_by_role("navigation", name="Kuruluşları süz")
    filters.get_by_role("link", name="Doğrulaması yaklaşanlar (2)").click()
    expect(page).to_have_url(re.compile(r"/staff/organizations\?status=due$"))
    expect(filters.get_by_role("link", name="Doğrulaması yaklaşanlar (2)")).to_have_attribute(
        "aria-current", "page")
    # The one that runs out soonest comes first; the one a long way off is not listed.
    rows = page.get_by_role("row")
    expect(rows).to_have_count(3)  # the header and the two due
    first = rows.nth(1)
    expect(first).to_contain_text("Ilgaz Dayanışma Derneği")
    expect(first).to_contain_text("tarihine kadar geçerli")
    expect(rows.nth(2)).to_contain_text("Körfez Çevre Derneği")
    expect(page.locator("main")).not_to_contain_text("Uzak Vade Derneği")
    assert_accessible(page)
    screenshot(page, "verification-due")

    first.get_by_label("Nasıl doğrulandı").select_option("document_seen")
    first.get_by_label("Not (isteğe bağlı)").fill("Güncel faaliyet belgesi görüldü")
    first.get_by_role("button", name=re.compile("^Yenile.*Ilgaz Dayanışma Derneği$")).click()
    expect(page.locator(".flash-ok")).to_contain_text("Ilgaz Dayanışma Derneği doğrulandı")
    expect(page).to_have_url(re.compile(r"/staff/organizations\?status=due$"))
    expect(filters.get_by_role("link", name="Doğrulaması yaklaşanlar (1)")).to_have_attribute(
        "aria-current", "page")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("Körfez Çevre Derneği")
    expect(page.locator("main table")).not_to_contain_text("Ilgaz Dayanışma Derneği")
    assert_accessible(page)
    with database(live.app) as session:
        renewed = session.query(Organization).filter_by(name="Ilgaz Dayanışma Derneği").one()
        [record] = session.query(OrganizationVerification).all()
        assert (record.organization_id, record.method.value, record.note) == (
            renewed.id, "document_seen", "Güncel faaliyet belgesi görüldü")
        assert renewed.verification_expires_at == record.expires_at


def test_a_malformed_derbis_number_at_registration_names_the_expected_shape(
        page: Page, live: Live) -> None:
    page.goto("/register")
    page.get_by_label("Kuruluşun adı").fill("Yamaç Gençlik Derneği")
    page.get_by_label("Kuruluş türü").select_option("association")
    number = page.get_by_label(re.compile("^Kayıt numarası"))
    number.fill("12-34")
    page.get_by_label("Kuruluşun e-posta adresi").fill("iletisim@yamac.org")
    page.get_by_label("Adınız soyadınız").fill("Deniz Yamaç")
    page.get_by_label("E-posta adresiniz").fill("deniz@yamac.org")
    page.get_by_label("Parola", exact=True).fill(PASSWORD)
    page.get_by_label("Parola (tekrar)").fill(PASSWORD)
    page.get_by_role("button", name="Kaydol").click()
    expect(number).to_have_attribute("aria-invalid", "true")
    expect(number).to_have_accessible_description(re.compile(
        "DERBİS kütük numarası 34-038-123 biçiminde olmalı"))
    expect(number).to_have_value("12-34")
    expect(page.get_by_label("Kuruluşun adı")).to_have_value("Yamaç Gençlik Derneği")
    expect(page.get_by_role("alert")).to_contain_text("34-038-123 biçiminde olmalı")
    assert_accessible(page)
    with database(live.app) as session:
        assert session.query(Organization).filter_by(name="Yamaç Gençlik Derneği").count() == 0
