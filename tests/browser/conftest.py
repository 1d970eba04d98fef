"""The browser tests' fixtures: the real service in its own process, one headless Chromium.

The service runs as `coresearch serve` on a free loopback port over a temporary data folder (the
embedded default: SQLite and documents on disk) after `coresearch demo` has loaded the demo
project, topped up through the API with what the portal's pages show (`realistic_data.py`); the
demo's printed passwords sign the tests in. One browser serves the whole session (starting one
costs ~0.35 s; a page plus axe ~0.2 s). These tests use neither the `backend` nor the `app`
fixture, so they run once, not once per backend. Under xdist each worker that is given browser
tests starts its own server and browser (docs/testing.md says why they are not grouped).

Chromium and chromedriver come from Debian (`chromium chromium-driver`), axe-core from npm
(`package-lock.json`); `./scripts/test` installs them. Missing, the tests skip with a loud
reason, and fail under CI=true (`harness.require_browser_tools`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.chrome.webdriver import WebDriver

from tests.browser.harness import Portal, RunningService, require_browser_tools, served_demo, start_browser
from tests.browser.realistic_data import PortalWorld, add_portal_data


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    """The service with the demo loaded, on a free loopback port, for the whole session."""
    require_browser_tools()
    with served_demo(tmp_path_factory.mktemp("browser-service")) as running:
        yield running


@pytest.fixture(scope="session")
def portal_world(service: RunningService) -> PortalWorld:
    """The demo topped up with money, consents and agreements to accept."""
    return add_portal_data(service)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """One headless Chromium for the whole session."""
    require_browser_tools()
    driver = start_browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def portal(browser: WebDriver, service: RunningService, portal_world: PortalWorld) -> Portal:
    """The browser on the portal of the topped-up demo."""
    return Portal(browser, service)
