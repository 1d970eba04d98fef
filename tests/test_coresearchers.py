"""Co-researcher profiles: who reads what, masking, validation, encryption at rest, the audit trail."""

import uuid

import httpx
import msgspec
import pytest

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.tables import Role
from coresearch.domain.audit.tables import AuditEntry
from coresearch.domain.coresearchers import profiles
from coresearch.domain.coresearchers.tables import Profile
from coresearch.lib.crypto import Keyring
from coresearch.lib.problems import ServiceUnavailable
from coresearch.settings import decode_data_key, new_data_key
from tests.conftest import Person, World, make_person

API = "/api/v1"
NATIONAL_ID = "15038512363"  # born 15.03.1985, both check digits valid
BANK_ACCOUNT = "86011117947"
SUMMARY = "Innlagt på akuttpsykiatrisk post tre ganger; erfaring med tvang."
PROTECTED = {
    "national_id": NATIONAL_ID,
    "bank_account": BANK_ACCOUNT,
    "experience_summary": SUMMARY,
    "benefit_status": "aap",
}


def url(person: Person, suffix: str = "") -> str:
    return f"{API}/coresearchers/{person.id}{suffix}"


async def patch(client: httpx.AsyncClient, who: Person, whose: Person, body: dict) -> httpx.Response:
    return await client.patch(url(whose), json=body, headers=who.headers)


async def fill_profile(client: httpx.AsyncClient, world: World) -> dict:
    co = world.people["co_researcher"]
    body = {
        **PROTECTED,
        "phone": "+47 912 34 567",
        "organisation": "Mental Helse Bergen",
        "experience_kind": "own",
        "payment_route": "payroll",
        "benefit_period_anchor": "2026-01-05",
        "accessibility_needs": {"large_print": True, "breaks": True, "notes": "Trenger pause hver time"},
        "age_band": "40_54",
        "gender": "woman",
        "organisation_type": "user_organisation",
    }
    response = await patch(client, co, co, body)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_person_creates_their_profile_on_first_patch_and_reads_it_back(
    client: httpx.AsyncClient, world: World
) -> None:
    co = world.people["co_researcher"]
    empty = (await client.get(url(co), headers=co.headers)).json()
    assert empty["national_id"] is None and empty["updated_at"] is None and empty["masked"] == []
    assert empty["full_name"] == "co_researcher" and empty["email"] == co.email

    saved = await fill_profile(client, world)
    read = (await client.get(url(co), headers=co.headers)).json()
    assert read == saved
    assert {name: read[name] for name in PROTECTED} == PROTECTED
    assert read["accessibility_needs"] == {
        "large_print": True,
        "breaks": True,
        "companion": False,
        "notes": "Trenger pause hver time",
    }
    assert read["benefit_period_anchor"] == "2026-01-05" and read["age_band"] == "40_54"


