"""Screenshots of the main portal pages as Åse Bjørnstad sees them, in bokmål and English.

They go to the folder COSEARCH_SCREENSHOTS names (`docs/portal/` to refresh the documentation's
pictures, docs/portal.md), else to a temporary folder, so a normal run leaves the tree clean.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.browser.harness import DESKTOP, NARROW, Portal, RunningService, set_viewport, start_browser
from tests.browser.realistic_data import PortalWorld

MAIN_PAGES = {
    "home": "/portal/",
    "tasks": "/portal/tasks",
    "meetings": "/portal/meetings",
    "payments": "/portal/payments",
    "impact": "/portal/impact",
    "agreements": "/portal/agreements",
    "consent": "/portal/consent",
    "evaluation": "/portal/evaluation",
    "my-data": "/portal/my-data",
}
SHOTS = [(page, lang, DESKTOP[0]) for page in MAIN_PAGES for lang in ("nb", "en")] + [
    ("home", "nb", NARROW[0])
]
# A screenshot is as tall as the page, within these bounds (a long page is cut at the bottom).
MIN_HEIGHT, MAX_HEIGHT = 480, 1000


@pytest.fixture(scope="module")
def ase_session(
    service: RunningService, portal_world: PortalWorld, tmp_path_factory: pytest.TempPathFactory
) -> list[dict[str, Any]]:
    """Åse's portal cookies, from one sign-in through the form."""
    driver = start_browser(tmp_path_factory.mktemp("chromium-sign-in"))
    try:
        Portal(driver, service).sign_in("ase")
        cookies: list[dict[str, Any]] = driver.get_cookies()
        return cookies
    finally:
        driver.quit()


@contextmanager
def fresh_browser(service: RunningService, cookies: list[dict[str, Any]], profile: Path) -> Iterator[Portal]:
    """A new browser with Åse's session and an empty history: no link in a picture shows as
    visited because an earlier picture opened its page."""
    driver = start_browser(profile)
    try:
        for cookie in cookies:
            driver.execute_cdp_cmd(
                "Network.setCookie",
                {
                    "url": service.url(cookie["path"]),
                    **{
                        key: cookie[key]
                        for key in ("name", "value", "path", "httpOnly", "secure")
                        if key in cookie
                    },
                },
            )
        portal = Portal(driver, service)
        portal.person = "ase"
        yield portal
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def screenshot_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """COSEARCH_SCREENSHOTS, or a temporary folder."""
    named = os.environ.get("COSEARCH_SCREENSHOTS")
    folder = Path(named) if named else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize(("page", "lang", "width"), SHOTS, ids=[f"{p}-{lang}-{w}" for p, lang, w in SHOTS])
def test_a_screenshot_of_the_page_is_saved(
    service: RunningService,
    ase_session: list[dict[str, Any]],
    screenshot_folder: Path,
    tmp_path: Path,
    page: str,
    lang: str,
    width: int,
) -> None:
    suffix = "" if width == DESKTOP[0] else f"-{width}"
    path = screenshot_folder / f"portal-{page}-{lang}{suffix}.png"
    with fresh_browser(service, ase_session, tmp_path / "profile") as portal:
        set_viewport(portal.driver, width, DESKTOP[1])
        portal.open(MAIN_PAGES[page], lang)
        height = portal.driver.execute_script("return document.documentElement.scrollHeight")
        set_viewport(portal.driver, width, max(MIN_HEIGHT, min(int(height), MAX_HEIGHT)))
        assert portal.driver.save_screenshot(str(path))

    assert path.read_bytes().startswith(b"\x89PNG") and path.stat().st_size > 5_000
