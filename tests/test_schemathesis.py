"""Schemathesis against the app's own OpenAPI document, stateful, on both backends.

The run fails on any server error, any response that does not match its documented schema or
media type, and any status the operation does not document. It runs once as a research leader
(who may register projects and acts as lead on all of them, so links reach tasks, meetings,
activities and documents) and once as an admin (user administration). It cannot lock itself
out: signing out, changing the password and changing the acting user's own account are left out,
so every step keeps a working token.

schemathesis runs the app on its own event loop in a background thread, so this test is sync and
drives a second app built from the session's settings; that app owns its pool, and the session
app's engine is put back afterwards (one engine per process, docs/decisions.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import pytest_asyncio
import schemathesis
from hypothesis import HealthCheck
from litestar import Litestar
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from coresearch.app import create_app
from coresearch.lib import db
from tests.conftest import Backend, Person, make_person

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Operations on the acting user's own credentials: one of them would end the run's session.
ACTS_ON_OWN_CREDENTIALS = ["auth_logout", "auth_change_password"]
# Bounded so both backends together stay within a few minutes on a busy machine.
SETTINGS = hypothesis.settings(
    max_examples=25,
    stateful_step_count=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
)


@pytest_asyncio.fixture(params=["research_leader", "admin"])
async def acting(client: Any, request: pytest.FixtureRequest) -> Person:
    """The user the run acts as (created through the service, signed in over the API)."""
    return await make_person(client, request.param)


@pytest.fixture
def schema_app(backend: Backend, app: Litestar, acting: Person) -> Iterator[Litestar]:
    """A second app on the session's backend, for schemathesis' own event loop."""
    session_engine = db.current_engine()
    application = create_app(backend.settings)
    try:
        yield application
    finally:
        shutdown_lifespans()
        db.use_engine(session_engine)


def test_the_api_answers_as_its_openapi_document_says(schema_app: Litestar, acting: Person) -> None:
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", schema_app)
    machine = schema.exclude(operation_id=ACTS_ON_OWN_CREDENTIALS).as_state_machine()

    class AsTheActingUser(machine):  # type: ignore[misc, valid-type]
        def before_call(self, case: schemathesis.Case) -> None:
            case.headers = {**(case.headers or {}), **acting.headers}
            if case.operation.label == "PATCH /api/v1/users/{user_id}":
                # Demoting or deactivating oneself would lock the run out: aim at someone else.
                if str((case.path_parameters or {}).get("user_id")) == acting.id:
                    case.path_parameters = {"user_id": str(uuid.uuid4())}

        def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS)

    AsTheActingUser.run(settings=SETTINGS)
