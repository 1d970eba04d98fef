"""The browser harness's parts: the tools, the served process, the browser, axe-core."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from coresearch.demo import PEOPLE
from tests.test_cli import run

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
COMMAND = str(Path(sys.executable).with_name("coresearch"))
IN_CI = os.environ.get("CI", "").lower() == "true"
# Importing the app takes seconds, and far longer while other work loads the CPUs.
READY_WITHIN_SECONDS = 180
DESKTOP = (1280, 900)
NARROW = (320, 640)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
CHROME_ARGUMENTS = [
    "--headless=new",
    "--no-sandbox",  # the tests may run as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--lang=nb-NO",
]
# The demo's people by key ("ase", "lead", ...): their e-mail addresses.
EMAILS = {person.key: person.email for person in PEOPLE}


def require_browser_tools() -> None:
    """Skip loudly when Chromium, chromedriver or axe-core is missing; fail instead under CI=true."""
    missing = [
        label
        for label, path in (
            ("chromium", CHROMIUM),
            ("chromedriver", CHROMEDRIVER),
            ("axe-core", str(AXE_SCRIPT)),
        )
        if not Path(path).is_file()
    ]
    if not missing:
        return
    reason = (
        f"{', '.join(missing)} not installed ({CHROMIUM}, {CHROMEDRIVER}, {AXE_SCRIPT}); "
        "./scripts/test installs them (apt-get as root, npm ci)"
    )
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the browser tests must run)", pytrace=False)
    pytest.skip(f"!!! SKIPPING THE BROWSER TESTS !!! {reason}")


@dataclass(frozen=True)
class RunningService:
    """`coresearch serve` in a process of its own, with the demo loaded."""

    base_url: str
    env: dict[str, str]
    cwd: Path
    passwords: dict[str, str]  # the demo's accounts by e-mail

    def url(self, path: str) -> str:
        """The absolute URL of `path` on this service."""
        return self.base_url + path

    def password(self, key: str) -> str:
        """The demo password of the person with key `key` ("ase", "lead", ...)."""
        return self.passwords[EMAILS[key]]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _demo_passwords(output: str) -> dict[str, str]:
    """The passwords `coresearch demo` printed, by e-mail (each is the last word on its line)."""
    passwords = {}
    for line in output.splitlines():
        for email in EMAILS.values():
            if email in line.split():
                passwords[email] = line.split()[-1]
    missing = set(EMAILS.values()) - set(passwords)
    assert not missing, f"coresearch demo printed no password for {missing}:\n{output}"
    return passwords


def _wait_until_ready(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + READY_WITHIN_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"coresearch serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(base_url + "/health/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"coresearch serve was not ready within {READY_WITHIN_SECONDS} s:\n{log.read_text()}")


@contextmanager
def served_demo(folder: Path) -> Iterator[RunningService]:
    """`coresearch demo`, then `coresearch serve` on a free loopback port, over `folder`."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("COSEARCH_")}
    env |= {"COSEARCH_DATA_DIR": str(folder / "data"), "COSEARCH_LOG_LEVEL": "WARNING"}
    # The command runs in this process (the app is imported already: a process would import it
    # again for seconds), so the demo's passwords are hashed with the suite's cheap argon2
    # parameters, and signing in costs the tests little.
    demo = run({"COSEARCH_DATA_DIR": env["COSEARCH_DATA_DIR"], "CWD": str(folder)}, "demo")
    assert demo.returncode == 0, f"coresearch demo failed:\n{demo.stdout}\n{demo.stderr}"
    passwords = _demo_passwords(demo.stdout)
    port = _free_port()
    log = folder / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [COMMAND, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=folder,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(process, base_url, log)
        yield RunningService(base_url=base_url, env=env, cwd=folder, passwords=passwords)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_browser(profile: Path) -> WebDriver:
    """A headless Chromium with a fresh profile, a Norwegian Accept-Language and a 1280 px viewport."""
    options = Options()
    options.binary_location = CHROMIUM
    for argument in CHROME_ARGUMENTS:
        options.add_argument(argument)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_experimental_option("prefs", {"intl.accept_languages": "nb-NO,nb,no"})
    # An explicit driver path: otherwise Selenium Manager goes to the network for one.
    driver = webdriver.Chrome(service=ChromeService(executable_path=CHROMEDRIVER), options=options)
    driver.set_script_timeout(30)
    driver.set_page_load_timeout(30)
    set_viewport(driver, *DESKTOP)
    disable_http_cache(driver)
    return driver


def set_viewport(driver: WebDriver, width: int, height: int) -> None:
    """Make the page's viewport exactly `width` × `height` CSS pixels (the window's is larger)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def axe(driver: WebDriver) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.0 A to 2.2 AA rules) on the current page and return its violations."""
    driver.execute_script(AXE_SCRIPT.read_text(encoding="utf-8"))
    outcome: dict[str, Any] = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]})
          .then(result => done({violations: result.violations}))
          .catch(error => done({error: String(error)}));
        """,
        WCAG_TAGS,
    )
    assert "error" not in outcome, f"axe-core failed on {driver.current_url}: {outcome['error']}"
    violations: list[dict[str, Any]] = outcome["violations"]
    return violations


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """The violations as a reader wants them: rule, impact, what to fix, and each element."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"       {summary[:400]}")
    return "\n".join(lines)


