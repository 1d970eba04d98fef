"""Who a project's co-researchers are, as counts that cannot single anyone out.

Four self-reported dimensions (experience kind, age band, gender, organisation type), each with
every answer listed and `not_stated` for those who gave none, so a missing row says nothing.
A count under `MINIMUM_CELL` is suppressed, zero included (an empty cell tells the others what
they are). Each dimension sums to the total, so suppression is complemented: while the
suppressed cells of a dimension are one alone, or together fewer than `MINIMUM_CELL` people
(the total minus the shown cells would tell their sum), the smallest shown cell is suppressed
as well. The total itself is shown only from `MINIMUM_CELL` people up.
"""

from __future__ import annotations

from collections import Counter
from enum import Enum
from uuid import UUID

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.coresearchers import schemas as s
from coresearch.domain.coresearchers.tables import AgeBand, ExperienceKind, Gender, OrganisationType, Profile
from coresearch.domain.projects import service as projects
from coresearch.domain.projects.access import LEAD_ONLY, project_access
from coresearch.domain.projects.tables import MemberRole

MINIMUM_CELL = 3
NOT_STATED = "not_stated"
DIMENSIONS: dict[str, type[Enum]] = {
    "experience_kind": ExperienceKind,
    "age_band": AgeBand,
    "gender": Gender,
    "organisation_type": OrganisationType,
}


def suppressed_values(counts: dict[str, int]) -> set[str]:
    """The answers of one dimension whose counts must not be shown (see the module's rule)."""
    hidden = {value for value, count in counts.items() if count < MINIMUM_CELL}
    # Smallest first; ties in the order the answers are listed, so the result is stable.
    shown = sorted((v for v in counts if v not in hidden), key=lambda v: counts[v])
    while hidden and shown and (len(hidden) == 1 or sum(counts[v] for v in hidden) < MINIMUM_CELL):
        hidden.add(shown.pop(0))
    return hidden


def dimension(counts: dict[str, int]) -> list[s.Category]:
    """The cells of one dimension, in the listed order, with suppression applied."""
    hidden = suppressed_values(counts)
    return [
        s.Category(value=value, count=None if value in hidden else count, suppressed=value in hidden)
        for value, count in counts.items()
    ]


def tabulate(project_id: UUID, answers: list[dict[str, str | None]]) -> s.Representation:
    """The representation of the people whose self-reported `answers` are given (one dict each)."""
    total = len(answers)
    shown_total = total >= MINIMUM_CELL
    dimensions: dict[str, list[s.Category]] = {}
    for name, choices in DIMENSIONS.items():
        tally = Counter(answer.get(name) or NOT_STATED for answer in answers)
        counts = {choice.value: tally[choice.value] for choice in choices} | {NOT_STATED: tally[NOT_STATED]}
        dimensions[name] = dimension(counts)
    return s.Representation(
        project_id=project_id,
        minimum_cell=MINIMUM_CELL,
        total=s.Cell(count=total if shown_total else None, suppressed=not shown_total),
        experience_kind=dimensions["experience_kind"],
        age_band=dimensions["age_band"],
        gender=dimensions["gender"],
        organisation_type=dimensions["organisation_type"],
    )


async def get_representation(*, principal: Principal, project_id: UUID) -> s.Representation:
    """The project's co-researcher members counted by each self-reported dimension (the project's
    leads and oversight)."""
    await project_access(principal=principal, project_id=project_id, allowed=LEAD_ONLY)
    members = await projects.list_members(principal=principal, project_id=project_id)
    people = [member.user_id for member in members if member.role == MemberRole.co_researcher]
    profiles: dict[str, dict[str, str | None]] = {}
    if people:
        rows = await Profile.select(Profile.user, *(getattr(Profile, name) for name in DIMENSIONS)).where(
            Profile.user.is_in(people)
        )
        profiles = {str(row["user"]): row for row in rows}
    # A member without a profile row has stated nothing.
    answers = [{name: profiles.get(str(user), {}).get(name) for name in DIMENSIONS} for user in people]
    return tabulate(project_id, answers)
