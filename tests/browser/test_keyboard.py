"""The keyboard-only path through the portal: sign in, accept an agreement, mark a task done,
withdraw a consent, with TAB, ENTER and SPACE only, and focus visible at every step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from tests.browser.harness import EMAILS, Portal, focused
from tests.browser.realistic_data import KEYBOARD_CONSENT, Api, PortalWorld

MAX_TABS = 60


class Keyboard:
    """Keys sent to whatever has focus, the way a keyboard user works."""

    def __init__(self, portal: Portal) -> None:
        self.driver = portal.driver
        self.visited: list[str] = []

    def press(self, *keys: str) -> None:
        """Press keys (or type text) into the focused element."""
        ActionChains(self.driver).send_keys(*keys).perform()

    def tab_to(self, wanted: Callable[[dict[str, Any]], bool], what: str) -> None:
        """Press TAB until `wanted` holds for the focused element; each stop must show focus.

        Past the page's last element focus goes to the browser's own controls (the body here)
        and the next TAB starts at the top again, as it does for a keyboard user; twice round
        the page without reaching `what` fails.
        """
        wrapped = 0
        for _ in range(MAX_TABS):
            self.press(Keys.TAB)
            element = focused(self.driver)
            label = f"{element['tag']} {element['id'] or element['href'] or element['action'] or ''} {element['text']!r}"
            self.visited.append(label)
            if element["tag"] == "body":
                wrapped += 1
                assert wrapped < 2, (
                    f"TAB went round the page without reaching {what}: {self.visited[-MAX_TABS:]}"
                )
                continue
            assert element["outline"] or element["shadow"], f"no visible focus indicator on {label}"
            assert element["visible"], f"the focused {label} is not in view"
            if wanted(element):
                return
        raise AssertionError(f"{MAX_TABS} TABs did not reach {what}: passed {self.visited[-MAX_TABS:]}")

    def press_and_load(self, key: str, path: str) -> None:
        """Press `key` on a link or button and wait until a new page at `path` has loaded."""
        self.driver.execute_script("window.keyboardTestOldPage = true")
        self.press(key)
        WebDriverWait(self.driver, 10).until(
            lambda d: d.execute_script(
                "return !window.keyboardTestOldPage && document.readyState === 'complete'"
                " && location.pathname === arguments[0]",
                path,
            )
        )

    def follow_menu(self, path: str) -> None:
        """TAB to the main menu's link to `path` and press ENTER on it."""
        self.tab_to(lambda e: e["tag"] == "a" and e["href"] == path, f"the menu link to {path}")
        self.press_and_load(Keys.ENTER, path)

    def page_text(self) -> str:
        """What the page says."""
        text: str = self.driver.execute_script("return document.body.innerText")
        return text


def test_a_keyboard_user_signs_in_accepts_the_agreement_marks_a_task_done_and_withdraws_a_consent(
    portal: Portal, portal_world: PortalWorld
) -> None:
    portal.sign_out()
    portal.driver.get(portal.service.url("/portal/login?lang=en"))
    keys = Keyboard(portal)
    api = Api(portal.service)
    agreement = f"/portal/agreements/{portal_world.oystein_agreement_id}"

    keys.tab_to(lambda e: e["id"] == "email", "the e-mail field")
    keys.press(EMAILS["oystein"])
    keys.tab_to(lambda e: e["id"] == "password", "the password field")
    keys.press(portal.service.password("oystein"))
    keys.tab_to(lambda e: e["action"] == "/portal/login" and e["tag"] == "button", "the sign-in button")
    keys.press_and_load(Keys.ENTER, "/portal/")
    portal.person = "oystein"
    assert "Hello, Øystein Kvæl" in keys.page_text()

    keys.follow_menu("/portal/agreements")
    keys.tab_to(lambda e: e["href"] == agreement, "the agreement waiting for acceptance")
    keys.press_and_load(Keys.ENTER, agreement)
    keys.tab_to(lambda e: e["action"] == f"{agreement}/accept", "the accept button")
    keys.press_and_load(Keys.ENTER, agreement)
    assert "You have accepted the agreement" in keys.page_text()
    accepted = api.call("GET", f"/agreements/{portal_world.oystein_agreement_id}", "oystein")
    assert accepted["status"] == "active" and not accepted["awaiting_acceptance"]

    keys.follow_menu("/portal/tasks")
    keys.tab_to(
        lambda e: (
            e["action"] == f"/portal/tasks/{portal_world.oystein_task_id}/status" and e["status"] == "done"
        ),
        "the task's done button",
    )
    keys.press_and_load(Keys.SPACE, "/portal/tasks")
    assert "The task is updated" in keys.page_text()
    tasks = api.call("GET", "/me/tasks", "oystein")["items"]
    assert next(t for t in tasks if t["id"] == portal_world.oystein_task_id)["status"] == "done"

    keys.follow_menu("/portal/consent")
    keys.tab_to(lambda e: e["action"] == f"/portal/consent/{KEYBOARD_CONSENT}", "the withdraw button")
    assert "Withdraw" in focused(portal.driver)["text"]
    keys.press_and_load(Keys.ENTER, "/portal/consent")
    assert "Your choice is saved" in keys.page_text()
    consents = api.call("GET", f"/coresearchers/{portal_world.oystein_id}/consents", "oystein")
    assert {state["scope"]: state["granted"] for state in consents["scopes"]}[KEYBOARD_CONSENT] is False
