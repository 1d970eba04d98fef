"""Norwegian identifiers a co-researcher gives for payment: national ID and bank account.

Both are 11 digits with MOD11 check digits. Spaces and dots (as in `8601.11.17947`) are accepted
and removed; what is stored is the 11 digits.
"""

from __future__ import annotations

from datetime import date

NATIONAL_ID_WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
NATIONAL_ID_WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
BANK_ACCOUNT_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _digits(value: str) -> str | None:
    compact = value.replace(" ", "").replace(".", "")
    return compact if len(compact) == 11 and compact.isascii() and compact.isdigit() else None


def _mod11(digits: str, weights: tuple[int, ...]) -> int | None:
    """The MOD11 check digit of `digits`, or None when no digit fits (remainder 1)."""
    check = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def _century(individual: int, year: int) -> int | None:
    """The century a birth year belongs to, from the individual number (Skatteetaten's ranges)."""
    if individual <= 499:
        return 1900
    if individual <= 749 and year >= 54:
        return 1800
    if individual >= 500 and year <= 39:
        return 2000
    if individual >= 900 and year >= 40:
        return 1900
    return None


def _birth_date_ok(digits: str) -> bool:
    day, month, year = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    if day > 40:  # D-number: the first digit raised by 4
        day -= 40
    if month > 40:  # H-number: the third digit raised by 4
        month -= 40
    century = _century(int(digits[6:9]), year)
    if century is None:
        return False
    try:
        date(century + year, month, day)
    except ValueError:
        return False
    return True


def national_id_problem(value: str) -> str | None:
    """Why `value` is not a valid fødselsnummer, D-number or H-number; None when it is."""
    digits = _digits(value)
    if digits is None:
        return "must be 11 digits"
    first = _mod11(digits[:9], NATIONAL_ID_WEIGHTS_1)
    second = _mod11(digits[:9] + str(first), NATIONAL_ID_WEIGHTS_2) if first is not None else None
    if first is None or second is None or digits[9:] != f"{first}{second}":
        return "the check digits do not match"
    if not _birth_date_ok(digits):
        return "does not start with a valid birth date"
    return None


def bank_account_problem(value: str) -> str | None:
    """Why `value` is not a valid Norwegian bank account number; None when it is."""
    digits = _digits(value)
    if digits is None:
        return "must be 11 digits"
    if _mod11(digits[:10], BANK_ACCOUNT_WEIGHTS) != int(digits[10]):
        return "the check digit does not match"
    return None


def compact(value: str) -> str:
    """The 11 digits of an identifier already checked above."""
    return value.replace(" ", "").replace(".", "")
