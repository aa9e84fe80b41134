"""An admin adds a photo on the room's admin page; a visitor then sees it on
the room page with its alt text, beside the floor, the address with its map
link and the accessibility attributes (axe clean on both pages)."""
from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from tests.support.browser import Live, assert_accessible, screenshot, sign_in
from tests.support.factories import PASSWORD
from tests.support.scene import Scene
from tests.support.web import database, scene_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _hall_picture() -> bytes:
    """A drawn hall (rows of chairs before a stage), made here, not committed."""
    image = Image.new("RGB", (1800, 1100), (236, 230, 218))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1800, 260), fill=(120, 70, 60))
    draw.rectangle((300, 120, 1500, 300), fill=(70, 40, 35))
    for row in range(6):
        for seat in range(14):
            x, y = 180 + seat * 105, 420 + row * 110
            draw.rounded_rectangle((x, y, x + 70, y + 60), radius=10, fill=(30, 90, 150))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


@pytest.fixture
def scene(live: Live) -> Scene:
    scene = scene_for(live.app)
    with database(live.app) as session:
        center = session.get(type(scene.center), scene.center.id)
        center.address, center.district, center.postal_code = \
            "Manas Bulvarı No: 39", "Bayraklı", "35530"
        center.latitude, center.longitude = 38.4631, 27.1653
        room = session.get(type(scene.room), scene.room.id)
        room.floor_level = 1
        room.features = ["projector", "wifi"]
        room.accessibility = ["step_free_entrance", "lift", "accessible_wc"]
        session.commit()
    return scene


def test_an_admin_adds_a_photo_and_a_visitor_sees_it_with_its_alt_text(
        page: Page, live: Live, scene: Scene) -> None:
    sign_in(page, scene.admin.email, PASSWORD)
    page.goto(f"/admin/rooms/{scene.room.id}")
    page.get_by_label("Fotoğraf (JPEG, PNG ya da WebP)").set_input_files(
        files=[{"name": "salon.jpg", "mimeType": "image/jpeg", "buffer": _hall_picture()}])
    page.get_by_label("Fotoğrafın açıklaması (Türkçe)").last.fill(
        "Sahneye bakan mavi sandalye sıraları")
    page.get_by_role("button", name="Fotoğrafı yükle").click()
    expect(page.get_by_text("Fotoğraf eklendi.")).to_be_visible()
    expect(page.get_by_role("img", name="Sahneye bakan mavi sandalye sıraları")).to_be_visible()
    assert_accessible(page)
    page.locator("header").get_by_role("button", name="Çıkış").click()
    page.goto(f"/rooms/{scene.room.id}")
    photo = page.get_by_role("img", name="Sahneye bakan mavi sandalye sıraları")
    expect(photo).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", photo.element_handle()) == 1600
    info = page.get_by_role("region", name="Salon bilgileri")
    expect(info).to_contain_text("1. kat")
    expect(info).to_contain_text("Manas Bulvarı No: 39 · 35530 Bayraklı")
    expect(info.get_by_role("list", name="Erişilebilirlik")).to_contain_text("Basamaksız giriş")
    expect(info.get_by_role("link", name="Haritada göster (OpenStreetMap)")).to_have_attribute(
        "href", "https://www.openstreetmap.org/?mlat=38.4631&mlon=27.1653#map=18/38.4631/27.1653")
    assert_accessible(page)
    screenshot(page, "room-page")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(photo).to_be_visible()
    assert_accessible(page)
    screenshot(page, "phone-room-page")
