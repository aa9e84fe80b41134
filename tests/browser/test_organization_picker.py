"""The organisation pickers (staff booking for an organisation, admin user
forms) list hundreds of organisations; in Chromium a search box above the list
narrows it by Turkish case rules and never swaps the chosen one silently."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import Live, assert_accessible, sign_in
from tests.support.factories import PASSWORD, make_organization
from tests.support.web import database, scene_for

pytestmark = [pytest.mark.browser]

NAMES = ["İzmir Gönüllüleri Derneği", "Işık Çocuk Vakfı", "Ilgaz Dağcılık Kulübü",
         "Yeşil Şehir Platformu"] + [f"Mahalle Derneği {i:03d}" for i in range(300)]


def _option_texts(page: Page) -> list[str]:
    return page.locator("#organization_id option").all_inner_texts()


def test_staff_find_an_organisation_by_typing_in_turkish(live: Live, page: Page) -> None:
    scene = scene_for(live.app)
    with database(live.app) as session:
        for name in NAMES:
            make_organization(session, name=name)
        session.commit()
    sign_in(page, scene.staff.email, PASSWORD)
    page.goto("/bookings/new")
    picker = page.get_by_label("Kuruluş", exact=True)
    search = page.get_by_label("Kuruluş ara")
    total = len(_option_texts(page))
    assert total > 300
    search.fill("izmir")  # "İ" folds to "i" under Turkish rules
    expect(page.locator("#organization_id-filter-status")).to_have_text(
        f"{total} seçenekten 1 tanesi eşleşiyor")
    texts = _option_texts(page)
    assert "İzmir Gönüllüleri Derneği" in texts and "Ilgaz Dağcılık Kulübü" not in texts
    search.fill("ışık")  # dotless ı is its own letter
    assert "Işık Çocuk Vakfı" in _option_texts(page)
    assert "Ilgaz Dağcılık Kulübü" not in _option_texts(page)
    search.fill("mahalle 12")  # every word, in any order of appearance
    matched = [t for t in _option_texts(page) if t.startswith("Mahalle")]
    assert matched == [f"Mahalle Derneği {i:03d}" for i in range(300) if "12" in f"{i:03d}"]
    picker.select_option(label="Mahalle Derneği 120")
    search.fill("yeşil")  # the chosen organisation stays chosen while the list changes
    assert page.locator("#organization_id option:checked").inner_text() == "Mahalle Derneği 120"
    assert "Yeşil Şehir Platformu" in _option_texts(page)
    search.fill("")
    assert len(_option_texts(page)) == total
    expect(page.locator("#organization_id-filter-status")).to_have_text("")
    assert_accessible(page)


def test_the_admin_user_form_has_the_same_search(live: Live, page: Page) -> None:
    scene = scene_for(live.app)
    with database(live.app) as session:
        make_organization(session, name="Yeşil Şehir Platformu")
        session.commit()
    sign_in(page, scene.admin.email, PASSWORD)
    page.goto(f"/admin/users/{scene.member.id}")
    page.get_by_label("Kuruluş ara").fill("yeşil şehir")
    page.get_by_label("Kuruluş", exact=True).select_option(label="Yeşil Şehir Platformu")
    assert page.locator("#organization_id option:checked").inner_text() == "Yeşil Şehir Platformu"
