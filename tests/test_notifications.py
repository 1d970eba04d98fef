"""Notifications: each event reaches the people concerned and nobody else, over a real SMTP server
(aiosmtpd on a loopback port); the calendar event keeps its UID through moves and the
cancellation; SMTP down → retried with backoff, nothing lost and nothing twice (also with two
workers at once); a rolled-back change sends nothing; preferences; æøå in subject and body; the
papers-ahead rule; reminders once; the inbox and the dead letters."""

import asyncio
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from uuid import UUID

import httpx
import pytest
from icalendar import Calendar
from litestar import Litestar

from coresearch.domain.notifications import delivery, outbox, worker
from coresearch.domain.notifications.delivery import deliver_due
from coresearch.domain.notifications.mailer import SmtpMailer
from coresearch.domain.notifications.sweep import BenefitCheck, SweepReport, sweep
from coresearch.domain.notifications.tables import Notification
from coresearch.lib.crypto import keyring_for
from coresearch.lib.db import current_engine
from coresearch.lib.records import now
from coresearch.settings import NotificationSettings, SettingsError, load_settings
from tests.conftest import Person, World
from tests.mail_server import MAIL_FROM, MailServer
from tests.test_agreements import act, active, draft
from tests.test_claims import claim, move, setup
from tests.test_documents import upload

# The app's own worker would race the rounds these tests drive: it waits a day between rounds.
worker.POLL_SECONDS = 24 * 3600

API = "/api/v1"
REMINDERS = NotificationSettings(meeting_reminder_hours=24, task_reminder_hours=24, max_attempts=3)


@pytest.fixture
def mail(monkeypatch: pytest.MonkeyPatch) -> Iterator[MailServer]:
    """A running SMTP server; messages written meanwhile are queued for it."""
    monkeypatch.setattr(outbox, "MAIL_ENABLED", True)
    server = MailServer()
    server.start()
    yield server
    server.stop()


async def deliver(
    server: MailServer, *, at: datetime | None = None, max_attempts: int = 3
) -> delivery.DeliveryReport:
    return await deliver_due(
        now=at or now() + timedelta(seconds=1),
        mailer=SmtpMailer(server.settings),
        mail_from=MAIL_FROM,
        max_attempts=max_attempts,
    )


def to(messages: list[EmailMessage]) -> list[str]:
    return sorted(str(message["To"].addresses[0].addr_spec) for message in messages)


def body(message: EmailMessage, subtype: str = "plain") -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None
    return str(part.get_content())


def calendar_of(message: EmailMessage) -> Calendar:
    for part in message.walk():
        if part.get_content_type() == "text/calendar" and part.get_filename():
            return Calendar.from_ical(part.get_content())
    raise AssertionError("no calendar part")


