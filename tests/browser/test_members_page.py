"""The members page and the invitation page in headless Chromium (SPEC §9;
docs/representatives.md): a representative opens the page from the menu,
invites a colleague (listed as pending), makes a member a representative and
sees the role change; the invited person registers from the mailed link and is
signed in as a member of the organisation. axe finds no serious or critical
violation on either page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from booking.models import OrganizationRole, User
from tests.support.browser import Live, assert_accessible, screenshot, sign_in, sign_out
from tests.support.factories import PASSWORD, make_organization, make_user
from tests.support.mailbox import Mailbox, parts
from tests.support.web import database

pytestmark = [pytest.mark.browser, pytest.mark.slow]
REP, MEMBER = OrganizationRole.REPRESENTATIVE, OrganizationRole.MEMBER


@pytest.fixture
def people(live: Live) -> tuple[int, int]:
    with database(live.app) as session:
        org = make_organization(session, name="Kıyı Gönüllüleri")
        make_user(session, organization=org, name="Reyhan Temsilci", organization_role=REP,
              email="reyhan@example.org")
        member = make_user(session, organization=org, name="Metin Üye", organization_role=MEMBER,
                           email="metin@example.org")
        session.commit()
        return org.id, member.id


def _invitation_path(mailbox: Mailbox, address: str) -> str:
    mailbox.wait_for(1)
    [mail] = mailbox.to(address)
    assert mail["X-Booking-Notification"] == "invitation_to_organization"
    text, html = parts(mail)
    match = re.search(r"https?://[^/\s]+(/invitations/\S+)", text)
    assert match and match.group(1) in html, text
    return match.group(1)


def test_a_representative_invites_and_promotes_and_the_invited_person_joins_from_the_link(
        page: Page, live: Live, people: tuple[int, int]) -> None:
    organization_id, member_id = people
    sign_in(page, "reyhan@example.org", PASSWORD)
    page.locator("header nav").get_by_role("link", name="Üyeler").click()
    expect(page).to_have_url(re.compile("/organization/members$"))
    expect(page).to_have_title(re.compile(r"^Kuruluşun üyeleri · [^<]*$"))
    expect(page.get_by_role("heading", name="Kıyı Gönüllüleri: üyeler")).to_be_visible()

    # An invitation by e-mail, listed as pending.
    invite = page.locator("#invite")
    invite.get_by_label("E-posta adresi").fill("selin@example.org")
    invite.get_by_label("Rol").select_option("member")
    invite.get_by_role("button", name="Davet gönder").click()
    expect(page.locator(".flash-ok")).to_contain_text("selin@example.org adresine davet gönderildi")
    pending = page.get_by_role("region", name="Bekleyen davetler")
    expect(pending.get_by_role("row", name=re.compile("selin@example.org"))).to_contain_text("Üye")

    # Metin becomes a representative (the browser asks first).
    metin = page.get_by_role("region", name="Kişiler").get_by_role("row", name=re.compile("Metin Üye"))
    expect(metin.get_by_role("cell").nth(2)).to_have_text("Üye")
    page.once("dialog", lambda dialog: dialog.accept())
    metin.get_by_role("button", name="Temsilci yap").click()
    expect(page.locator(".flash-ok")).to_contain_text("Metin Üye artık kuruluşun temsilcisi")
    expect(metin.get_by_role("cell").nth(2)).to_have_text("Temsilci")
    expect(metin.get_by_role("button", name="Üye yap")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "members-page")
    sign_out(page)

    # The invited person registers from the mailed link and is signed in.
    page.goto(_invitation_path(live.mailbox, "selin@example.org"))
    expect(page.get_by_role("heading", name="Kıyı Gönüllüleri kuruluşuna katılın")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Rolünüz: Üye")
    page.get_by_label("Adınız soyadınız").fill("Selin Yıldız")
    page.get_by_label("Parola", exact=True).fill(PASSWORD)
    page.get_by_label("Parola (tekrar)").fill(PASSWORD)
    assert_accessible(page)
    screenshot(page, "invitation-page")
    page.get_by_role("button", name="Daveti kabul et ve kaydol").click()
    expect(page.locator(".flash-ok")).to_contain_text(
        "Hoş geldiniz! Artık Kıyı Gönüllüleri kuruluşunun üyesisiniz.")
    expect(page.locator("header").get_by_role("button", name="Çıkış")).to_be_visible()
    assert_accessible(page)
    with database(live.app) as session:
        selin = session.query(User).filter_by(email="selin@example.org").one()
        assert (selin.organization_id, selin.organization_role) == (organization_id, MEMBER)
        assert session.get(User, member_id).organization_role == REP
