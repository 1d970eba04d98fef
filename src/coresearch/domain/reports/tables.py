"""Tables of the reports area: the text a lead writes for a funder report, one version per save."""

from piccolo.columns import UUID, Date, ForeignKey, Integer, Text, Timestamptz
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from coresearch.domain.projects.tables import Project


class ReportText(Table, tablename="report_texts"):
    """One saved version of the five GRIPP2-SF sections of a project's report for one period.

    Rows are only ever added: version 1, 2, ... per (project, period_from, period_to), unique by
    migration 0025_report_texts_integrity, which is what decides between two concurrent saves
    (the loser gets 409). The report uses the highest version; an empty section falls back to the
    text drafted from the records. `saved_by` is a plain id: the audit log names who saved.
    """

    id = UUID(primary_key=True)
    project = ForeignKey(Project, on_delete=OnDelete.cascade, null=False)
    period_from = Date()
    period_to = Date()
    version = Integer()
    aim = Text(default="")
    methods = Text(default="")
    results = Text(default="")
    influence = Text(default="")
    reflections = Text(default="")
    saved_by = UUID(null=True, default=None)
    saved_at = Timestamptz(default=TimestamptzNow())
