"""The harness itself: the served process answers and axe-core runs in the browser."""

from __future__ import annotations

from selenium.webdriver.chrome.webdriver import WebDriver

from tests.browser.conftest import RunningService, axe


def test_the_api_docs_page_loads_from_the_service_and_axe_runs_on_it(
    service: RunningService, browser: WebDriver
) -> None:
    browser.get(service.url("/schema"))

    assert "coresearch API" in browser.title
    violations = axe(browser)
    assert isinstance(violations, list)
    assert all(violation["nodes"] for violation in violations)
