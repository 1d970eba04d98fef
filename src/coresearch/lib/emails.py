"""E-mail addresses a mail server would accept, checked by email-validator (syntax, no DNS).

The old check was a pattern (`something@something`), so `0@0` passed. Special-use domains
(`.test`, `.invalid`, `.localhost`, ...) are refused, except `.local`: organisations run mail on
internal `.local` domains, and the first admin defaults to `admin@coresearch.local`.
email-validator documents editing its `SPECIAL_USE_DOMAIN_NAMES` list for this.
"""

from __future__ import annotations

import email_validator
from email_validator import EmailNotValidError, validate_email

if "local" in email_validator.SPECIAL_USE_DOMAIN_NAMES:
    email_validator.SPECIAL_USE_DOMAIN_NAMES.remove("local")


def email_problem(address: str) -> str | None:
    """Why `address` is not a usable e-mail address, or None when it is."""
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        return f"must be an e-mail address: {exc}"
    return None
