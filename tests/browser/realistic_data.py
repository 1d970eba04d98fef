"""What the demo lacks for the portal's pages, added through the API as the real people would.

The demo has no money, no consent decisions and nothing awaiting acceptance. For Åse Bjørnstad
(whose pages the page tests and the screenshots show) this adds contact details and
accessibility needs, AAP as benefit status, consents with a history, a paid claim and a
submitted one, a new agreement version to accept (the lead gives the agreement a rate table),
and a coming workshop with papers. For Øystein Kvæl (whom the keyboard test drives, so Åse's pages stay as they are) it
adds a sent agreement, a task of his own and a granted consent.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx

from tests.browser.harness import EMAILS, RunningService

KEYBOARD_TASK = "Gi tilbakemelding på utkastet til informasjonsskrivet"
KEYBOARD_CONSENT = "name_in_reports"


@dataclass(frozen=True)
class PortalWorld:
    """The ids the browser tests need."""

    project_id: str
    ase_id: str
    oystein_id: str
    ase_agreement_id: str
    meeting_id: str
    open_round_id: str
    oystein_agreement_id: str
    oystein_task_id: str


class Api:
    """The service's API over HTTP, signed in as each demo person on first use."""

    def __init__(self, service: RunningService) -> None:
        self.service = service
        self.http = httpx.Client(base_url=service.url("/api/v1"), timeout=30)
        self.tokens: dict[str, dict[str, str]] = {}

    def headers(self, key: str) -> dict[str, str]:
        """The Authorization header of the demo person `key`."""
        if key not in self.tokens:
            body = {"email": EMAILS[key], "password": self.service.password(key)}
            token = self.call("POST", "/auth/login", None, json=body)["access_token"]
            self.tokens[key] = {"Authorization": f"Bearer {token}"}
        return self.tokens[key]

    def call(self, method: str, path: str, key: str | None, **kwargs: Any) -> Any:
        """One request as `key`; anything but a 2xx fails the test with the problem's text."""
        headers = {**(self.headers(key) if key else {}), **kwargs.pop("headers", {})}
        response = self.http.request(method, path, headers=headers, **kwargs)
        assert response.is_success, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None


def _claim(api: Api, project_id: str, person_id: str, start: date, end: date) -> str:
    body = {"coresearcher_id": person_id, "period_start": start.isoformat(), "period_end": end.isoformat()}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    return str(api.call("POST", f"/projects/{project_id}/claims", "lead", json=body, headers=key)["id"])


def _time_entry(api: Api, project_id: str, person_id: str, day: date, minutes: int, what: str) -> None:
    body = {
        "coresearcher_id": person_id,
        "worked_on": day.isoformat(),
        "minutes": minutes,
        "description": what,
    }
    api.call("POST", f"/projects/{project_id}/time-entries", "lead", json=body)


def _coming_workshop(api: Api, project_id: str, today: date) -> dict[str, Any]:
    """The first analysis workshop in nine days, with its papers uploaded."""
    day = (today + timedelta(days=9)).isoformat()
    meeting: dict[str, Any] = api.call(
        "POST",
        f"/projects/{project_id}/meetings",
        "lead",
        json={
            "title": "Første analyseverksted",
            "phase": "analysis",
            "starts_at": f"{day}T10:00:00+01:00",
            "ends_at": f"{day}T13:00:00+01:00",
            "location": "Møterom Tyrifjord, Klinikk psykisk helse og rus (eller Teams)",
            "break_minutes": 20,
            "agenda": "1. Hva har vi hørt i intervjuene?\n2. Vi sorterer sitater i temaer\n3. Hva er viktigst å "
            "skrive om?\n4. Neste møte",
        },
    )
    papers = "Sakspapirer til første analyseverksted\n\nLes gjerne sitatene på side 2 før møtet.\n"
    api.call(
        "POST",
        f"/projects/{project_id}/documents",
        "lead",
        data={
            "title": "Sakspapirer og sitater",
            "kind": "meeting_papers",
            "visibility": "team",
            "meeting_id": meeting["id"],
        },
        files={"file": ("sakspapirer-analyseverksted.txt", papers.encode(), "text/plain")},
    )
    return meeting