async def test_a_lead_reads_and_changes_the_protected_fields_of_their_co_researcher(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    await fill_profile(client, world)
    read = (await client.get(url(co), headers=lead.headers)).json()
    assert {name: read[name] for name in PROTECTED} == PROTECTED and read["masked"] == []

    changed = await patch(client, lead, co, {"bank_account": "1503 12 34562", "payment_route": "invoice"})
    assert changed.status_code == 200
    assert changed.json()["bank_account"] == "15031234562"  # spaces removed
    assert changed.json()["payment_route"] == "invoice"


@pytest.mark.parametrize("persona", ["researcher", "admin", "research_leader"])
async def test_project_researchers_and_oversight_see_the_profile_masked_with_accessibility_needs(
    client: httpx.AsyncClient, world: World, persona: str
) -> None:
    co = world.people["co_researcher"]
    await fill_profile(client, world)
    response = await client.get(url(co), headers=world.people[persona].headers)
    assert response.status_code == 200
    seen = response.json()
    masked = ["national_id", "bank_account", "experience_summary", "benefit_status"]
    masked += ["benefit_period_anchor", "age_band", "gender", "organisation_type"]
    assert all(seen[name] is None for name in masked)
    assert seen["masked"] == masked
    assert seen["accessibility_needs"]["large_print"] is True
    assert seen["phone"] == "+47 912 34 567" and seen["experience_kind"] == "own"
    assert NATIONAL_ID not in response.text and BANK_ACCOUNT not in response.text
    assert (await patch(client, world.people[persona], co, {"phone": "1"})).status_code == 403


async def test_masked_lists_only_fields_that_hold_a_value(client: httpx.AsyncClient, world: World) -> None:
    co = world.people["co_researcher"]
    await patch(client, co, co, {"bank_account": BANK_ACCOUNT})
    seen = (await client.get(url(co), headers=world.people["researcher"].headers)).json()
    assert seen["masked"] == ["bank_account"]


async def test_a_co_researcher_never_reads_another_co_researchers_profile_or_training(
    client: httpx.AsyncClient, world: World
) -> None:
    co, other = world.people["co_researcher"], world.people["other_co_researcher"]
    await fill_profile(client, world)
    for suffix in ("", "/training", "/consents"):
        response = await client.get(url(co, suffix), headers=other.headers)
        assert response.status_code == 404, suffix
        assert NATIONAL_ID not in response.text
    assert (await patch(client, other, co, {"phone": "1"})).status_code == 404
    outsider = world.people["outsider"]
    assert (await client.get(url(co), headers=outsider.headers)).status_code == 404


async def test_users_who_are_not_co_researchers_have_no_profile(
    client: httpx.AsyncClient, world: World
) -> None:
    researcher = world.people["researcher"]
    for who in (researcher, world.people["admin"]):
        assert (await client.get(url(researcher), headers=who.headers)).status_code == 404
    missing = f"{API}/coresearchers/{uuid.uuid4()}"
    assert (await client.get(missing, headers=world.people["admin"].headers)).status_code == 404


async def test_a_lead_of_another_project_does_not_see_the_person(
    client: httpx.AsyncClient, world: World
) -> None:
    co = world.people["co_researcher"]
    response = await client.get(url(co), headers=world.people["outsider"].headers)
    assert response.status_code == 404
    assert response.json()["detail"] == "No such co-researcher"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("national_id", "15038512364", "the check digits do not match"),
        ("national_id", "25038512363", "the check digits do not match"),
        ("national_id", "31029912370", "does not start with a valid birth date"),
        ("national_id", "1503851236", "must be 11 digits"),
        ("national_id", "1503851236x", "must be 11 digits"),
        ("bank_account", "86011117948", "the check digit does not match"),
        ("bank_account", "8601111794", "must be 11 digits"),
    ],
)
async def test_invalid_identifiers_answer_400_naming_the_field_without_echoing_it(
    client: httpx.AsyncClient, world: World, field: str, value: str, message: str
) -> None:
    co = world.people["co_researcher"]
    response = await patch(client, co, co, {field: value, "phone": "+47 400 00 000"})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": field, "message": message}]
    assert value not in response.text
    assert (await client.get(url(co), headers=co.headers)).json()["phone"] == ""  # nothing saved


async def test_d_and_h_numbers_are_accepted_and_null_clears_a_field(
    client: httpx.AsyncClient, world: World
) -> None:
    co = world.people["co_researcher"]
    for value in ("45038512386", "15438512346", "01010750160", "29020050088"):
        response = await patch(client, co, co, {"national_id": value})
        assert response.status_code == 200 and response.json()["national_id"] == value
    cleared = await patch(client, co, co, {"national_id": None, "experience_kind": None})
    assert cleared.json()["national_id"] is None and cleared.json()["experience_kind"] is None


async def test_bad_enum_values_and_unknown_fields_answer_400(client: httpx.AsyncClient, world: World) -> None:
    co = world.people["co_researcher"]
    for body in ({"benefit_status": "rich"}, {"payment_route": "cash"}, {"shoe_size": 44}, {"phone": "1\n2"}):
        response = await patch(client, co, co, body)
        assert response.status_code == 400, body


