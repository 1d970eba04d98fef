"""One rule for the date ranges of list filters (`from`/`to`, `due_after`/`due_before`)."""

from __future__ import annotations

from datetime import date

from coresearch.lib.problems import Invalid


def check_period(
    start: date | None,
    end: date | None,
    *,
    start_name: str = "from",
    end_name: str = "to",
    inclusive: bool = True,
) -> None:
    """Answer 400 naming `start_name` when the range holds no day: `start` after `end` (both
    included), or not before `end` when both bounds are exclusive."""
    if start is None or end is None:
        return
    if start > end or (not inclusive and start >= end):
        relation = "on or before" if inclusive else "before"
        raise Invalid(
            "The period ends before it starts",
            errors=[{"field": start_name, "message": f"must be {relation} `{end_name}`"}],
        )
