"""Norwegian identifiers with real check digits, and the field cipher (no database needed)."""

import pytest

from coresearch.domain.coresearchers.identifiers import bank_account_problem, national_id_problem
from coresearch.lib.crypto import KeyMissing, Keyring, UndecryptableValue, context, key_id
from coresearch.settings import decode_data_key, new_data_key

# Check digits worked out by hand with weights 3,7,6,1,8,9,4,5,2 and 5,4,3,2,7,6,5,4,3,2.
VALID_NATIONAL_IDS = [
    "15038512363",  # 15.03.1985, individual number 123 (1900s)
    "01010750160",  # 01.01.2007, individual number 501 (2000s)
    "29020050088",  # 29.02.2000, a leap day
    "31129956715",  # 31.12.1899, individual number 567 with year 99 (1800s)
    "45038512386",  # D-number: day 05 raised by 40
    "15438512346",  # H-number: month 03 raised by 40
    "150385 12363",  # spaces are removed
]
INVALID_NATIONAL_IDS = {
    "15038512364": "the check digits do not match",  # second check digit off by one
    "15038512373": "the check digits do not match",  # first check digit off by one
    "29020112482": "does not start with a valid birth date",  # 29.02.1901: check digits fine
    "31029912370": "does not start with a valid birth date",  # 31 February
    "1503851236": "must be 11 digits",
    "150385123633": "must be 11 digits",
    "١٥٠٣٨٥١٢٣٦٣": "must be 11 digits",  # Arabic-Indic digits are digits to Python, not to us
}
VALID_BANK_ACCOUNTS = ["86011117947", "8601.11.17947", "15031234562", "97100500004"]
INVALID_BANK_ACCOUNTS = {
    "86011117948": "the check digit does not match",
    "86011117940": "the check digit does not match",
    "8601111794": "must be 11 digits",
    "8601111794a": "must be 11 digits",
}


@pytest.mark.parametrize("value", VALID_NATIONAL_IDS)
def test_valid_national_ids_pass(value: str) -> None:
    assert national_id_problem(value) is None


@pytest.mark.parametrize(("value", "problem"), INVALID_NATIONAL_IDS.items())
def test_invalid_national_ids_say_why(value: str, problem: str) -> None:
    assert national_id_problem(value) == problem


@pytest.mark.parametrize("value", VALID_BANK_ACCOUNTS)
def test_valid_bank_accounts_pass(value: str) -> None:
    assert bank_account_problem(value) is None


@pytest.mark.parametrize(("value", "problem"), INVALID_BANK_ACCOUNTS.items())
def test_invalid_bank_accounts_say_why(value: str, problem: str) -> None:
    assert bank_account_problem(value) == problem


def key() -> bytes:
    return decode_data_key(new_data_key(), 1)


def test_a_value_is_stored_with_its_key_id_and_reads_back_only_in_its_place() -> None:
    first = key()
    keyring = Keyring([first])
    aad = context("coresearcher_profiles", "row-1", "national_id")
    stored = keyring.encrypt("15038512363", aad=aad)
    assert stored.startswith(key_id(first) + ":") and "15038512363" not in stored
    assert keyring.encrypt("15038512363", aad=aad) != stored  # a fresh nonce every time
    assert keyring.decrypt(stored, aad=aad) == "15038512363"
    for elsewhere in (
        context("coresearcher_profiles", "row-2", "national_id"),
        context("coresearcher_profiles", "row-1", "bank_account"),
    ):
        with pytest.raises(UndecryptableValue):
            keyring.decrypt(stored, aad=elsewhere)
    tampered = stored[:-2] + ("A" if stored[-2] != "A" else "B") + stored[-1]
    with pytest.raises(UndecryptableValue):
        keyring.decrypt(tampered, aad=aad)


def test_older_keys_still_decrypt_and_a_missing_key_is_named() -> None:
    old, new = key(), key()
    aad = context("t", 1, "c")
    stored = Keyring([old]).encrypt("hemmelig", aad=aad)
    both = Keyring([new, old])
    assert both.decrypt(stored, aad=aad) == "hemmelig"
    assert not both.is_current(stored) and both.is_current(both.encrypt("x", aad=aad))
    with pytest.raises(KeyMissing) as caught:
        Keyring([new]).decrypt(stored, aad=aad)
    assert caught.value.key_id == key_id(old)
