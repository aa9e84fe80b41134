"""The live app and headless Chromium for the browser tests (fixtures ``live``,
``browser`` and ``page``, registered by tests/browser/conftest.py; a module
changes the live app's settings by overriding ``live_config``).

The app runs on SQLite in a werkzeug server thread on 127.0.0.1; Chromium is
Debian's (``/usr/bin/chromium``), driven by Playwright. Without it the tests
are skipped with the reason, unless ``CI=true``: then they fail.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from booking import create_app
from booking.extensions import db
from tests.support.mailbox import Mailbox, free_port, smtp_server
from tests.support.paths import ROOT

CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass
class Live:
    app: Flask
    url: str
    mailbox: Mailbox


@pytest.fixture(name="live_config")
def live_config_fixture() -> dict[str, object]:
    """Override in a test module to change the live app's settings."""
    return {}


@pytest.fixture(name="live")
def live_fixture(database_url: str, tmp_path: Path,
                 live_config: dict[str, object]) -> Iterator[Live]:
    """The app with CSRF on, served from a thread, with a real SMTP server, on
    each engine of the run (``database_url``: SQLite and PostgreSQL)."""
    require_chromium()
    port, smtp_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    app = create_app({
        "TESTING": True, "SECRET_KEY": "browser-test", "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False,
        "BASE_URL": url, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_TIMEOUT": 5,
        "ROOM_PHOTO_DIR": str(tmp_path / "photos"),
        **live_config,
    })
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    with smtp_server(smtp_port) as mailbox:
        thread.start()
        try:
            yield Live(app, url, mailbox)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture(name="browser", scope="module")
def browser_fixture() -> Iterator[Browser]:
    require_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(name="page")
def page_fixture(browser: Browser, live: Live) -> Iterator[Page]:
    context = browser.new_context(base_url=live.url, locale="tr-TR",
                                  viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    # Whatever the Content-Security-Policy blocked (an inline script or style, a
    # handler attribute) fails the test: Chromium reports each on the console.
    refused: list[str] = []
    tab.on("console", lambda message: refused.append(f"{tab.url}: {message.text}")
           if "Content Security Policy" in message.text else None)
    yield tab
    context.close()
    assert not refused, "blocked by the CSP:\n" + "\n".join(refused)


def axe_violations(page: Page) -> list[str]:
    """Serious and critical axe-core findings on the current page, as readable lines."""
    # Evaluated, not added as a <script> tag: the page's CSP allows no inline script.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    # Only violations are read: axe then skips the detail of every passing check.
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


def assert_accessible(page: Page) -> None:
    found = axe_violations(page)
    assert not found, f"{page.url}:\n" + "\n".join(found)


def screenshot(page: Page, name: str, full_page: bool = True) -> None:
    """Refresh docs/screenshots/NAME.png, only when asked (``make screenshots``):
    an ordinary test run leaves the tracked pictures alone."""
    if os.environ.get("BOOKING_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-posta").fill(email)
    page.get_by_label("Parola", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Giriş yap").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, page.content()[:2000]


def sign_out(page: Page) -> None:
    page.locator("header").get_by_role("button", name="Çıkış").click()
    page.wait_for_url("**/")
