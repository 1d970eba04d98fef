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

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.webdriver.chrome.webdriver import WebDriver

from coresearch.demo import PEOPLE
from tests.test_cli import run

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
COMMAND = str(Path(sys.executable).with_name("coresearch"))
IN_CI = os.environ.get("CI", "").lower() == "true"
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
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"coresearch serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(base_url + "/health/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"coresearch serve was not ready within 60 s:\n{log.read_text()}")


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
