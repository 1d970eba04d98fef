"""Key rotation end to end: add a key, rotate, retire the old one; resumable; clear when a key is gone."""

import sqlite3
import uuid
from pathlib import Path

import httpx
import pytest

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.tables import Role
from coresearch.domain.coresearchers import profiles, rotation
from coresearch.domain.coresearchers import schemas as s
from coresearch.domain.coresearchers.tables import BenefitStatus, Profile
from coresearch.lib.crypto import KeyMissing, Keyring, context, key_id
from coresearch.settings import decode_data_key, new_data_key
from tests.conftest import make_person
from tests.test_cli import run

PROTECTED = ("national_id", "bank_account", "experience_summary", "benefit_status")
NATIONAL_IDS = ["15038512363", "01010750160", "29020050088", "45038512386"]


def fresh_key() -> bytes:
    return decode_data_key(new_data_key(), 1)


async def people_with_profiles(client: httpx.AsyncClient, keyring: Keyring, count: int) -> list[Principal]:
    """Co-researchers whose protected fields are all set, encrypted under `keyring`'s newest key."""
    principals = []
    for index in range(count):
        person = await make_person(client, "co_researcher", f"Medforsker {index}")
        principal = Principal(
            id=uuid.UUID(person.id),
            email=person.email,
            full_name="",
            role=Role.co_researcher,
            token_id=uuid.uuid4(),
        )
        data = s.ProfileUpdate(
            national_id=NATIONAL_IDS[index],
            bank_account="86011117947",
            experience_summary=f"Pårørende nummer {index}",
            benefit_status=BenefitStatus.aap,
        )
        await profiles.update_profile(
            principal=principal, coresearcher_id=principal.id, data=data, keyring=keyring
        )
        principals.append(principal)
    return principals


async def stored_key_ids() -> list[str]:
    rows = await Profile.select(*(Profile._meta.get_column_by_name(c) for c in PROTECTED))
    return sorted({row[c].split(":")[0] for row in rows for c in PROTECTED})


async def readable(principals: list[Principal], keyring: Keyring) -> list[str | None]:
    read = [
        await profiles.get_profile(principal=p, coresearcher_id=p.id, keyring=keyring) for p in principals
    ]
    return [profile.national_id for profile in read]


async def test_add_a_key_rotate_retire_the_old_one_and_everything_still_reads(
    client: httpx.AsyncClient,
) -> None:
    old, new = fresh_key(), fresh_key()
    principals = await people_with_profiles(client, Keyring([old]), 3)

    report = await rotation.rotate_keys(keyring=Keyring([new, old]), batch_size=2)
    assert (report.rows_checked, report.re_encrypted, report.already_current) == (3, 3, 0)
    assert report.key_id == key_id(new)
    assert await stored_key_ids() == [key_id(new)]

    retired = Keyring([new])
    assert await readable(principals, retired) == NATIONAL_IDS[:3]
    again = await rotation.rotate_keys(keyring=retired)
    assert (again.rows_checked, again.re_encrypted, again.already_current) == (3, 0, 3)


async def test_an_interrupted_rotation_continues_where_it_stopped(client: httpx.AsyncClient) -> None:
    old, new, lost = fresh_key(), fresh_key(), fresh_key()
    principals = await people_with_profiles(client, Keyring([old]), 3)
    principals += await people_with_profiles(client, Keyring([lost]), 1)
    lost_row = await Profile.select(Profile.id).where(Profile.user == principals[-1].id).first()
    ids_in_order = sorted(str(row["id"]) for row in await Profile.select(Profile.id))
    before_lost = ids_in_order.index(str(lost_row["id"]))

    with pytest.raises(KeyMissing) as caught:
        await rotation.rotate_keys(keyring=Keyring([new, old]), batch_size=1)
    assert caught.value.key_id == key_id(lost)
    rows = await Profile.select(Profile.national_id)
    done = sum(row["national_id"].startswith(key_id(new)) for row in rows)
    assert done == before_lost  # the batches before the failing one are committed

    report = await rotation.rotate_keys(keyring=Keyring([new, old, lost]), batch_size=1)
    assert (report.rows_checked, report.re_encrypted, report.already_current) == (4, 4 - done, done)
    assert await readable(principals, Keyring([new])) == [*NATIONAL_IDS[:3], NATIONAL_IDS[0]]


def test_the_rotate_keys_command_reports_counts_and_names_a_missing_key(tmp_path: Path) -> None:
    old, new = new_data_key(), new_data_key()
    env = {"COSEARCH_DATA_DIR": str(tmp_path / "data"), "CWD": str(tmp_path), "COSEARCH_DATA_KEYS": old}
    assert run(env, "migrate").returncode == 0
    made = run(
        env,
        "create-user",
        "--email",
        "kari@example.no",
        "--role",
        "co_researcher",
        "--password",
        "Lang-og-sikker-frase-1",
    )
    user_id = made.stdout.split("(")[1].split(")")[0]
    profile_id = str(uuid.uuid4())
    aad = context("coresearcher_profiles", profile_id, "national_id")
    sealed = Keyring([decode_data_key(old, 1)]).encrypt("15038512363", aad=aad)
    with sqlite3.connect(tmp_path / "data" / "coresearch.db") as db:
        db.execute(
            'INSERT INTO coresearcher_profiles (id, "user", national_id) VALUES (?, ?, ?)',
            (profile_id, user_id, sealed),
        )

    missing = run({**env, "COSEARCH_DATA_KEYS": new}, "rotate-keys")
    assert missing.returncode == 1
    assert f"data key {key_id(decode_data_key(old, 1))}" in missing.stderr

    rotated = run({**env, "COSEARCH_DATA_KEYS": f"{new},{old}"}, "rotate-keys", "--batch-size", "1")
    assert rotated.returncode == 0, rotated.stderr
    assert "Checked 1 rows: 1 re-encrypted" in rotated.stdout and "0 already current" in rotated.stdout
    with sqlite3.connect(tmp_path / "data" / "coresearch.db") as db:
        (stored,) = db.execute("SELECT national_id FROM coresearcher_profiles").fetchone()
    assert "15038512363" not in stored
    assert Keyring([decode_data_key(new, 1)]).decrypt(stored, aad=aad) == "15038512363"
