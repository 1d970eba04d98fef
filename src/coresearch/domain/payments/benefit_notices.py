"""Which co-researchers on work assessment allowance (AAP) to warn, by the notifications worker:
those whose current 14-day period, paid and coming minutes together, is over the warning share
(the same look-ahead as the `warning` flag of `GET /coresearchers/{id}/benefit-periods`)."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import msgspec

from coresearch.domain.coresearchers import profiles
from coresearch.domain.coresearchers.tables import BenefitStatus
from coresearch.domain.payments.benefits import PERIOD_DAYS, _periods, grid_anchor
from coresearch.domain.payments.tables import TimeEntry
from coresearch.lib.crypto import Keyring


class PeriodToWarn(msgspec.Struct, frozen=True):
    """A person's current period that is over the warning share."""

    coresearcher_id: UUID
    starts_on: date
    ends_on: date


async def periods_to_warn(*, today: date, keyring: Keyring, share: float) -> list[PeriodToWarn]:
    """The current periods over the share, of the people with time recorded near `today`."""
    window = timedelta(days=PERIOD_DAYS)
    rows = await TimeEntry.select(TimeEntry.coresearcher).where(
        (TimeEntry.worked_on >= today - window) & (TimeEntry.worked_on <= today + window)
    )
    found = []
    for coresearcher_id in sorted({row["coresearcher"] for row in rows}):
        status, anchor = await profiles.benefit_facts(coresearcher_id=coresearcher_id, keyring=keyring)
        if status != BenefitStatus.aap.value:
            continue
        [current] = await _periods(
            coresearcher_id=coresearcher_id,
            first=today,
            last=today,
            aap=True,
            anchor=grid_anchor(anchor),
            share=share,
        )
        if current.warning:
            found.append(PeriodToWarn(coresearcher_id, current.starts_on, current.ends_on))
    return found
