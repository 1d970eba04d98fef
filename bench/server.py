"""The real app plus a hello-world route, the in-process baseline of the HTTP benchmark.

    .venv/bin/python -m uvicorn bench.server:create_bench_app --factory --workers 1

The hello route runs through the same middleware (request id, metrics, logging, auth exclusion)
as every API route, so the ratio list/hello isolates what the list endpoint itself costs.
"""

from __future__ import annotations

from litestar import Litestar, get

from bench.lean import lean_activities, lean_pool
from coresearch.app import ApplicationCore
from coresearch.settings import load_settings

HELLO_PATH = "/bench/hello"


@get(HELLO_PATH, exclude_from_auth=True, include_in_schema=False, operation_id="bench_hello")
async def hello() -> dict[str, str]:
    """A tiny JSON answer without database access."""
    return {"hello": "verden"}


def create_bench_app() -> Litestar:
    """The service as `coresearch.app.create_app` builds it, with `GET /bench/hello` and the
    `bench.lean` experiment added."""
    return Litestar(
        plugins=[ApplicationCore(load_settings())],
        route_handlers=[hello, lean_activities],
        lifespan=[lean_pool],
    )
