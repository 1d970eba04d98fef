"""Database errors that reach the problem-details layer: races are 409/503, bugs stay 500."""

from __future__ import annotations

import sqlite3

import pytest
from asyncpg.exceptions import DeadlockDetectedError, ForeignKeyViolationError, UniqueViolationError

from coresearch.lib.problems import busy_database_to_problem, integrity_error_to_problem


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.IntegrityError("UNIQUE constraint failed: users.email"),
        sqlite3.IntegrityError("FOREIGN KEY constraint failed"),
        UniqueViolationError('duplicate key value violates unique constraint "users_email_key"'),
        ForeignKeyViolationError('insert or update on table "project_members" violates foreign key'),
    ],
)
def test_a_constraint_that_caught_a_race_is_a_409_naming_no_internals(error: Exception) -> None:
    problem = integrity_error_to_problem(error)
    assert problem.status_code == 409
    assert problem.type_ is not None and problem.type_.endswith("/conflict")
    detail = (problem.detail or "").lower()
    assert not any(word in detail for word in ("users", "email", "constraint", "key", "project_members"))


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.IntegrityError("NOT NULL constraint failed: users.email"),
        sqlite3.IntegrityError("CHECK constraint failed"),
    ],
)
def test_other_constraint_failures_are_bugs_and_stay_500(error: Exception) -> None:
    assert integrity_error_to_problem(error).status_code == 500


@pytest.mark.parametrize(
    "error", [sqlite3.OperationalError("database is locked"), DeadlockDetectedError("deadlock detected")]
)
def test_a_lock_wait_that_ran_out_is_a_503_with_retry_after(error: Exception) -> None:
    problem = busy_database_to_problem(error)
    assert problem.status_code == 503
    assert problem.headers is not None and int(problem.headers["Retry-After"]) > 0


def test_other_sqlite_operational_errors_stay_500() -> None:
    assert busy_database_to_problem(sqlite3.OperationalError("no such table: users")).status_code == 500
