"""Benefit periods: the minutes the rate rules pay a co-researcher per 14-day period, so a person
on work assessment allowance (AAP) sees a badly timed paid hour coming (docs/api.md, Money).

Periods start on a Monday. The person's `benefit_period_anchor` fixes the grid (a day that is not
a Monday counts from the Monday on or before it); without an anchor the grid runs from Monday
2024-01-01. `paid_minutes` are time lines of approved or paid claims; `pending_minutes` are lines
of submitted or attested claims plus unclaimed entries priced by the rate rules of their day
(an entry no agreement with a rate table covers counts as worked).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

import msgspec

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.coresearchers import profiles
from coresearch.domain.coresearchers.access import FULL_VIEW, Relation, standing
from coresearch.domain.coresearchers.tables import BenefitStatus
from coresearch.domain.payments import rules
from coresearch.domain.payments.claims import rate_on
from coresearch.domain.payments.schemas import BenefitCrossing, BenefitWarning
from coresearch.domain.payments.tables import ClaimLine, ClaimStatus, TimeEntry
from coresearch.domain.work.tables import AttendanceMode
from coresearch.lib.crypto import Keyring, keyring_for
from coresearch.lib.problems import BadRequest, NotFound, Unprocessable
from coresearch.settings import Settings

PERIOD_DAYS = 14
EPOCH = date(2024, 1, 1)  # a Monday
# A full-time week for AAP is 37.5 hours; a period is two weeks.
FULL_TIME_PERIOD_MINUTES = 2 * 37 * 60 + 2 * 30
MAX_SPAN_DAYS = 366 * 5
PAID = (ClaimStatus.approved.value, ClaimStatus.paid.value)
PENDING = (ClaimStatus.submitted.value, ClaimStatus.attested.value)


class BenefitPeriod(msgspec.Struct):
    """Paid and coming minutes of one 14-day period; the flags only for a person on AAP."""

    starts_on: date
    ends_on: date
    paid_minutes: int
    pending_minutes: int
    limit_minutes: int | None
    share: float | None
    over_limit: bool | None
    warning: bool | None
    any_paid: bool | None


class BenefitPeriods(msgspec.Struct):
    """The periods overlapping `from`..`to`, earliest first."""

    coresearcher_id: UUID
    aap: bool
    anchor: date
    items: list[BenefitPeriod]


@dataclass(frozen=True)
class WarningTerms:
    """What a warning needs: the keys that open the benefit status, and the warning share."""

    keyring: Keyring
    share: float

    @classmethod
    def of(cls, settings: Settings) -> WarningTerms:
        """The terms the settings give (`COSEARCH_DATA_KEYS`, `COSEARCH_AAP_WARNING_SHARE`)."""
        return cls(keyring=keyring_for(settings.data_keys), share=settings.aap_warning_share)


def grid_anchor(anchor: date | None) -> date:
    """The Monday the person's periods count from: the anchor's Monday, or the epoch."""
    day = anchor or EPOCH
    return day - timedelta(days=day.weekday())


def period_start(day: date, anchor: date) -> date:
    """The first day of the period holding `day` on the grid of `anchor` (a Monday)."""
    return day - timedelta(days=(day - anchor).days % PERIOD_DAYS)


def limit_minutes(share: float) -> int:
    """The minutes a period may pay before the AAP warning, e.g. 0.6 × 4500 = 2700."""
    return round(share * FULL_TIME_PERIOD_MINUTES)


async def _minutes_by_day(
    coresearcher_id: UUID, first: date, last: date
) -> tuple[dict[date, int], dict[date, int]]:
    """Paid and pending minutes per day between `first` and `last`."""
    paid: dict[date, int] = defaultdict(int)
    pending: dict[date, int] = defaultdict(int)
    lines = await ClaimLine.select(
        ClaimLine.day, ClaimLine.paid_minutes, ClaimLine.claim.status.as_alias("status")
    ).where(
        (ClaimLine.claim.coresearcher == coresearcher_id)
        & (ClaimLine.kind == "time")
        & (ClaimLine.day >= first)
        & (ClaimLine.day <= last)
        & ClaimLine.claim.status.is_in([*PAID, *PENDING])
    )
    for line in lines:
        (paid if line["status"] in PAID else pending)[line["day"]] += line["paid_minutes"] or 0
    entries = await TimeEntry.select(
        TimeEntry.project, TimeEntry.worked_on, TimeEntry.minutes, TimeEntry.mode
    ).where(
        (TimeEntry.coresearcher == coresearcher_id)
        & TimeEntry.claim_id.is_null()
        & (TimeEntry.worked_on >= first)
        & (TimeEntry.worked_on <= last)
    )
    for entry in entries:
        try:
            rate = await rate_on(
                project_id=entry["project"], coresearcher_id=coresearcher_id, day=entry["worked_on"]
            )
        except (Unprocessable, NotFound):
            pending[entry["worked_on"]] += entry["minutes"]
            continue
        in_person = entry["mode"] == AttendanceMode.in_person.value
        pending[entry["worked_on"]] += rules.pay(rate, minutes=entry["minutes"], in_person=in_person).minutes
    return paid, pending


async def _periods(
    *, coresearcher_id: UUID, first: date, last: date, aap: bool, anchor: date, share: float
) -> list[BenefitPeriod]:
    start = period_start(first, anchor)
    end = period_start(last, anchor) + timedelta(days=PERIOD_DAYS - 1)
    paid, pending = await _minutes_by_day(coresearcher_id, start, end)
    limit = limit_minutes(share)
    periods = []
    while start <= end:
        days = [start + timedelta(days=n) for n in range(PERIOD_DAYS)]
        minutes = sum(paid.get(day, 0) for day in days)
        coming = sum(pending.get(day, 0) for day in days)
        period = BenefitPeriod(
            starts_on=start,
            ends_on=days[-1],
            paid_minutes=minutes,
            pending_minutes=coming,
            limit_minutes=None,
            share=None,
            over_limit=None,
            warning=None,
            any_paid=None,
        )
        if aap:
            period.limit_minutes = limit
            period.share = round(minutes / FULL_TIME_PERIOD_MINUTES, 4)
            period.over_limit = minutes > limit
            # The warning looks ahead: what is paid and what is coming together.
            period.warning = minutes + coming > limit
            period.any_paid = minutes > 0
        periods.append(period)
        start += timedelta(days=PERIOD_DAYS)
    return periods


async def benefit_periods(
    *, principal: Principal, coresearcher_id: UUID, first: date, last: date, keyring: Keyring, share: float
) -> BenefitPeriods:
    """The person's periods overlapping `first`..`last` (the person and their leads; others 404)."""
    place = await standing(principal=principal, coresearcher_id=coresearcher_id)
    if place.relation not in (Relation.self, Relation.lead):
        raise NotFound("No such co-researcher")
    if last < first:
        raise BadRequest("`to` must not be before `from`", errors=[{"field": "to", "message": "before from"}])
    if (last - first).days > MAX_SPAN_DAYS:
        raise BadRequest(
            f"At most {MAX_SPAN_DAYS} days at a time", errors=[{"field": "to", "message": "span too long"}]
        )
    status, anchor = await profiles.benefit_facts(coresearcher_id=coresearcher_id, keyring=keyring)
    aap = status == BenefitStatus.aap.value
    grid = grid_anchor(anchor)
    items = await _periods(
        coresearcher_id=coresearcher_id, first=first, last=last, aap=aap, anchor=grid, share=share
    )
    return BenefitPeriods(coresearcher_id=coresearcher_id, aap=aap, anchor=grid, items=items)


