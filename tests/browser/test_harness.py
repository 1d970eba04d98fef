"""The harness itself: the served process answers and axe-core runs in the browser."""

from __future__ import annotations

from selenium.webdriver.chrome.webdriver import WebDriver

from tests.browser.harness import RunningService, axe
from tests.browser.realistic_data import Api, PortalWorld


def test_the_api_docs_page_loads_from_the_service_and_axe_runs_on_it(
    service: RunningService, browser: WebDriver
) -> None:
    browser.get(service.url("/schema"))

    assert "coresearch API" in browser.title
    violations = axe(browser)
    assert isinstance(violations, list)
    assert all(violation["nodes"] for violation in violations)


def test_the_demo_is_topped_up_with_what_the_portal_shows(
    service: RunningService, portal_world: PortalWorld
) -> None:
    api = Api(service)

    claims = api.call("GET", "/me/payments", "ase")["items"]
    agreement = api.call("GET", f"/projects/{portal_world.project_id}/agreements", "ase")["items"][0]
    consents = api.call("GET", f"/coresearchers/{portal_world.ase_id}/consents", "ase")

    assert sorted(claim["status"] for claim in claims) == ["paid", "submitted"]
    assert agreement["awaiting_acceptance"] and agreement["version"] == 3
    assert "experience_in_reports" in str(consents) and "name_in_reports" in str(consents)
