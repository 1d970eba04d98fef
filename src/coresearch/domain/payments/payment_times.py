"""Submission-to-payment time: the days from a claim's submission (the UTC date of its
`created_at`) to its `paid_on`, per paid claim, with the median per project and across the
portfolio (docs/api.md, Money). The median of an even count is the mean of the middle two.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import UTC, date, datetime
from uuid import UUID

import msgspec
from piccolo.custom_types import Combinable

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.payments.tables import Claim, ClaimStatus
from coresearch.domain.projects.access import LEAD_ONLY, project_access
from coresearch.domain.projects.tables import MemberRole
from coresearch.lib.periods import check_period
from coresearch.lib.problems import Forbidden, NotFound


def days_to_payment(created_at: datetime, paid_on: date | None) -> int | None:
    """Days from submission (the UTC date of `created_at`) to `paid_on`; None until paid."""
    if paid_on is None:
        return None
    return (paid_on - created_at.astimezone(UTC).date()).days


def median(days: list[int]) -> float | None:
    """The median; of an even count, the mean of the middle two (e.g. 3, 4 → 3.5)."""
    return float(statistics.median(days)) if days else None


class ProjectPaymentTimes(msgspec.Struct):
    """Paid claims of one project (paid `from`..`to`): how many and the median days."""

    project_id: UUID
    title: str
    count: int
    median_days: float | None


class PaymentTimes(msgspec.Struct):
    """The median days from submission to payment of claims paid `from`..`to` (null: open),
    over all the rows, and per project (those with a paid claim in the period)."""

    from_day: date | None = msgspec.field(name="from")
    to_day: date | None = msgspec.field(name="to")
    count: int
    median_days: float | None
    projects: list[ProjectPaymentTimes]


async def _times(*, first: date | None, last: date | None, project_id: UUID | None = None) -> PaymentTimes:
    where: Combinable = Claim.status == ClaimStatus.paid.value
    if project_id is not None:
        where &= Claim.project == project_id
    if first is not None:
        where &= Claim.paid_on >= first
    if last is not None:
        where &= Claim.paid_on <= last
    rows = await Claim.select(
        Claim.project, Claim.project.title.as_alias("title"), Claim.created_at, Claim.paid_on
    ).where(where)
    per_project: dict[UUID, list[int]] = defaultdict(list)
    titles: dict[UUID, str] = {}
    for row in rows:
        days = days_to_payment(row["created_at"], row["paid_on"])
        if days is not None:
            per_project[row["project"]].append(days)
            titles[row["project"]] = row["title"]
    everything = [days for project in per_project.values() for days in project]
    projects = sorted(
        (
            ProjectPaymentTimes(
                project_id=project, title=titles[project], count=len(days), median_days=median(days)
            )
            for project, days in per_project.items()
        ),
        key=lambda row: (row.title, str(row.project_id)),
    )
    return PaymentTimes(
        from_day=first, to_day=last, count=len(everything), median_days=median(everything), projects=projects
    )


async def project_payment_times(
    *, principal: Principal, project_id: UUID, first: date | None, last: date | None
) -> PaymentTimes:
    """The project's payment times (its leads and oversight; a researcher 403, a co-researcher 404)."""
    access = await project_access(principal=principal, project_id=project_id)
    if access.acting_role == MemberRole.co_researcher:
        raise NotFound("No such project")
    if access.acting_role not in LEAD_ONLY:
        raise Forbidden("Only the project's leads see its payment times")
    check_period(first, last)
    return await _times(first=first, last=last, project_id=project_id)


async def portfolio_payment_times(*, first: date | None, last: date | None) -> PaymentTimes:
    """Payment times across every project (the route is guarded: research leaders and admins)."""
    check_period(first, last)
    return await _times(first=first, last=last)
