"""The harness itself: the served demo answers, and axe-core runs and finds what it should."""

from __future__ import annotations

from selenium.webdriver.chrome.webdriver import WebDriver

from tests.browser.harness import RunningService, axe
from tests.browser.realistic_data import Api, PortalWorld


def test_axe_reports_an_image_without_a_text_alternative(service: RunningService, browser: WebDriver) -> None:
    browser.get(service.url("/portal/login"))
    browser.execute_script(
        "const img = document.createElement('img'); img.src = '/static/nothing.png';"
        "document.querySelector('main').append(img);"
    )

    violations = axe(browser)

    assert [violation["id"] for violation in violations] == ["image-alt"]
    assert violations[0]["nodes"][0]["target"] == ["img"]


def test_the_demo_is_topped_up_with_what_the_portal_shows(
    service: RunningService, portal_world: PortalWorld
) -> None:
    api = Api(service)

    claims = api.call("GET", "/me/payments", "ase")["items"]
    agreement = api.call("GET", f"/agreements/{portal_world.ase_agreement_id}", "ase")
    consents = api.call("GET", f"/coresearchers/{portal_world.ase_id}/consents", "ase")

    assert sorted(claim["status"] for claim in claims) == ["paid", "submitted"]
    assert agreement["awaiting_acceptance"] and agreement["version"] == 3
    assert "experience_in_reports" in str(consents) and "name_in_reports" in str(consents)
