"""Health probes, metrics, the schema and problem details for what the client gets wrong."""

import httpx
import pytest
from litestar import Litestar

from coresearch.lib.db import engine_from_url
from coresearch.lib.storage import LocalDocumentStore, S3DocumentStore
from coresearch.settings import S3Settings
from tests.conftest import Backend

PROBLEM = "application/problem+json"


async def test_live_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json()["status"] == "live"


async def test_ready_when_database_and_storage_answer(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "storage": "ok"}}


async def test_ready_answers_503_naming_storage_when_it_is_down(
    client: httpx.AsyncClient, app: Litestar, backend: Backend, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend.settings.s3 is not None:
        closed = S3Settings(
            endpoint="127.0.0.1:9",
            access_key="x",
            secret_key="y",
            bucket="unreachable",
            region="us-east-1",
            secure=False,
        )
        broken = S3DocumentStore(closed)
    else:
        blocker = tmp_path / "not-a-directory"
        blocker.write_text("a file where the documents folder should be")
        broken = LocalDocumentStore(blocker)
    monkeypatch.setattr(app.state, "store", broken)

    response = await client.get("/health/ready")

    assert response.status_code == 503
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == 503
    assert body["checks"] == {"database": "ok", "storage": "unavailable"}
    assert "storage" in body["detail"]


async def test_ready_answers_503_naming_database_when_it_is_down(
    client: httpx.AsyncClient, backend: Backend, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend.name == "postgres":
        unreachable = engine_from_url("postgresql://postgres@127.0.0.1:9/nothing")
    else:
        unreachable = engine_from_url(f"sqlite:///{tmp_path}/missing-dir/none.db")
    monkeypatch.setattr("coresearch.domain.operations.controllers.db.current_engine", lambda: unreachable)

    response = await client.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "unavailable", "storage": "ok"}


async def test_unknown_route_is_a_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == 404 and body["title"] == "Not Found"
    assert body["type"].startswith("https://")


async def test_wrong_method_is_a_problem(client: httpx.AsyncClient) -> None:
    response = await client.delete("/health/live")
    assert response.status_code == 405
    assert response.headers["content-type"].startswith(PROBLEM)


async def test_request_id_is_returned_and_kept_when_given(client: httpx.AsyncClient) -> None:
    generated = await client.get("/health/live")
    given = await client.get("/health/live", headers={"X-Request-ID": "abc-123-xyz"})
    assert len(generated.headers["x-request-id"]) == 32
    assert given.headers["x-request-id"] == "abc-123-xyz"


async def test_metrics_in_prometheus_format(client: httpx.AsyncClient) -> None:
    await client.get("/health/live")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert "requests_total{" in response.text and 'app_name="coresearch"' in response.text


async def test_schema_is_openapi_31_and_docs_ui_needs_no_cdn(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/schema/openapi.json")).json()
    page = await client.get("/schema")
    asset = await client.get("/schema/assets/swagger-ui-bundle.js")

    assert spec["openapi"].startswith("3.1")
    assert "/health/ready" in spec["paths"]
    assert page.status_code == 200 and "swagger-ui-bundle.js" in page.text
    assert "http://" not in page.text and "https://" not in page.text.replace("https://coresearch", "")
    assert asset.status_code == 200 and len(asset.content) > 100_000
    # Swagger UI 4 shows "Unable to render this definition" for OpenAPI 3.1; version 5 knows it.
    assert b"isOAS31" in asset.content
