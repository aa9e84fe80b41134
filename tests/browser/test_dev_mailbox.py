"""The development mailbox in headless Chromium: an admin approves a request
from the staff queue, the sender runs (as the embedded scheduler of `make run`
would) and the admin reads the approval mail, its HTML part and its .ics at
/dev/mail; a hostile HTML part runs no script and fetches nothing."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from booking.extensions import db
from booking.models import BookingStatus, utcnow
from booking.notifications.mailbox import InstanceMailer
from booking.notifications.mailer import build_email
from booking.notifications.sender import deliver_due
from tests.support.browser import Live, assert_accessible, sign_in
from tests.support.factories import PASSWORD, make_booking
from tests.support.scene import Scene
from tests.support.web import ahead, database, scene_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TITLE = "Gönüllü eğitimi"


@pytest.fixture
def live_config(tmp_path: Path) -> dict[str, object]:
    return {"MAIL_BACKEND": "instance", "MAIL_DIR": str(tmp_path / "mail")}


@pytest.fixture
def scene(live: Live) -> Scene:
    return scene_for(live.app)


def test_an_admin_reads_the_approval_mail_and_its_ics(page: Page, live: Live,
                                                      scene: Scene) -> None:
    start = ahead(5, 10)
    while start.weekday() >= 5:
        start += timedelta(days=1)
    with database(live.app) as session:
        make_booking(session, session.merge(scene.room), start, 60, BookingStatus.PENDING,
                     organization=session.merge(scene.org),
                     created_by=session.merge(scene.member), title=TITLE)
        session.commit()

    sign_in(page, scene.admin.email, PASSWORD)
    page.goto("/staff/queue")
    page.locator(".queue-item", has_text=TITLE).get_by_role(
        "button", name=re.compile("Onayla")).click()
    expect(page.locator(".flash-ok")).to_contain_text("onaylandı")
    with live.app.app_context():  # the embedded scheduler's job under `make run`
        try:
            assert len(deliver_due(utcnow()).sent) >= 1
        finally:
            db.session.remove()
    assert live.mailbox.messages == []  # nothing went to the SMTP server

    page.goto("/admin/")
    page.get_by_role("link", name="Geliştirme posta kutusu").click()
    expect(page).to_have_url(re.compile("/dev/mail/$"))
    row = page.get_by_role("row", name=re.compile(f"Rezervasyonunuz onaylandı: {TITLE}"))
    expect(row).to_contain_text(scene.member.email)
    expect(row).to_contain_text("approved")
    assert_accessible(page)
    row.get_by_role("link").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.locator(".dev-mail-text")).to_contain_text("Rezervasyonunuz onaylandı.")
    frame = page.frame_locator("iframe.dev-mail-html")
    expect(frame.locator("body")).to_contain_text("Rezervasyonunuz onaylandı.")
    assert page.locator("iframe.dev-mail-html").get_attribute("sandbox") == ""
    assert_accessible(page)

    link = page.get_by_role("link", name=re.compile(r"\.ics$"))
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = Path(download.path()).read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in calendar and TITLE in calendar


HOSTILE = ('<p id="said">ok</p>'
           '<script>document.getElementById("said").textContent = "ran";'
           'parent.document.title = "pwned";</script>'
           # A picture the server would serve, were it asked.
           '<img alt="" src="{url}/static/app.css?tracker">')


def test_a_hostile_html_part_runs_nothing_and_fetches_nothing(browser: Browser, live: Live,
                                                              scene: Scene) -> None:
    message_id = InstanceMailer(live.app.config["MAIL_DIR"]).send(build_email(
        sender="a@localhost", recipient="b@example.org", recipient_name=None,
        subject="<b>Konu</b>", text="düz metin", html=HOSTILE.format(url=live.url),
        message_id="<x@localhost>", language="tr", kind="test"))
    # Not the `page` fixture: here the policy refusing things is the point.
    context = browser.new_context(base_url=live.url, locale="tr-TR")
    tab = context.new_page()
    refused: list[str] = []
    tab.on("console", lambda message: refused.append(message.text))
    fetched: list[str] = []  # answers received: a request the policy blocks gets none
    tab.on("response", lambda response: fetched.append(response.url))
    try:
        sign_in(tab, scene.admin.email, PASSWORD)
        tab.goto(f"/dev/mail/{message_id}")
        expect(tab.get_by_role("heading", level=1)).to_have_text("<b>Konu</b>")  # as text
        frame = tab.frame_locator("iframe.dev-mail-html")
        expect(frame.locator("#said")).to_have_text("ok")
        tab.wait_for_timeout(300)
        assert frame.locator("#said").inner_text() == "ok"  # the script never ran
        assert "pwned" not in tab.title()
        assert not any("tracker" in url for url in fetched), fetched
        assert any("Content Security Policy" in text for text in refused), refused
    finally:
        context.close()