def add_portal_data(service: RunningService) -> PortalWorld:
    """Give Åse and Øystein what their portal pages should show; return the ids the tests use."""
    api = Api(service)
    today = date.today()
    project_id = str(api.call("GET", "/projects", "lead")["items"][0]["id"])
    ase, oystein = (str(api.call("GET", "/auth/me", key)["id"]) for key in ("ase", "oystein"))
    researcher = str(api.call("GET", "/auth/me", "researcher")["id"])
    rate_table = str(api.call("GET", "/rate-tables", "lead")["items"][0]["id"])

    api.call(
        "PATCH",
        f"/coresearchers/{ase}",
        "ase",
        json={
            "phone": "+47 912 34 567",
            "organisation": "Mental Helse Buskerud",
            "accessibility_needs": {
                "large_print": True,
                "breaks": True,
                "companion": False,
                "notes": "Sakspapirer på papir i stor skrift, takk.",
            },
            "benefit_status": "aap",
        },
    )
    for scope, granted in (
        ("name_in_reports", True),
        ("organisation_in_reports", True),
        ("experience_in_reports", True),
        ("experience_in_reports", False),
    ):
        api.call("PUT", f"/coresearchers/{ase}/consents/{scope}", "ase", json={"granted": granted})

    # A rate table on Åse's agreement prices her claims and makes a new version for her to accept.
    agreement = api.call("GET", f"/projects/{project_id}/agreements", "lead")["items"][0]
    api.call("PATCH", f"/agreements/{agreement['id']}", "lead", json={"rate_table_id": rate_table})
    _time_entry(
        api, project_id, ase, today - timedelta(days=24), 150, "Bruker-spør-bruker-intervju i Drammen"
    )
    _time_entry(api, project_id, ase, today - timedelta(days=17), 90, "Lese og kommentere intervjuutskrifter")
    travel = {
        "coresearcher_id": ase,
        "incurred_on": (today - timedelta(days=24)).isoformat(),
        "kind": "travel",
        "amount_ore": 24600,
        "description": "Tog Oslo S–Drammen tur/retur",
    }
    api.call("POST", f"/projects/{project_id}/expenses", "lead", json=travel)
    paid = _claim(api, project_id, ase, today - timedelta(days=30), today - timedelta(days=15))
    api.call("POST", f"/claims/{paid}/attest", "lead")
    api.call("POST", f"/claims/{paid}/approve", "leader")
    # Paid the day it was made: a claim cannot be paid before it was submitted.
    paid_on = {"paid_on": today.isoformat(), "reference": "Lønnskjøring november"}
    api.call("POST", f"/claims/{paid}/mark-paid", "leader", json=paid_on)
    _time_entry(api, project_id, ase, today - timedelta(days=6), 180, "Forberede første analyseverksted")
    _claim(api, project_id, ase, today - timedelta(days=14), today - timedelta(days=1))

    sent = api.call(
        "POST",
        f"/projects/{project_id}/agreements",
        "lead",
        json={
            "coresearcher_id": oystein,
            "role_title": "Medforsker i analysen",
            "mandate": "Være med i analyseverkstedene og lese utkast til artikler og rapport.",
            "phases": ["analysis", "dissemination"],
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=365)).isoformat(),
            "rate_table_id": rate_table,
            "expected_hours": 30,
            "confidentiality": True,
            "papers_days_ahead": 7,
            "meeting_terms": "Møtene holdes på dagtid, med pause minst hver time.",
            "contact_person_id": researcher,
            "certificate_promised": True,
        },
    )
    api.call("POST", f"/agreements/{sent['id']}/send", "lead")
    task = api.call(
        "POST",
        f"/projects/{project_id}/tasks",
        "lead",
        json={
            "title": KEYBOARD_TASK,
            "description": "Er språket enkelt nok? Skriv kommentarer i margen.",
            "phase": "analysis",
            "assignee_ids": [oystein],
            "due_on": (today + timedelta(days=10)).isoformat(),
            "estimated_minutes": 60,
        },
    )
    api.call(
        "PUT", f"/coresearchers/{oystein}/consents/{KEYBOARD_CONSENT}", "oystein", json={"granted": True}
    )
    meeting = _coming_workshop(api, project_id, today)
    rounds = api.call("GET", f"/projects/{project_id}/evaluation-rounds", "lead")["items"]
    api.http.close()
    return PortalWorld(
        project_id=project_id,
        ase_id=ase,
        ase_agreement_id=str(agreement["id"]),
        meeting_id=str(meeting["id"]),
        open_round_id=next(str(r["id"]) for r in rounds if r["status"] == "open"),
        oystein_id=oystein,
        oystein_agreement_id=str(sent["id"]),
        oystein_task_id=str(task["id"]),
    )
