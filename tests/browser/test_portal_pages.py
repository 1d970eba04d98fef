"""Every portal page in a real browser, in bokmål and English, with the demo's realistic data:
no WCAG 2.2 AA violation axe-core can find, reflow at 320 CSS px, under 60 KB transferred."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.harness import (
    DESKTOP,
    NARROW,
    PAGE_WEIGHT_LIMIT,
    Portal,
    axe,
    describe_violations,
    set_viewport,
    transferred,
)
from tests.browser.realistic_data import PortalWorld

LANGUAGES = ["nb", "en"]
# Each page by name: who sees it (None: signed out) and its path in the topped-up demo.
PAGES: dict[str, tuple[str | None, Callable[[PortalWorld], str]]] = {
    "home": ("ase", lambda w: "/portal/"),
    "tasks": ("ase", lambda w: "/portal/tasks"),
    "meetings": ("ase", lambda w: "/portal/meetings"),
    "meeting": ("ase", lambda w: f"/portal/meetings/{w.meeting_id}"),
    "payments": ("ase", lambda w: "/portal/payments"),
    "impact": ("ase", lambda w: "/portal/impact"),
    "agreements": ("ase", lambda w: "/portal/agreements"),
    "agreement": ("ase", lambda w: f"/portal/agreements/{w.ase_agreement_id}"),
    "consent": ("ase", lambda w: "/portal/consent"),
    "evaluation": ("ase", lambda w: "/portal/evaluation"),
    "evaluation-form": ("ase", lambda w: f"/portal/evaluation/{w.open_round_id}"),
    "my-data": ("ase", lambda w: "/portal/my-data"),
    "password": ("ase", lambda w: "/portal/password"),
    "not-found": ("ase", lambda w: "/portal/meetings/00000000-0000-4000-8000-000000000000"),
    "staff-home": ("lead", lambda w: "/portal/"),
    "login": (None, lambda w: "/portal/login"),
    "invite": (None, lambda w: "/portal/invite?token=not-a-real-invite"),
}


def open_page(portal: Portal, world: PortalWorld, page: str, lang: str) -> None:
    person, path = PAGES[page]
    if person is None:
        portal.sign_out()
    else:
        portal.sign_in(person)
    portal.open(path(world), lang)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_the_page_has_no_axe_violations_and_weighs_under_60_kb(
    portal: Portal, portal_world: PortalWorld, page: str, lang: str
) -> None:
    open_page(portal, portal_world, page, lang)

    violations = axe(portal.driver)
    loaded = transferred(portal.driver)

    assert not violations, f"{page} ({lang}): axe-core found\n{describe_violations(violations)}"
    total = sum(entry["bytes"] for entry in loaded)
    listing = "\n".join(f"  {entry['bytes']:>7} {entry['kind']:<10} {entry['url']}" for entry in loaded)
    assert 0 < total < PAGE_WEIGHT_LIMIT, f"{page} ({lang}) transferred {total} bytes:\n{listing}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_the_page_reflows_at_320_css_px_without_horizontal_scrolling(
    portal: Portal, portal_world: PortalWorld, page: str, lang: str
) -> None:
    set_viewport(portal.driver, *NARROW)
    try:
        open_page(portal, portal_world, page, lang)
        widths = portal.driver.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth,"
            " [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth)"
            ".slice(0, 5).map(e => e.outerHTML.slice(0, 120))]"
        )
    finally:
        set_viewport(portal.driver, *DESKTOP)

    scroll_width, viewport_width, too_wide = widths
    assert viewport_width == NARROW[0]
    assert scroll_width <= viewport_width, f"{page} ({lang}) is {scroll_width} px wide: {too_wide}"
