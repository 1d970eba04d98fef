"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any

import anyio
import msgspec
from litestar import Controller, get
from litestar.datastructures import State

from coresearch.lib import db
from coresearch.lib.problems import ServiceUnavailable
from coresearch.lib.storage import DocumentStore


class Health(msgspec.Struct):
    """Outcome of a probe."""

    status: str
    checks: dict[str, str] = msgspec.field(default_factory=dict)


async def _check_database() -> str:
    try:
        await db.ping(db.current_engine())
    except db.DatabaseUnavailable as exc:
        return f"unavailable: {exc}"
    return "ok"


async def _check_storage(store: DocumentStore) -> str:
    try:
        with anyio.fail_after(5):
            await store.check()
    except Exception as exc:  # any failure here means "not ready"
        return f"unavailable: {type(exc).__name__}"
    return "ok"


class HealthController(Controller):
    """`/health/live` and `/health/ready`; no authentication, no personal data."""

    path = "/health"
    tags = ["operations"]

    @get("/live", operation_id="health_live", summary="The process answers", opt={"offline": True})
    async def live(self) -> Health:
        """Answer 200 while the process runs."""
        return Health(status="live")

    @get("/ready", operation_id="health_ready", summary="Database and storage answer")
    async def ready(self, state: State) -> Health:
        """Answer 200 when the database and the storage answer, else 503 naming the failure."""
        checks: dict[str, Any] = {}

        async def run(name: str, probe: Any) -> None:
            checks[name] = await probe

        async with anyio.create_task_group() as group:
            group.start_soon(run, "database", _check_database())
            group.start_soon(run, "storage", _check_storage(state.store))
        failed = sorted(name for name, outcome in checks.items() if outcome != "ok")
        if failed:
            raise ServiceUnavailable(
                f"Not ready: {', '.join(failed)} unavailable",
                extra={"checks": {name: checks[name].split(":")[0] for name in sorted(checks)}},
            )
        return Health(status="ready", checks=checks)