async def test_name_and_email_change_on_the_user_and_a_taken_email_is_409(
    client: httpx.AsyncClient, world: World
) -> None:
    co = world.people["co_researcher"]
    changed = await patch(client, co, co, {"full_name": "Kari Nordmann", "email": "Kari@Example.no"})
    assert changed.status_code == 200
    assert changed.json()["full_name"] == "Kari Nordmann" and changed.json()["email"] == "kari@example.no"
    taken = await patch(client, co, co, {"email": world.people["lead"].email, "phone": "+47 1"})
    assert taken.status_code == 409
    assert (await client.get(url(co), headers=co.headers)).json()["phone"] == ""


async def test_raw_rows_hold_no_plaintext_and_the_audit_log_only_says_what_changed(
    client: httpx.AsyncClient, world: World
) -> None:
    co = world.people["co_researcher"]
    await fill_profile(client, world)
    rows = await Profile.raw("SELECT * FROM coresearcher_profiles")
    audit_rows = await AuditEntry.raw("SELECT * FROM audit_log")
    everything = repr(rows) + repr(audit_rows)
    for plaintext in (NATIONAL_ID, BANK_ACCOUNT, SUMMARY, "Innlagt", "tvang"):
        assert plaintext not in everything
    (row,) = rows
    for column in PROTECTED:
        assert row[column].count(":") == 1 and len(row[column].split(":")[0]) == 8
    update = next(r for r in audit_rows if r["action"] == "coresearcher_profile.update")
    changes = (
        update["changes"] if isinstance(update["changes"], dict) else msgspec.json.decode(update["changes"])
    )
    for column in PROTECTED:
        assert changes[column] == {"before": None, "after": "***"}
    assert changes["gender"] == {"before": None, "after": "***"}
    assert changes["phone"] == {"before": "", "after": "+47 912 34 567"}

    again = await patch(client, co, co, {"national_id": "01010750160"})
    assert again.status_code == 200
    entries = (
        await client.get(f"{API}/audit", params={"entity_id": co.id}, headers=world.people["admin"].headers)
    ).json()
    assert entries["items"][0]["changes"] == {"national_id": {"before": "***", "after": "***"}}


async def test_saving_the_same_protected_value_again_changes_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    co = world.people["co_researcher"]
    await fill_profile(client, world)
    before = await Profile.select(Profile.national_id).first()
    await patch(client, co, co, {"national_id": NATIONAL_ID})
    assert await Profile.select(Profile.national_id).first() == before
    assert await AuditEntry.count().where(AuditEntry.action == "coresearcher_profile.update") == 1


async def test_a_value_moved_to_another_row_does_not_decrypt(client: httpx.AsyncClient, world: World) -> None:
    co = world.people["co_researcher"]
    second = await make_person(client, "co_researcher", "Andre medforsker")
    await fill_profile(client, world)
    await patch(client, second, second, {"phone": "+47 1"})
    stolen = (await Profile.select(Profile.national_id).where(Profile.user == co.id).first())["national_id"]
    await Profile.update({Profile.national_id: stolen}).where(Profile.user == second.id)
    response = await client.get(url(second), headers=second.headers)
    assert response.status_code == 503
    assert NATIONAL_ID not in response.text


async def test_a_value_under_a_key_that_is_not_configured_is_a_clear_error_never_plaintext(
    client: httpx.AsyncClient, world: World
) -> None:
    co = world.people["co_researcher"]
    await fill_profile(client, world)
    principal = Principal(
        id=uuid.UUID(co.id), email=co.email, full_name="", role=Role.co_researcher, token_id=uuid.uuid4()
    )
    other_keys = Keyring([decode_data_key(new_data_key(), 1)])
    with pytest.raises(ServiceUnavailable) as caught:
        await profiles.get_profile(principal=principal, coresearcher_id=principal.id, keyring=other_keys)
    stored_kid = (await Profile.select(Profile.national_id).first())["national_id"].split(":")[0]
    assert stored_kid in caught.value.detail and "COSEARCH_DATA_KEYS" in caught.value.detail
