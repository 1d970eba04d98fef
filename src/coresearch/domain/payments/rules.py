"""The rate rules, as pure arithmetic in integer øre and whole minutes (docs/api.md, Money).

Worked minutes are rounded to the nearest `rounding_minutes` (a half rounds up); attending in
person pays at least `minimum_in_person_minutes`; absence pays nothing (no entry at all). The
amount is the hourly rate times the paid minutes over 60, to the nearest øre (a half rounds up).
"""

from __future__ import annotations

from typing import NamedTuple

from coresearch.domain.payments.schemas import RateTable


class Pay(NamedTuple):
    """What a stretch of work pays: the minutes after the rules, and their amount."""

    minutes: int
    amount_ore: int


def rounded_minutes(minutes: int, step: int) -> int:
    """`minutes` to the nearest multiple of `step`, a half rounding up."""
    return (2 * minutes + step) // (2 * step) * step


def pay(rate: RateTable, *, minutes: int, in_person: bool) -> Pay:
    """What `minutes` of work pay by `rate` (the version valid on the day the work was done)."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    paid = rounded_minutes(minutes, rate.rounding_minutes)
    if in_person:
        paid = max(paid, rate.minimum_in_person_minutes)
    return Pay(minutes=paid, amount_ore=(rate.hourly_rate_ore * paid + 30) // 60)
