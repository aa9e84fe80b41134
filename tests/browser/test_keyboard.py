"""A staff member's day and a member's first steps with the keyboard alone
(Tab, Enter, typing) in headless Chromium: after every form the focus lands on
what the page has to say (the message, the error summary, the row), so the
keyboard goes on from there and a screen reader reads it out."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from booking.models import Booking, BookingStatus, Closure, Organization, utcnow
from tests.support.browser import Live, assert_accessible
from tests.support.factories import PASSWORD, make_booking
from tests.support.scene import Scene
from tests.support.web import ahead, confirmation_link, database, page_day, scene_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FOCUSED = """() => { const e = document.activeElement;
  return {tag: e.tagName, id: e.id, text: (e.innerText || '').trim(),
          describedby: e.getAttribute('aria-describedby') || ''}; }"""


@pytest.fixture
def scene(live: Live) -> Scene:
    scene = scene_for(live.app)
    with database(live.app) as session:
        room, org, other = (session.merge(scene.room), session.merge(scene.org),
                            session.merge(scene.other_org))
        make_booking(session, room, ahead(3, 10), 60, BookingStatus.PENDING, organization=org,
                     title="Çocuk hakları semineri")
        make_booking(session, room, ahead(4, 14), 60, BookingStatus.PENDING, organization=other,
                     title="Yeşil şehir toplantısı")
        make_booking(session, room, utcnow() - timedelta(hours=5), 60, BookingStatus.APPROVED,
                     organization=org, title="Dünkü panel", expected_attendees=30)
        make_booking(session, room, utcnow() - timedelta(days=3), 60, BookingStatus.APPROVED,
                     organization=other, title="Geçen haftaki atölye", expected_attendees=15)
        session.commit()
    return scene


def _focused(page: Page) -> dict:
    return page.evaluate(FOCUSED)


def _tab_to(page: Page, predicate, limit: int = 80) -> dict:
    """Press Tab until the focused element matches; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if predicate(focused):
            return focused
    raise AssertionError(f"the keyboard never reached it; last: {focused}")


def _enter(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _status(live: Live, title: str) -> BookingStatus:
    with database(live.app) as session:
        return session.scalar(select(Booking.status).where(Booking.title == title))


def test_a_staff_members_day_by_keyboard_lands_the_focus_on_each_answer(
        page: Page, live: Live, scene: Scene) -> None:
    # Sign in: the welcome is focused, and the next Tab is in the queue, not the menu.
    page.goto("/login")
    _tab_to(page, lambda f: f["id"] == "email")
    page.keyboard.type(scene.staff.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    _enter(page)
    expect(page).to_have_url(re.compile("/staff/queue$"))
    assert _focused(page)["text"].endswith(f"Hoş geldiniz, {scene.staff.name}.")
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Bir kuruluş adına rezervasyon yap"

    # Approve the first request with Enter; the confirmation gets the focus.
    _tab_to(page, lambda f: f["text"].startswith("Onayla") and "Çocuk hakları" in f["text"])
    _enter(page)
    assert "“Çocuk hakları semineri” onaylandı." in _focused(page)["text"]
    assert _status(live, "Çocuk hakları semineri") == BookingStatus.APPROVED

    # Reject the other with a reason typed in its box.
    _tab_to(page, lambda f: f["tag"] == "TEXTAREA")
    page.keyboard.type("O gün salon bakımda.")
    page.keyboard.press("Tab")
    assert _focused(page)["text"].startswith("Reddet")
    _enter(page)
    assert "“Yeşil şehir toplantısı” reddedildi." in _focused(page)["text"]
    assert _status(live, "Yeşil şehir toplantısı") == BookingStatus.REJECTED

    # Attendance: a number the room cannot hold comes back on its row, as typed;
    # the focus is on the error summary, whose link leads to the box.
    _tab_to(page, lambda f: f["text"] == "Katılım")
    _enter(page)
    _tab_to(page, lambda f: f["id"].startswith("actual-"))
    page.keyboard.type("400")
    _enter(page)
    focused = _focused(page)
    assert focused["text"].startswith("⚠ Gönderilemedi:") and "Dünkü panel" in focused["text"]
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    box = page.get_by_label("Gelen kişi sayısı: Dünkü panel")
    expect(box).to_be_focused()
    expect(box).to_have_value("400")
    expect(box).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.keyboard.press("Control+A")
    page.keyboard.type("28")
    _enter(page)
    # The confirmation is focused, just above the next event still to record.
    assert _focused(page)["text"].endswith("“Dünkü panel” için katılım kaydedildi.")
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Geçen haftaki atölye"
    page.keyboard.press("Tab")
    expect(page.get_by_label("Gelen kişi sayısı: Geçen haftaki atölye")).to_be_focused()
    page.keyboard.type("14")
    _enter(page)
    # A correction returns to its row, described by the confirmation.
    box = page.get_by_label("Gelen kişi sayısı: Dünkü panel")
    box.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("29")
    _enter(page)
    focused = _focused(page)
    assert focused["tag"] == "TR" and focused["id"].startswith("booking-")
    message = page.locator(f"#{focused['describedby']}")
    expect(message).to_contain_text("“Dünkü panel” için katılım kaydedildi.")
    expect(page.locator(f"#{focused['id']}")).to_contain_text("Dünkü panel")

    # A closure: sent empty, the summary is focused and each link reaches its field.
    page.goto("/staff/closures")
    expect(page.locator('.site-nav a[aria-current="page"]')).to_have_text("Kapanışlar")
    _tab_to(page, lambda f: f["text"] == "Kapanışı ekle")
    _enter(page)
    assert _focused(page)["text"].startswith("⚠ Gönderilemedi:")
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Başlangıç tarihi: Bu alan gerekli."
    page.keyboard.press("Enter")
    expect(page.get_by_label("Başlangıç tarihi")).to_be_focused()
    assert_accessible(page)
    day = ahead(10, 0).date().isoformat()
    page.get_by_label("Başlangıç tarihi").fill(day)
    page.get_by_label("Bitiş tarihi").fill(day)
    page.get_by_label("Neden").fill("Boya badana")
    page.get_by_label("Neden").focus()
    _enter(page)
    assert _focused(page)["text"].endswith("Kapanış eklendi.")
    with database(live.app) as session:
        assert session.scalar(select(Closure.reason)) == "Boya badana"

    # The report: its filter is reached and sent with the keyboard; each select
    # is named by its label alone (not by its options: "Yıl 2027202620252024").
    page.goto("/reports/")
    expect(page.get_by_role("combobox", name="Yıl", exact=True)).to_be_visible()
    expect(page.get_by_role("combobox", name="Merkez", exact=True)).to_be_visible()
    # Read in browse mode, each label is its word alone.
    expect(page.locator(".report-filter label").first).to_have_text("Yıl")
    _tab_to(page, lambda f: f["text"] == "Göster")
    _enter(page)
    expect(page.locator("h1")).to_contain_text("faaliyet raporu")


def test_a_page_without_a_message_keeps_the_usual_start_and_the_skip_link(
        page: Page, live: Live, scene: Scene) -> None:
    page.goto("/centers")
    assert _focused(page)["tag"] == "BODY"
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="İçeriğe geç")).to_be_focused()


