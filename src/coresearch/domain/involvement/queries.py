"""The fixed SQL of the involvement log's pages (run on both engines; `{}` are parameters).

The busiest reads are fixed SQL composed from fragments rather than the query builder, which nearly
doubled their CPU (docs/performance.md). Every page is newest first, `(occurred_on, id)`
descending, and walks an index in that order so it stops at the limit, whatever the history.
"""

# Columns are named as in `s.Activity`; participants come sorted, as an array on PostgreSQL and as
# JSON text on SQLite. Only confirmed participants count (`participants.py`): every fragment that
# reads participant rows requires `confirmed`.
_PAGE = """
SELECT a.id, a.project AS project_id, a.phase, a.kind, a.occurred_on, a.level, a.minutes, a.summary,
       a.hoped_to_influence, a.what_changed, a.why_it_matters, a.created_by, a.created_at,
       a.updated_at, a.meeting AS meeting_id, {participants} AS participant_ids
FROM {source} WHERE {{}} ORDER BY {order} LIMIT {{}}
"""
_PARTICIPANTS = (
    'SELECT ap."user" FROM activity_participants ap WHERE ap.activity = a.id AND ap.confirmed '
    'ORDER BY ap."user"'
)
_ENGINE_PARTICIPANTS = {
    "postgres": f"ARRAY({_PARTICIPANTS})",
    "sqlite": f'(SELECT json_group_array("user") FROM ({_PARTICIPANTS}))',
}
# Everyone who sees the whole project walks `activities (project, occurred_on, id)`.
PAGE_SQL = {
    engine: _PAGE.format(
        participants=participants, source="activities a", order="a.occurred_on DESC, a.id DESC"
    )
    for engine, participants in _ENGINE_PARTICIPANTS.items()
}
# One person's activities (a co-researcher's own page, or `participant_id`) walk that person's
# confirmed participant rows on `(user, project, occurred_on, activity) WHERE confirmed` and stop
# at the limit, whatever their history; the conditions and the cursor use `me.` columns so they
# bound that index range, and the caller adds `me.confirmed` (PERSON_SQL).
PERSON_PAGE_SQL = {
    engine: _PAGE.format(
        participants=participants,
        source="activity_participants me JOIN activities a ON a.id = me.activity",
        order="me.occurred_on DESC, me.activity DESC",
    )
    for engine, participants in _ENGINE_PARTICIPANTS.items()
}
# The conditions that choose the person's rows: `me."user" = {}` on their confirmed rows only.
PERSON_SQL = 'me."user" = {} AND me.confirmed'
TOOK_PART_SQL = 'a.id IN (SELECT activity FROM activity_participants WHERE "user" = {} AND confirmed)'
# The caller's activities across projects (confirmed rows, with PERSON_SQL), on
# `(user, occurred_on, activity) WHERE confirmed`; without oversight only in projects they are
# still a member of.
IMPACT_SQL = """
SELECT a.id, a.project, p.title AS project_title, a.phase, a.kind, a.level, a.occurred_on, a.minutes,
       a.summary, a.hoped_to_influence, a.what_changed, a.why_it_matters
FROM activity_participants me JOIN activities a ON a.id = me.activity JOIN projects p ON p.id = a.project
WHERE {} ORDER BY me.occurred_on DESC, me.activity DESC LIMIT {}
"""
# PostgreSQL would turn a plain `EXISTS`/`IN` into a join, guess from independent statistics that
# few of a person's rows lie in their projects (all do), and sort their whole history: 46 ms at
# 200,000 activities. `OFFSET 0` keeps it a per-row check while the index is walked in order and
# the walk stops at the limit (1.1 ms). SQLite walks the index either way and has no bare OFFSET.
_MEMBER = 'SELECT 1 FROM project_members pm WHERE pm.project = me.project AND pm."user" = me."user"'
IN_MEMBER_PROJECTS_SQL = {"postgres": f"EXISTS ({_MEMBER} OFFSET 0)", "sqlite": f"EXISTS ({_MEMBER})"}