async def meeting(client: httpx.AsyncClient, world: World, **fields: object) -> dict:
    response = await client.post(
        f"{API}/projects/{world.project_id}/meetings",
        json={
            "title": "Referansegruppe: tolkning av funn",
            "phase": "analysis",
            "starts_at": "2030-03-12T09:00:00+00:00",
            "ends_at": "2030-03-12T11:00:00+00:00",
            "location": "Møterom Fløyen",
            **fields,
        },
        headers=world.people["lead"].headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def task(client: httpx.AsyncClient, world: World, **fields: object) -> dict:
    response = await client.post(
        f"{API}/projects/{world.project_id}/tasks",
        json={
            "title": "Les intervjuguiden før møtet",
            "phase": "design",
            "assignee_ids": [world.people["co_researcher"].id],
            "due_on": "2030-03-01",
            **fields,
        },
        headers=world.people["lead"].headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def inbox(client: httpx.AsyncClient, person: Person, **params: object) -> list[dict]:
    response = await client.get(f"{API}/me/notifications", params=params, headers=person.headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


# --- events and their recipients -------------------------------------------------------------------


async def test_an_assigned_task_mails_the_assignee_only_with_aeoeaa_in_subject_and_body(
    client: httpx.AsyncClient, world: World, mail: MailServer
) -> None:
    await task(client, world, title="Gå gjennom svarene fra pårørende")
    report = await deliver(mail)
    assert report.sent == 1 and report.retrying == report.dead == 0
    (raw,) = [raw for _, raw in mail.inbox.received]
    assert b"=?utf-8?" in raw.lower().split(b"\r\n\r\n")[0]  # RFC 2047 encoded subject
    (message,) = mail.inbox.messages()
    assert to([message]) == [world.people["co_researcher"].email]
    assert message["Subject"] == "Ny oppgave: Gå gjennom svarene fra pårørende"
    assert "«Gå gjennom svarene fra pårørende»" in body(message)
    assert "Frist: 1. mars 2030." in body(message)
    html = body(message, "html")
    assert '<html lang="nb">' in html and "<img" not in html and "http" not in html
    assert await deliver(mail) == delivery.DeliveryReport()  # nothing twice


async def test_a_due_date_change_tells_the_assignees_and_a_new_assignee_gets_the_task(
    client: httpx.AsyncClient, world: World, mail: MailServer
) -> None:
    created = await task(client, world)
    await deliver(mail)
    response = await client.patch(
        f"{API}/tasks/{created['id']}",
        json={
            "due_on": "2030-04-02",
            "assignee_ids": [world.people["co_researcher"].id, world.people["researcher"].id],
        },
        headers=world.people["lead"].headers,
    )
    assert response.status_code == 200, response.text
    await deliver(mail)
    subjects = {(str(m["To"].addresses[0].addr_spec), str(m["Subject"])) for m in mail.inbox.messages()[1:]}
    assert subjects == {
        (world.people["co_researcher"].email, "Ny frist for «Les intervjuguiden før møtet»"),
        (world.people["researcher"].email, "Ny oppgave: Les intervjuguiden før møtet"),
    }
    # A co-researcher moving the status tells nobody.
    response = await client.patch(
        f"{API}/tasks/{created['id']}", json={"status": "done"}, headers=world.people["co_researcher"].headers
    )
    assert response.status_code == 200
    assert (await deliver(mail)).sent == 0


async def test_a_meeting_created_moved_and_cancelled_is_one_calendar_event(
    client: httpx.AsyncClient, world: World, mail: MailServer
) -> None:
    created = await meeting(client, world)
    moved = await client.patch(
        f"{API}/meetings/{created['id']}",
        json={"starts_at": "2030-03-13T09:00:00+01:00", "ends_at": "2030-03-13T11:00:00+01:00"},
        headers=world.people["lead"].headers,
    )
    assert moved.status_code == 200, moved.text
    agenda_only = await client.patch(
        f"{API}/meetings/{created['id']}", json={"agenda": "1. Funn"}, headers=world.people["lead"].headers
    )
    assert agenda_only.status_code == 200
    cancelled = await client.post(
        f"{API}/meetings/{created['id']}/cancel", headers=world.people["lead"].headers
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["cancelled_at"] is not None
    again = await client.post(f"{API}/meetings/{created['id']}/cancel", headers=world.people["lead"].headers)
    assert again.status_code == 409
    change = await client.patch(
        f"{API}/meetings/{created['id']}", json={"title": "Ny"}, headers=world.people["lead"].headers
    )
    assert change.status_code == 409
    report = await deliver(mail)
    assert report.sent == 6  # researcher and co-researcher, three notices each; not the lead
    messages = mail.inbox.messages()
    members = sorted([world.people["researcher"].email, world.people["co_researcher"].email])
    assert to(messages) == sorted(members * 3)
    mine = [m for m in messages if m["To"].addresses[0].addr_spec == world.people["co_researcher"].email]
    events = [calendar_of(m) for m in mine]
    assert [str(c["method"]) for c in events] == ["REQUEST", "REQUEST", "CANCEL"]
    vevents = [c.walk("VEVENT")[0] for c in events]
    assert len({str(e["uid"]) for e in vevents}) == 1
    assert [int(e["sequence"]) for e in vevents] == [0, 1, 2]
    assert vevents[1].decoded("dtstart") == datetime.fromisoformat("2030-03-13T08:00:00+00:00")
    assert str(vevents[2]["status"]) == "CANCELLED"
    assert str(vevents[0]["location"]) == "Møterom Fløyen"
    assert [str(m["Subject"]) for m in mine][2] == "Avlyst: Referansegruppe: tolkning av funn"
    assert "tirsdag 12. mars 2030 kl. 10:00" in body(mine[0])  # Norwegian local time


async def test_claim_moves_reach_the_coresearcher_alone_with_their_amount_and_expected_date(
    client: httpx.AsyncClient, world: World, mail: MailServer
) -> None:
    await setup(client, world)
    made = (await claim(client, world)).json()
    await deliver(mail)
    before = len(mail.inbox.received)
    assert (await move(client, world.people["lead"], made["id"], "attest")).status_code == 200
    approved = await move(client, world.people["research_leader"], made["id"], "approve")
    assert approved.status_code == 200
    paid = await move(
        client, world.people["admin"], made["id"], "mark-paid", paid_on="2030-01-10", reference="B-1"
    )
    assert paid.status_code == 200, paid.text
    await deliver(mail)
    messages = mail.inbox.messages()[before:]
    assert to(messages) == [world.people["co_researcher"].email] * 3
    assert [str(m["Subject"]) for m in messages] == [
        "Honorarkravet ditt er attestert",
        "Honorarkravet ditt er godkjent",
        "Honoraret ditt er betalt",
    ]
    total = made["total_ore"]
    kroner = f"kr {total // 100:,}".replace(",", "\u00a0") + f",{total % 100:02d}"
    assert all(kroner in body(m) for m in messages)
    expected = datetime.fromisoformat(approved.json()["approved_at"]).date() + timedelta(days=14)
    assert f"Forventet utbetaling: {expected.day}." in body(messages[1])


async def test_a_rejected_claim_tells_the_reason_and_an_agreement_sent_tells_its_coresearcher(
    client: httpx.AsyncClient, world: World, mail: MailServer
) -> None:
    await setup(client, world)
    made = (await claim(client, world)).json()
    response = await move(
        client, world.people["lead"], made["id"], "reject", reason="Feil periode – sjekk møtet"
    )
    assert response.status_code == 200, response.text
    agreement = await draft(client, world, role_title="Medforsker – analyse")
    await act(client, world.people["lead"], agreement["id"], "send")
    await deliver(mail)
    rejected, sent = mail.inbox.messages()[-2:]
    assert to([rejected, sent]) == [world.people["co_researcher"].email] * 2
    assert "Begrunnelse: Feil periode – sjekk møtet" in body(rejected)
    assert sent["Subject"] == "Avtale til godkjenning: Medforsker – analyse"


async def test_nobody_outside_the_people_concerned_hears_anything(
    client: httpx.AsyncClient, world: World, mail: MailServer
) -> None:
    await task(client, world)
    await meeting(client, world)
    await deliver(mail)
    outsiders = {
        world.people[p].email for p in ("other_co_researcher", "outsider", "admin", "research_leader")
    }
    assert not outsiders & set(mail.inbox.recipients())
    assert world.people["lead"].email not in mail.inbox.recipients()  # the one who acted
    assert await inbox(client, world.people["other_co_researcher"]) == []


# --- the outbox ---------------------------------------------------------------------------------------


async def test_a_rolled_back_change_stores_and_sends_nothing(
    client: httpx.AsyncClient, world: World, mail: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coresearch.domain.work import tasks

    real = tasks.notices.task_created

    async def then_fail(**kwargs: object) -> None:
        await real(**kwargs)  # type: ignore[arg-type]
        assert await Notification.count() == 1  # written, inside the transaction
        raise RuntimeError("the change fails after the outbox insert")

    monkeypatch.setattr(tasks.notices, "task_created", then_fail)
    response = await client.post(
        f"{API}/projects/{world.project_id}/tasks",
        json={
            "title": "Rulles tilbake",
            "phase": "design",
            "assignee_ids": [world.people["co_researcher"].id],
        },
        headers=world.people["lead"].headers,
    )
    assert response.status_code == 500
    assert await Notification.count() == 0
    assert (await deliver(mail)).sent == 0 and mail.inbox.received == []


async def test_smtp_down_retries_with_backoff_and_sends_each_message_once_when_it_returns(
    client: httpx.AsyncClient, world: World, mail: MailServer
) -> None:
    await task(client, world)
    mail.stop()
    start = now() + timedelta(seconds=1)
    first = await deliver(mail, at=start, max_attempts=5)
    assert first.retrying == 1 and first.sent == 0
    row = await Notification.select().first()
    assert row is not None and row["status"] == "pending" and row["attempts"] == 1 and row["last_error"]
    assert row["next_attempt_at"] == start + timedelta(minutes=1)
    assert (await deliver(mail, at=start + timedelta(seconds=30))).retrying == 0  # not due yet
    second = await deliver(mail, at=start + timedelta(minutes=1))
    assert second.retrying == 1
    row = await Notification.select().first()
    assert row is not None and row["next_attempt_at"] == start + timedelta(minutes=3)  # 1, then 2 minutes
    mail.start()
    assert (await deliver(mail, at=start + timedelta(minutes=3))).sent == 1
    assert (await deliver(mail, at=start + timedelta(hours=1))).sent == 0
    assert len(mail.inbox.received) == 1


async def test_after_the_last_attempt_a_message_is_dead_and_an_admin_retries_it(
    client: httpx.AsyncClient, world: World, mail: MailServer
) -> None:
    await task(client, world)
    mail.stop()
    moment = now() + timedelta(seconds=1)
    for attempt in range(3):
        await deliver(mail, at=moment + timedelta(hours=attempt * 7))
    admin = world.people["admin"]
    dead = await client.get(f"{API}/notifications/dead-letters", headers=admin.headers)
    assert dead.status_code == 200
    (letter,) = dead.json()["items"]
    assert letter["attempts"] == 3 and letter["kind"] == "task_assigned" and "body_text" not in letter
    assert letter["recipient_id"] == world.people["co_researcher"].id
    denied = await client.post(
        f"{API}/notifications/{letter['id']}/retry", headers=world.people["lead"].headers
    )
    assert denied.status_code == 403
    retried = await client.post(f"{API}/notifications/{letter['id']}/retry", headers=admin.headers)
    assert retried.status_code == 200 and retried.json()["delivery"] == "pending"
    twice = await client.post(f"{API}/notifications/{letter['id']}/retry", headers=admin.headers)
    assert twice.status_code == 409
    mail.start()
    assert (await deliver(mail)).sent == 1
    mine = await inbox(client, world.people["co_researcher"])
    assert mine[0]["delivery"] == "sent" and mine[0]["sent_at"] is not None


async def test_a_message_left_sending_by_a_dead_worker_is_not_sent_again_but_shown_as_dead(
    client: httpx.AsyncClient, world: World, mail: MailServer
) -> None:
    await task(client, world)
    await Notification.update({Notification.status: "sending", Notification.claimed_at: now()}).where(
        Notification.status == "pending"
    )
    assert (await deliver(mail, at=now() + timedelta(minutes=16))).sent == 0
    row = await Notification.select().first()
    assert row is not None and row["status"] == "dead" and "may or may not" in row["last_error"]
    assert mail.inbox.received == []


async def test_two_workers_at_once_send_every_message_exactly_once(
    client: httpx.AsyncClient, world: World, mail: MailServer
) -> None:
    for number in range(12):
        await task(client, world, title=f"Oppgave {number}")
    await meeting(client, world)
    expected = await Notification.count()
    moment = now() + timedelta(seconds=1)

    async def one_worker() -> int:
        sent = 0
        while True:
            report = await deliver_due(
                now=moment, mailer=SmtpMailer(mail.settings), mail_from=MAIL_FROM, max_attempts=3, batch=3
            )
            sent += report.sent
            if report.sent == 0:
                return sent

    counts = await asyncio.gather(one_worker(), one_worker())
    assert sum(counts) == expected == 14
    assert len(mail.inbox.received) == expected
    if current_engine().engine_type == "postgres":
        assert all(count > 0 for count in counts)  # SKIP LOCKED let both work side by side


# --- preferences ----------------------------------------------------------------------------------------


async def test_preferences_choose_portal_or_off_and_the_language(
    client: httpx.AsyncClient, world: World, mail: MailServer
) -> None:
    co = world.people["co_researcher"]
    shown = await client.get(f"{API}/me/notification-preferences", headers=co.headers)
    assert shown.status_code == 200
    assert shown.json() == {
        "language": "nb",
        "channels": {
            topic: "email"
            for topic in (
                "tasks",
                "meetings",
                "meeting_papers",
                "reminders",
                "agreements",
                "payments",
                "benefits",
            )
        },
    }
    refused = await client.put(
        f"{API}/me/notification-preferences", json={"channels": {"payments": "off"}}, headers=co.headers
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "channels.payments", "message": "must be email or portal"}]
    changed = await client.put(
        f"{API}/me/notification-preferences",
        json={"language": "en", "channels": {"tasks": "portal", "meetings": "off", "agreements": "portal"}},
        headers=co.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["channels"]["tasks"] == "portal" and changed.json()["language"] == "en"
    await task(client, world, title="Sjekk æøå")
    await meeting(client, world)
    await deliver(mail)
    assert co.email not in mail.inbox.recipients()
    (notice,) = await inbox(client, co)
    assert notice["subject"] == "New task: Sjekk æøå" and notice["delivery"] == "portal"
    assert notice["language"] == "en"
    # The researcher kept the defaults and got the meeting by e-mail.
    assert mail.inbox.recipients() == [world.people["researcher"].email]


# --- the inbox -------------------------------------------------------------------------------------------


async def test_the_inbox_pages_unread_first_and_marks_read(client: httpx.AsyncClient, world: World) -> None:
    co = world.people["co_researcher"]
    for number in range(3):
        await task(client, world, title=f"Oppgave {number}")
    first, *rest = await inbox(client, co)
    assert first["subject"] == "Ny oppgave: Oppgave 2" and first["delivery"] == "kept"  # no SMTP configured
    oldest = rest[-1]
    read = await client.post(f"{API}/me/notifications/{oldest['id']}/read", headers=co.headers)
    assert read.status_code == 200 and read.json()["read"] is True
    page = await client.get(f"{API}/me/notifications", params={"limit": 2}, headers=co.headers)
    assert [n["subject"] for n in page.json()["items"]] == ["Ny oppgave: Oppgave 2", "Ny oppgave: Oppgave 1"]
    rest_page = await client.get(
        f"{API}/me/notifications",
        params={"limit": 2, "cursor": page.json()["next_cursor"]},
        headers=co.headers,
    )
    assert [n["subject"] for n in rest_page.json()["items"]] == ["Ny oppgave: Oppgave 0"]
    assert rest_page.json()["next_cursor"] is None
    assert len(await inbox(client, co, unread="true")) == 2
    others = await client.post(
        f"{API}/me/notifications/{oldest['id']}/read", headers=world.people["lead"].headers
    )
    assert others.status_code == 404
    marked = await client.post(f"{API}/me/notifications/read-all", headers=co.headers)
    assert marked.json() == {"marked": 2}
    assert await inbox(client, co, unread="true") == []


# --- papers ahead and reminders -------------------------------------------------------------------------


async def test_missing_papers_warn_the_leads_once_and_late_papers_are_recorded(
    client: httpx.AsyncClient, world: World
) -> None:
    await active(client, world, starts_on="2026-01-01", ends_on="2099-12-31", papers_days_ahead=7)
    soon = (now() + timedelta(days=3)).replace(microsecond=0)
    created = await meeting(
        client, world, starts_at=soon.isoformat(), ends_at=(soon + timedelta(hours=2)).isoformat()
    )
    starts_at = datetime.fromisoformat(created["starts_at"])
    early = await sweep(now=starts_at - timedelta(days=8), settings=REMINDERS)
    assert early.papers_warnings == 0
    warned = await sweep(now=starts_at - timedelta(days=6), settings=REMINDERS)
    assert warned.papers_warnings == 1
    assert (await sweep(now=starts_at - timedelta(days=5), settings=REMINDERS)).papers_warnings == 0
    lead_notices = await inbox(client, world.people["lead"])
    assert [n["kind"] for n in lead_notices] == ["papers_missing"]
    assert "7 dager før møtet" in lead_notices[0]["body_text"]
    shown = (await client.get(f"{API}/meetings/{created['id']}", headers=world.people["lead"].headers)).json()
    assert shown["papers_warning_sent_at"] is not None and shown["papers_late"] is False
    assert not [
        n for n in await inbox(client, world.people["co_researcher"]) if n["kind"] == "papers_missing"
    ]
    response = await upload(
        client,
        world.people["lead"],
        world.project_id,
        title="Sakspapirer 12. mars",
        kind="meeting_papers",
        visibility="team",
        meeting_id=created["id"],
    )
    assert response.status_code == 201, response.text
    shown = (await client.get(f"{API}/meetings/{created['id']}", headers=world.people["lead"].headers)).json()
    assert shown["papers_late"] is True  # 3 days ahead, where 7 were agreed
    papers = [n for n in await inbox(client, world.people["co_researcher"]) if n["kind"] == "meeting_papers"]
    assert len(papers) == 1 and "«Sakspapirer 12. mars»" in papers[0]["body_text"]


async def test_papers_in_good_time_are_not_late_and_no_warning_follows(
    client: httpx.AsyncClient, world: World
) -> None:
    await active(client, world, starts_on="2026-01-01", ends_on="2099-12-31", papers_days_ahead=7)
    created = await meeting(
        client, world, starts_at="2099-03-12T09:00:00+00:00", ends_at="2099-03-12T10:00:00+00:00"
    )
    response = await upload(
        client,
        world.people["lead"],
        world.project_id,
        kind="meeting_papers",
        visibility="team",
        meeting_id=created["id"],
    )
    assert response.status_code == 201, response.text
    starts_at = datetime.fromisoformat(created["starts_at"])
    assert (await sweep(now=starts_at - timedelta(days=2), settings=REMINDERS)).papers_warnings == 0
    shown = (await client.get(f"{API}/meetings/{created['id']}", headers=world.people["lead"].headers)).json()
    assert shown["papers_late"] is False and shown["papers_warning_sent_at"] is None


async def test_reminders_before_a_meeting_and_a_due_date_are_written_once(
    client: httpx.AsyncClient, world: World
) -> None:
    created = await meeting(client, world)
    made = await task(client, world, due_on="2030-03-12")
    starts_at = datetime.fromisoformat(created["starts_at"])
    assert (await sweep(now=starts_at - timedelta(hours=40), settings=REMINDERS)) == SweepReport()
    first = await sweep(now=starts_at - timedelta(hours=20), settings=REMINDERS)
    assert first.meeting_reminders == 3 and first.task_reminders == 1  # lead, researcher, co-researcher
    again = await sweep(now=starts_at - timedelta(hours=10), settings=REMINDERS)
    assert again.meeting_reminders == 0 and again.task_reminders == 0
    kinds = sorted(n["kind"] for n in await inbox(client, world.people["co_researcher"]))
    assert kinds == ["meeting_reminder", "meeting_scheduled", "task_assigned", "task_reminder"]
    # Moved: a new time gets its own reminder.
    await client.patch(
        f"{API}/meetings/{created['id']}",
        json={"starts_at": "2030-03-12T12:00:00+00:00", "ends_at": "2030-03-12T13:00:00+00:00"},
        headers=world.people["lead"].headers,
    )
    assert (await sweep(now=starts_at - timedelta(hours=1), settings=REMINDERS)).meeting_reminders == 3
    assert made["id"]


async def test_mail_preview_lists_the_newest_messages(client: httpx.AsyncClient, world: World) -> None:
    from coresearch.domain.notifications.preview import newest

    await task(client, world, title="Forhåndsvis æøå")
    (shown,) = await newest(limit=5)
    assert "Ny oppgave: Forhåndsvis æøå" in shown and world.people["co_researcher"].email in shown


async def test_ids_are_uuids(client: httpx.AsyncClient, world: World) -> None:
    await task(client, world)
    (notice,) = await inbox(client, world.people["co_researcher"])
    assert UUID(notice["id"]) and notice["entity"] == "task"


async def test_a_benefit_warning_goes_to_the_person_on_aap_once_per_period_without_naming_the_benefit(
    client: httpx.AsyncClient, world: World, app: Litestar
) -> None:
    from tests.test_benefit_periods import set_benefit, work_either_side_of_a_boundary

    await work_either_side_of_a_boundary(client, world)
    keyring = keyring_for(app.state.settings.data_keys)
    check = BenefitCheck(keyring=keyring, share=0.01)  # a 45-minute limit: the period is over it
    moment = datetime.fromisoformat("2026-03-17T12:00:00+00:00")
    assert (await sweep(now=moment, settings=REMINDERS, benefits=check)).benefit_warnings == 0  # not on AAP
    await set_benefit(client, world, "aap")
    assert (await sweep(now=moment, settings=REMINDERS, benefits=check)).benefit_warnings == 1
    assert (
        await sweep(now=moment + timedelta(days=1), settings=REMINDERS, benefits=check)
    ).benefit_warnings == 0
    (warning,) = [
        n for n in await inbox(client, world.people["co_researcher"]) if n["kind"] == "benefit_warning"
    ]
    assert "16. mars 2026–29. mars 2026" in warning["body_text"]
    assert "AAP" not in warning["body_text"] and "arbeidsavklaring" not in warning["body_text"]
    assert not [n for n in await inbox(client, world.people["lead"]) if n["kind"] == "benefit_warning"]


# --- the portal ------------------------------------------------------------------------------------------


async def test_the_portal_lists_notifications_marks_them_read_and_saves_preferences(
    client: httpx.AsyncClient, app: Litestar, world: World
) -> None:
    from tests.portal_helpers import browser, submit
    from tests.portal_world import session_for

    co = world.people["co_researcher"]
    await task(client, world, title="Les sakspapirene – ærlig talt")
    async with browser(app) as portal:
        await session_for(portal, co.id)
        page = await portal.get("/portal/notifications")
        assert page.status_code == 200
        assert "Ny oppgave: Les sakspapirene – ærlig talt" in page.text and "Merk som lest" in page.text
        read = await submit(portal, "/portal/notifications", "/portal/notifications/read-all")
        assert read.status_code == 303
        assert "Du har ingen nye varsler." in (await portal.get("/portal/notifications")).text
        choices = {"tasks": "portal", "meetings": "email", "meeting_papers": "email", "reminders": "off"}
        kept = {"agreements": "portal", "payments": "off", "benefits": "email"}
        refused = await submit(
            portal,
            "/portal/notifications/settings",
            "/portal/notifications/settings",
            {**choices, **kept, "language": "en"},
        )
        assert refused.status_code == 400
        assert (
            "Dette kan du ikke slå av." in refused.text
            and 'aria-describedby="payments-error"' in refused.text
        )
        saved = await submit(
            portal,
            "/portal/notifications/settings",
            "/portal/notifications/settings",
            {**choices, **kept, "payments": "portal", "language": "en"},
        )
        assert saved.status_code == 303
    shown = (await client.get(f"{API}/me/notification-preferences", headers=co.headers)).json()
    assert shown["language"] == "en" and shown["channels"]["reminders"] == "off"
    assert shown["channels"]["payments"] == "portal" and shown["channels"]["tasks"] == "portal"


# --- settings ----------------------------------------------------------------------------------------------


def test_smtp_settings_are_read_and_checked(tmp_path: Path) -> None:
    base = {"COSEARCH_DATA_DIR": str(tmp_path)}
    assert load_settings(base).smtp is None
    smtp = load_settings({**base, "COSEARCH_SMTP_HOST": "mailpit", "COSEARCH_SMTP_PORT": "1025"}).smtp
    assert smtp is not None and (smtp.host, smtp.port, smtp.starttls, smtp.username) == (
        "mailpit",
        1025,
        False,
        None,
    )
    relay = load_settings(
        {
            **base,
            "COSEARCH_SMTP_HOST": "smtp.example.no",
            "COSEARCH_SMTP_USERNAME": "varsler",
            "COSEARCH_SMTP_PASSWORD": "hemmelig",
            "COSEARCH_MAIL_FROM": "varsler@example.no",
        }
    ).smtp
    assert (
        relay is not None and relay.port == 587 and relay.starttls and relay.mail_from == "varsler@example.no"
    )
    for bad, named in (
        ({"COSEARCH_SMTP_USERNAME": "varsler"}, "COSEARCH_SMTP_PASSWORD"),
        ({"COSEARCH_SMTP_PORT": "70000"}, "COSEARCH_SMTP_PORT"),
        ({"COSEARCH_MAIL_FROM": "ikke en adresse"}, "COSEARCH_MAIL_FROM"),
        ({"COSEARCH_SMTP_STARTTLS": "kanskje"}, "COSEARCH_SMTP_STARTTLS"),
    ):
        with pytest.raises(SettingsError, match=named):
            load_settings({**base, "COSEARCH_SMTP_HOST": "smtp.example.no", **bad})
    timing = load_settings({**base, "COSEARCH_MEETING_REMINDER_HOURS": "48"}).notifications
    assert timing.meeting_reminder_hours == 48 and timing.max_attempts == 8


def test_mail_preview_prints_the_newest_messages_of_the_embedded_default(tmp_path: Path) -> None:
    from tests.test_cli import run

    env = {"COSEARCH_DATA_DIR": str(tmp_path / "data"), "CWD": str(tmp_path)}
    assert run(env, "migrate").returncode == 0
    empty = run(env, "mail-preview")
    assert empty.returncode == 0 and "No messages yet." in empty.stderr
    assert run(env, "demo").returncode == 0
    shown = run(env, "mail-preview", "--limit", "3")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.count("Subject: ") == 3 and "kept" in shown.stdout