PAGE_WEIGHT_LIMIT = 60 * 1024
# What one page load transferred: the document and every resource it loaded (the browser's HTTP
# cache is off for the session, so a stylesheet counts on every page, as on a first visit).
TRANSFERRED = """
return [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
  .map(e => ({url: e.name, kind: e.initiatorType, bytes: Math.max(e.transferSize, e.encodedBodySize)}));
"""
# The focused element, and whether a keyboard user can see where focus is.
FOCUSED = """
const el = document.activeElement;
const style = getComputedStyle(el);
const box = el.getBoundingClientRect();
return {
  tag: el.tagName.toLowerCase(),
  id: el.id,
  href: el.getAttribute("href"),
  action: el.form ? el.form.getAttribute("action") : null,
  status: el.form && el.form.elements.status ? el.form.elements.status.value : null,
  text: (el.innerText || el.value || "").trim().slice(0, 80),
  outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
  shadow: style.boxShadow !== "none",
  visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
};
"""


def transferred(driver: WebDriver) -> list[dict[str, Any]]:
    """Each URL the current page loaded, with the bytes it transferred."""
    entries: list[dict[str, Any]] = driver.execute_script(TRANSFERRED)
    return entries


def focused(driver: WebDriver) -> dict[str, Any]:
    """The focused element's description (`FOCUSED`)."""
    element: dict[str, Any] = driver.execute_script(FOCUSED)
    return element


def disable_http_cache(driver: WebDriver) -> None:
    """Load everything from the server on every page, so page weight is a first visit's."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})


class Portal:
    """The browser on the portal, signed in as one demo person at a time."""

    def __init__(self, driver: WebDriver, service: RunningService) -> None:
        self.driver = driver
        self.service = service
        self.person: str | None = None

    def sign_in(self, key: str) -> None:
        """Sign in through the form as the demo person `key` (unless already signed in as them)."""
        if self.person == key:
            return
        self.sign_out()
        self.driver.get(self.service.url("/portal/login"))
        self.driver.find_element(By.ID, "email").send_keys(EMAILS[key])
        self.driver.find_element(By.ID, "password").send_keys(self.service.password(key))
        self.driver.find_element(By.CSS_SELECTOR, "form[action='/portal/login'] button").click()
        WebDriverWait(self.driver, 10).until(lambda d: urlsplit(d.current_url).path == "/portal/")
        self.person = key

    def sign_out(self) -> None:
        """Forget the session (and the language choice) in the browser."""
        self.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        self.person = None

    def open(self, path: str, lang: str) -> None:
        """Open a portal page in a language (`?lang=`, as the visible switch does)."""
        separator = "&" if "?" in path else "?"
        self.driver.get(self.service.url(f"{path}{separator}lang={lang}"))
        landed = urlsplit(self.driver.current_url).path
        assert landed == urlsplit(path).path, f"{path} led to {landed}"
        assert self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
