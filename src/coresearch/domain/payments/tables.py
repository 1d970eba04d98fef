"""Tables of the payments area: dated rate tables (claims, time entries and expenses come later)."""

from piccolo.columns import UUID, Date, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class RateTable(Table, tablename="rate_tables"):
    """One version of a named rate table, in force from `valid_from` until the next version of
    the same name (unique per name and `valid_from`, by migration 0019_rate_tables_integrity).

    Never changed after it is written: a new rate is a new row, so a claim for past work is
    computed with the version of the day the work was done. Who wrote it is in the audit log.
    """

    id = UUID(primary_key=True)
    name = Varchar(length=200)
    hourly_rate_ore = Integer()
    rounding_minutes = Integer()
    minimum_in_person_minutes = Integer()
    valid_from = Date()
    created_at = Timestamptz(default=TimestamptzNow())