async def my_benefit_warning(
    *, principal: Principal, today: date, keyring: Keyring, share: float
) -> BenefitWarning | None:
    """The caller's warning for the current period: null unless on AAP and over the share."""
    status, anchor = await profiles.benefit_facts(coresearcher_id=principal.id, keyring=keyring)
    if status != BenefitStatus.aap.value:
        return None
    [current] = await _periods(
        coresearcher_id=principal.id,
        first=today,
        last=today,
        aap=True,
        anchor=grid_anchor(anchor),
        share=share,
    )
    if not current.over_limit:
        return None
    return BenefitWarning(
        period_starts_on=current.starts_on,
        paid_minutes=current.paid_minutes,
        limit_minutes=limit_minutes(share),
    )


async def crossing(
    *, principal: Principal, coresearcher_id: UUID, day: date, extra_minutes: int, terms: WarningTerms
) -> BenefitCrossing | None:
    """The warning for staff giving a person work on `day` (`extra_minutes` not yet recorded as
    a time entry): null unless the caller may read the person's benefit status (the person, the
    leads of their projects), the person is on AAP, and the period holding `day` pays and is to
    pay more than the warning share with the work counted. Never refuses anything."""
    try:
        place = await standing(principal=principal, coresearcher_id=coresearcher_id)
    except NotFound:
        return None
    if place.relation not in FULL_VIEW:
        return None
    status, anchor = await profiles.benefit_facts(coresearcher_id=coresearcher_id, keyring=terms.keyring)
    if status != BenefitStatus.aap.value:
        return None
    [period] = await _periods(
        coresearcher_id=coresearcher_id,
        first=day,
        last=day,
        aap=True,
        anchor=grid_anchor(anchor),
        share=terms.share,
    )
    coming = period.pending_minutes + extra_minutes
    limit = limit_minutes(terms.share)
    if period.paid_minutes + coming <= limit:
        return None
    return BenefitCrossing(
        coresearcher_id=coresearcher_id,
        period_starts_on=period.starts_on,
        period_ends_on=period.ends_on,
        paid_minutes=period.paid_minutes,
        pending_minutes=coming,
        limit_minutes=limit,
    )
