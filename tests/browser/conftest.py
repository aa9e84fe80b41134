"""The browser tests' fixtures: the live app (``live``), headless Chromium
(``browser``, one per module) and a fresh tab (``page``): tests/support/browser.py."""
from tests.support.browser import (
    browser_fixture,
    live_config_fixture,
    live_fixture,
    page_fixture,
)

__all__ = ["browser_fixture", "live_config_fixture", "live_fixture", "page_fixture"]