def test_a_members_first_week_in_english_by_keyboard(page: Page, live: Live,
                                                     scene: Scene) -> None:
    page.goto("/")
    page.get_by_label("Dil", exact=True).select_option("en")
    page.get_by_role("button", name="Dili değiştir").click()
    page.goto("/register")
    expect(page).to_have_title("Register an organisation · Civil Society Centres")
    page.get_by_label("Organisation name").focus()
    page.keyboard.type("Yelken Gençlik Kulübü")
    page.get_by_label("Organisation e-mail address").focus()
    page.keyboard.type("yelken@")
    page.get_by_label("Your full name").focus()
    page.keyboard.type("Ece Su")
    page.get_by_label("Your e-mail address").focus()
    page.keyboard.type("ece@yelken.example.org")
    for label in ("Password", "Password (again)"):
        page.get_by_label(label, exact=True).focus()
        page.keyboard.type(PASSWORD)
    _enter(page)
    # The title says it failed; the summary is focused and leads to the field.
    expect(page).to_have_title(re.compile("^Error: Register an organisation"))
    assert _focused(page)["text"].startswith("⚠ Not sent:")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Organisation e-mail address")).to_be_focused()
    expect(page.get_by_label("Your full name")).to_have_value("Ece Su")
    page.keyboard.press("Control+A")
    page.keyboard.type("info@yelken.example.org")
    for label in ("Password", "Password (again)"):
        page.get_by_label(label, exact=True).focus()
        page.keyboard.type(PASSWORD)
    _enter(page)
    assert _focused(page)["text"].startswith("✓ We sent an e-mail to the address you entered.")
    page.goto(confirmation_link(live.mailbox, "ece@yelken.example.org"))
    _tab_to(page, lambda f: f["text"] == "Confirm my address and sign in")
    _enter(page)
    assert _focused(page)["text"].startswith("✓ Your address is confirmed")

    with database(live.app) as session:
        session.scalar(select(Organization).where(
            Organization.name == "Yelken Gençlik Kulübü")).is_verified = True
        session.commit()

    # A free gap of the room's week, reached with Tab; the arrows move the
    # start from 08:00 to 10:00 and Enter opens the filled-in form.
    start = ahead(8, 10)
    while start.weekday() >= 5:
        start += timedelta(days=1)
    page.goto(f"/rooms/{scene.room.id}?week={start.date().isoformat()}")
    when = page_day(live.app, start.date(), "EEEE d MMMM", "en")
    _tab_to(page, lambda f: f["tag"] == "A" and "request:" in f["text"]
            and f["text"].endswith(f" {when}"), limit=200)
    for _ in range(8):
        page.keyboard.press("ArrowDown")
    expect(page.locator("#tl-live")).to_have_text(
        f"{page_day(live.app, start.date(), 'EEEE', 'en')} 10:00–11:00 selected")
    _enter(page)
    expect(page.get_by_label("Start time", exact=True)).to_have_value("10:00")
    page.get_by_label("Title", exact=True).focus()
    page.keyboard.type("Sailing club meeting")
    page.get_by_label("Expected number of attendees").focus()
    page.keyboard.type("12")
    _tab_to(page, lambda f: f["text"] == "Send request")
    _enter(page)
    assert _focused(page)["text"].startswith("✓ Your request was received")

    # The calendar link, on "My calendars": its section is focused, described by a
    # message that speaks of no old link (this is the first one); the address follows.
    page.goto("/profile/calendars")
    page.get_by_role("button", name="Create a calendar link").focus()
    _enter(page)
    focused = _focused(page)
    assert focused["id"] == "personal"
    message = page.locator(f"#{focused['describedby']}")
    expect(message).to_have_text(re.compile("Your calendar link is ready"))
    expect(message).not_to_contain_text("old link")
    address = page.locator("#personal-feed-url")
    _tab_to(page, lambda f: f["tag"] == "INPUT" and f["id"] == "personal-feed-url", limit=40)
    expect(address).to_be_focused()
    assert address.input_value().startswith("http")
    assert_accessible(page)
